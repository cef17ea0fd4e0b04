"""A user's own labelled architectures, trained on beside the benchmark spaces (``tgnas train --labelled``).

One JSON object per line (blank lines and ``#`` comments skipped)::

    {"arch": "<any space's string form>", "accuracy": 93.1}
    {"arch": {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}, "accuracy": 80.2, "group": "cifar100"}
    {"arch": {"nodes": [...], "edges": [...]}, "accuracy": 71.0}
    {"module": "mypkg.models:resnet_a", "input_shape": [1, 3, 32, 32], "accuracy": 93.4, "group": "nets"}
    {"module": "nets.py:build", "kwargs": {"depth": 3}, "input_shape": [1, 3, 32, 32], "accuracy": 91.0}

``arch`` is any architecture form :func:`tgnas.api.to_graph` reads (a space's string or JSON form, a
graph dict). Or ``module`` names a ``torch.nn.Module`` (``package.module:factory`` or ``file.py:factory``,
called with the object ``kwargs``, if given: :func:`tgnas.usercode.load_module`), traced on
``input_shape`` (batch first) as :func:`labels_from_modules` traces it. ``accuracy`` is the label, any
scale, higher is better; ``group`` (default ``"own"``) keeps apart labels whose scales differ (datasets,
training budgets). Training standardises a group's labels and ranks only pairs within it, as it does for a
benchmark's (space, dataset); so a group needs two architectures of different accuracy. Records of one
architecture in one group count once, with their mean label (a space's canonical form decides what is one
architecture; a graph's nodes, edges, texts and costs otherwise). Labelled ``torch.nn.Module`` objects
become records of their traced graphs through :func:`labels_from_modules`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tgnas.api import LABELLED_KEYS as KEYS
from tgnas.errors import DataError, TgnasError
from tgnas.inputs import loads, number, quote, read_text, text
from tgnas.opgraph import OpGraph

DEFAULT_GROUP = "own"
GROUP_PREFIX = "own/"  # own groups never share a name with a benchmark's (space/dataset/metric)


@dataclass(frozen=True)
class OwnRecord:
    """One labelled architecture: its space's object (``None`` for a graph), its graph, label and group."""

    arch: object | None
    space: str | None
    graph: OpGraph
    accuracy: float
    group: str


@dataclass(frozen=True)
class OwnLabels:
    """The records of a labelled file, one per distinct architecture and group (duplicates averaged).

    Attributes:
        records: in the order of their first line.
        source: the file's name; ``sha256`` its content's digest (the card records both).
        lines: the number of labelled lines read.
    """

    records: tuple[OwnRecord, ...]
    source: str
    sha256: str
    lines: int

    def without_costs(self) -> int:
        """How many records' graphs carry no node cost at all (training then ranks them by text and shape
        alone: give new operators their ``params`` / ``flops``)."""
        return sum(not any(c for c in r.graph.costs or ()) for r in self.records)

    def summary(self) -> dict:
        """What a checkpoint card records of the file: name, digest, lines, architectures per group, and the
        canonical forms of its architectures of spaces with a benchmark (``benchmark_forms``: what no search
        or ranking figure may then be judged on, :mod:`tgnas.predictor.seen`)."""
        from tgnas.benchmarks import BENCHMARKS
        from tgnas.spaces import get_space

        groups: dict[str, int] = {}
        forms: dict[str, set[str]] = {}
        for r in self.records:
            groups[r.group] = groups.get(r.group, 0) + 1
            if r.space in BENCHMARKS:
                forms.setdefault(r.space, set()).add(get_space(r.space).canonical(r.arch))
        return {
            "file": self.source,
            "sha256": self.sha256,
            "lines": self.lines,
            "groups": groups,
            "benchmark_forms": {space: sorted(f) for space, f in sorted(forms.items())},
        }


def _record(obj: object, where: str) -> OwnRecord:
    from tgnas.api import architecture_of, graph_and_space

    if not isinstance(obj, dict):
        raise DataError(f"{where}: expected an object with keys {', '.join(KEYS)}, got {quote(obj)}")
    unknown = sorted(set(obj) - set(KEYS))
    if unknown:
        raise DataError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; the keys are {', '.join(KEYS)}"
        )
    if ("arch" in obj) == ("module" in obj):
        raise DataError(f"{where}: give either 'arch' or 'module' (with 'input_shape')")
    if ("module" in obj) != ("input_shape" in obj) or ("kwargs" in obj and "module" not in obj):
        raise DataError(f"{where}: 'input_shape' and 'kwargs' go with 'module', which needs 'input_shape'")
    if "accuracy" not in obj:
        raise DataError(f"{where}: no 'accuracy'")
    accuracy = number(obj["accuracy"], f"{where}: 'accuracy'", DataError)
    group = GROUP_PREFIX + text(obj.get("group", DEFAULT_GROUP), f"{where}: 'group'", DataError).strip()
    if "module" in obj:
        return OwnRecord(None, None, _module_record_graph(obj, where), accuracy, group)
    try:
        arch = architecture_of(obj["arch"])
        if isinstance(arch, OpGraph):
            return OwnRecord(None, None, arch, accuracy, group)
        graph, space = graph_and_space(arch)
    except TgnasError as exc:
        raise type(exc)(f"{where}: 'arch': {exc}") from None
    return OwnRecord(arch, space, graph, accuracy, group)


def _module_record_graph(obj: dict, where: str) -> OpGraph:
    """The traced graph of a record's ``module`` on its ``input_shape`` (a list of positive integers)."""
    from tgnas.api import module_graph
    from tgnas.usercode import load_module

    shape = obj["input_shape"]
    if not isinstance(shape, list) or not shape or any(type(s) is not int or s <= 0 for s in shape):
        raise DataError(f"{where}: 'input_shape' must be a list of positive integers, got {quote(shape)}")
    name = text(obj["module"], f"{where}: 'module'", DataError)
    kwargs = obj.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise DataError(f"{where}: 'kwargs' must be an object of keyword arguments, got {quote(kwargs)}")
    try:
        return module_graph(load_module(name, kwargs), shape)
    except TgnasError as exc:
        raise type(exc)(f"{where}: 'module': {exc}") from None


def _identity(record: OwnRecord) -> tuple:
    from tgnas.spaces import get_space

    if record.space is not None:
        return record.group, record.space, get_space(record.space).canonical(record.arch)
    return record.group, record.graph.key


def read_own_labels(lines: Iterable[str], source: str = "input") -> OwnLabels:
    """Parses labelled JSON Lines text (the module docstring's format).

    Raises:
        DataError, ArchitectureError, GraphError, UnknownOperatorError: a bad line (named), an empty input,
            or a group without two architectures of different accuracy.
    """
    content = list(lines)
    records = []
    for line_no, line in enumerate(content, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"{source} line {line_no}"
        records.append(_record(loads(stripped, where, DataError), where))
    digest = hashlib.sha256("".join(content).encode("utf-8")).hexdigest()
    return _merged(records, source, digest)


def labels_from_modules(
    modules: Sequence,
    accuracies: Sequence[float],
    input_shape: Sequence[int],
    group: str = DEFAULT_GROUP,
    source: str = "modules",
) -> OwnLabels:
    """Labelled ``torch.nn.Module`` objects as training records: each module traced on ``input_shape``
    (with the batch, e.g. ``(1, 3, 32, 32)``) into its whole-network graph (:func:`tgnas.api.module_graph`,
    the graph a module is scored by) and labelled with its accuracy, in one ``group``. Modules that trace
    to one graph count once, with their mean accuracy. The digest covers the graphs, labels and group.

    A predictor trained on them scores modules as the traced-graph predictor does
    (``Predictor.load(traced_checkpoint=PATH)``, ``tgnas score --module M --traced-checkpoint PATH``); a
    module tgnas reads back into a search space's architecture is scored as that architecture instead.

    Raises:
        DataError: no modules, counts that differ, a label that is no finite number, a bad group, or a group
            without two different accuracies.
        TgnasError: an input that is not a module, a bad ``input_shape`` or a module that does not trace.
    """
    from tgnas.api import _is_module, module_graph

    modules, accuracies = list(modules), list(accuracies)
    if len(modules) != len(accuracies):
        raise DataError(f"{len(modules)} modules but {len(accuracies)} accuracies")
    name = GROUP_PREFIX + text(group, "group", DataError).strip()
    records, digest = [], hashlib.sha256()
    for k, (model, accuracy) in enumerate(zip(modules, accuracies, strict=True)):
        where = f"{source} item {k + 1}"
        if not _is_module(model):
            raise TgnasError(f"{where}: expected a torch.nn.Module, got {type(model).__name__}")
        label = number(accuracy, f"{where}: accuracy", DataError)
        try:
            graph = module_graph(model, input_shape)
        except TgnasError as exc:
            raise type(exc)(f"{where}: {exc}") from None
        records.append(OwnRecord(None, None, graph, label, name))
        digest.update(repr((graph.key, label, name)).encode("utf-8"))
    return _merged(records, source, digest.hexdigest())


def _merged(records: Sequence[OwnRecord], source: str, digest: str) -> OwnLabels:
    """One record per architecture and group (:func:`_identity`), labelled with the mean of its labels.

    Raises:
        DataError: no records, or a group without two architectures of different accuracy.
    """
    merged: dict[tuple, tuple[OwnRecord, list[float]]] = {}
    for record in records:
        merged.setdefault(_identity(record), (record, []))[1].append(record.accuracy)
    if not merged:
        raise DataError(f"{source} holds no labelled architecture")
    out = tuple(OwnRecord(r.arch, r.space, r.graph, float(np.mean(ys)), r.group) for r, ys in merged.values())
    for group in dict.fromkeys(r.group for r in out):
        values = {r.accuracy for r in out if r.group == group}
        if len(values) < 2:
            raise DataError(
                f"{source}: group {group.removeprefix(GROUP_PREFIX)!r} needs two architectures of "
                "different accuracy to rank"
            )
    return OwnLabels(out, source, digest, len(records))


def load_own_labels(path: Path | str) -> OwnLabels:
    """:func:`read_own_labels` of a file (``-``: standard input)."""
    if str(path) == "-":
        import sys

        return read_own_labels(sys.stdin.read().splitlines(keepends=True), "standard input")
    body = read_text(path, "labelled file")
    return read_own_labels(body.splitlines(keepends=True), Path(path).name)


def read_with(resolver, own: OwnLabels) -> tuple[OwnLabels, int]:
    """``own`` with each record given as a graph (not as a space's architecture) replaced by the graph a
    predictor with ``resolver`` (:class:`~tgnas.predictor.resolve.TextResolver`) scores for it: the first
    way of :meth:`~tgnas.predictor.resolve.TextResolver.resolve` over all of them (texts read as the known
    operators they describe, zero operations dropped, a NAS-Bench-101 cell read back with its costs,
    nominal costs where every operator's is known). Texts no known operator explains stay as given. Also
    returns how many graphs changed; ``resolver`` ``None`` changes nothing."""
    loose = [k for k, r in enumerate(own.records) if r.space is None]
    if resolver is None or not loose:
        return own, 0
    read = resolver.resolve([own.records[k].graph for k in loose])[0]
    records = list(own.records)
    changed = 0
    for k, graph in zip(loose, read, strict=True):
        changed += graph != records[k].graph
        records[k] = replace(records[k], graph=graph)
    return replace(own, records=tuple(records)), changed
