"""The plug-in API: tgnas as a drop-in proxy for other NAS code.

.. code-block:: python

    predictor = tgnas.load_predictor()                  # the shipped predictors, on CPU
    predictor.score("|nor_conv_3x3~0|+|...|")           # one float, higher = better
    predictor.score_many([genotype, graph_dict, ...])   # one float each, in order

An architecture is a benchmark string of any registered space (``|op~0|+...`` for NAS-Bench-201,
``Genotype(...)`` for DARTS), a space's JSON form as text or as the dict itself (a NAS-Bench-101 spec,
an Accel-NASBench object, a NAS-Bench-301 configuration), a space's architecture object, an
:class:`~tgnas.opgraph.OpGraph`, a generic graph dict (``{"nodes": [...], "edges": [...]}``, see
:mod:`tgnas.graphfile`), or a ``torch.nn.Module`` with
``input_shape`` (e.g. ``(1, 3, 32, 32)``): modules are traced into whole-network graphs
(:func:`tgnas.trace.graph_from_module`) and scored by the *traced-graph* predictor
(``checkpoints/nb201_traced_1000``), except a module whose traced graph is a network of the Accel-NASBench
space (:mod:`tgnas.spaces.anb_opread`), of NAS-Bench-101 (:mod:`tgnas.spaces.nb101_netread`), of DARTS
(:mod:`tgnas.spaces.darts_netread`) or of NAS-Bench-201 (:mod:`tgnas.spaces.nb201_netread`): it is scored as
that architecture, as below (and so is such a traced graph passed as a graph; an explicit checkpoint of
traced graphs reads none). Without an explicit checkpoint, NAS-Bench-201 cells are scored by the
NAS-Bench-201 specialist (``nb201_cifar10_half``: a predicted CIFAR-10 accuracy) and every other
architecture or graph by the universal predictor (``universal``: a standardised score, 0 = an average
architecture of a training space, comparable within one space). A checkpoint given by name or path scores
every architecture and graph, and every module read back into one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tgnas.errors import ArchitectureError, TgnasError, cause
from tgnas.opgraph import OpGraph


def to_graph(arch: object) -> OpGraph:
    """The operator graph of any accepted architecture form (see the module docstring).

    Raises:
        ArchitectureError: a string no space parses (each space's complaint is listed) or an unknown type.
        GraphError, UnknownOperatorError: a malformed graph dict.
    """
    return graph_and_space(arch)[0]


def graph_and_space(arch: object) -> tuple[OpGraph, str | None]:
    """:func:`to_graph` and the name of the space the architecture belongs to (``None`` for a graph)."""
    from tgnas.spaces import get_space
    from tgnas.spaces.darts import is_genotype

    if isinstance(arch, Mapping | list | tuple | str) and not is_genotype(arch):  # a file's JSON value
        arch = architecture_of(arch)
    if isinstance(arch, OpGraph):
        return arch, None
    if is_genotype(arch):  # the DARTS search code's own namedtuple
        return graph_and_space(get_space("darts").parse(arch))
    name = space_of(arch)
    if name is not None:
        return get_space(name).to_graph(arch), name
    raise ArchitectureError(
        f"cannot score a {type(arch).__name__}: pass an architecture string, a space's architecture, "
        "a DARTS Genotype, an OpGraph or a graph dict"
    )


def space_of(arch: object) -> str | None:
    """The name of the registered space whose architecture object ``arch`` is, else ``None``."""
    from tgnas.spaces import SPACES, get_space

    return next((n for n in SPACES.names() if isinstance(arch, get_space(n).arch_type)), None)


def json_form(value: object) -> str:
    """A mapping or sequence (a NAS-Bench-101 spec, an Accel-NASBench object, a NAS-Bench-301
    configuration, a compact DARTS genotype) as JSON text, NumPy arrays and scalars as lists and numbers."""
    import json

    def plain(obj: object) -> object:
        if hasattr(obj, "tolist"):  # a NumPy array or scalar, a torch tensor
            return obj.tolist()
        raise TypeError(type(obj).__name__)

    try:
        return json.dumps(value, default=plain)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ArchitectureError(
            f"cannot read a {type(value).__name__} as an architecture: it holds a value of type {exc}"
        ) from None


LABELLED_KEYS = ("arch", "module", "kwargs", "input_shape", "accuracy", "group")  # tgnas.predictor.own


def architecture_of(value: object) -> object:
    """The architecture a JSON value of a file names: an :class:`OpGraph` for a graph dict, else the
    architecture object of the first space that parses it (a string form, or a JSON form as objects).

    Raises:
        ArchitectureError, GraphError, UnknownOperatorError: nothing reads it.
    """
    from tgnas.graphfile import parse_graph

    if isinstance(value, Mapping) and {"nodes", "edges"} & set(value):
        return parse_graph(value)
    return parse_architecture(value if isinstance(value, str) else json_form(value))


def is_labelled_record(value: object) -> bool:
    """Whether ``value`` is a labelled record, ``{"arch": ..., "accuracy": ..., "group": ...}`` (or with
    ``"module"`` and ``"input_shape"`` instead of ``"arch"``)."""
    return (
        isinstance(value, Mapping)
        and bool({"arch", "module"} & set(value))
        and set(value) <= set(LABELLED_KEYS)
    )


def parse_architecture(text: str) -> object:
    """The architecture object of the first registered space that parses ``text``.

    Raises:
        ArchitectureError: no space parses it (each space's complaint is listed).
    """
    return parse_in_any_space(text)[1]


def parse_in_any_space(text: str) -> tuple[str, object]:
    """``(space name, architecture)`` of the first registered space that parses ``text``.

    Raises:
        ArchitectureError: no space parses it (each space's complaint is listed).
    """
    from tgnas.spaces import SPACES, get_space

    complaints = []
    for space in (get_space(n) for n in SPACES.names()):
        try:
            return space.name, space.parse(text)
        except TgnasError as exc:
            complaints.append(f"{space.name}: {exc}")
    raise ArchitectureError(f"no search space parses {text[:80]!r}; " + "; ".join(complaints))


TRACED_NAME = "nb201_traced_1000"


def _is_module(arch: object) -> bool:
    import sys

    torch = sys.modules.get("torch")  # a module can only exist if torch is imported
    return torch is not None and isinstance(arch, torch.nn.Module)


class Predictor:
    """tgnas's predictors behind one ``score(arch) -> float`` (``tgnas.Predictor``; ``tgnas.Proxy`` is its
    deprecated former name).

    Args:
        predictor: the cell predictor (:class:`~tgnas.predictor.predictor.TrainedPredictor`).
        traced: the traced-graph predictor for ``nn.Module``s; loaded on first use when ``None``.
        traced_checkpoint: what to load then (a shipped name or a path).
        device: where the lazily loaded predictors run.
        universal_checkpoint: the predictor of architectures outside NAS-Bench-201 and of generic graphs,
            loaded on first use; ``None``: ``predictor`` scores them too.
    """

    def __init__(
        self,
        predictor,
        traced=None,
        traced_checkpoint: str = TRACED_NAME,
        device: str = "cpu",
        universal_checkpoint: str | None = None,
    ) -> None:
        self.predictor = predictor
        self._traced = traced
        self._traced_checkpoint = traced_checkpoint
        self._device = device
        self._universal_checkpoint = universal_checkpoint
        self._universal = None

    @classmethod
    def load(
        cls, checkpoint: str | None = None, device: str = "cpu", traced_checkpoint: str | None = None
    ) -> Predictor:
        """Loads the cell predictor (default: the NAS-Bench-201 specialist, with the universal predictor,
        loaded lazily, for everything else) and names the traced one (loaded lazily)."""
        from tgnas.predictor.predictor import default_checkpoint, load_checkpoint

        return cls(
            load_checkpoint(checkpoint, device),
            traced_checkpoint=traced_checkpoint or TRACED_NAME,
            device=device,
            universal_checkpoint=default_checkpoint(None) if checkpoint is None else None,
        )

    @property
    def universal(self):
        """The predictor of non-NAS-Bench-201 inputs (the cell predictor when a checkpoint was chosen)."""
        if self._universal_checkpoint is None:
            return self.predictor
        if self._universal is None:
            from tgnas.predictor.predictor import load_checkpoint

            self._universal = load_checkpoint(self._universal_checkpoint, self._device)
        return self._universal

    @property
    def traced(self):
        """The traced-graph predictor (scores ``nn.Module``s)."""
        if self._traced is None:
            from tgnas.predictor.predictor import load_checkpoint

            self._traced = load_checkpoint(self._traced_checkpoint, self._device)
        return self._traced

    def score(self, arch: object, input_shape: Sequence[int] | None = None) -> float:
        """The predicted accuracy of one architecture or module (higher = better)."""
        return float(self.score_many([arch], input_shape)[0])

    def score_many(self, archs: Sequence[object], input_shape: Sequence[int] | None = None) -> np.ndarray:
        """Predicted accuracies, shape ``(len(archs),)``, in order; graphs are batched and deduplicated.

        ``input_shape`` (with the batch dimension, e.g. ``(1, 3, 32, 32)``) is needed for modules.
        """
        return self.report(archs, input_shape, unseen=False).scores

    def unseen_operators(self, archs: Sequence[object], input_shape: Sequence[int] | None = None) -> list:
        """Operators of ``archs`` that their predictor never trained on (see :meth:`report`)."""
        return self.report(archs, input_shape).unseen

    def report(
        self, archs: Sequence[object], input_shape: Sequence[int] | None = None, unseen: bool = True
    ) -> ScoreReport:
        """Scores ``archs`` (as :meth:`score_many`) and, with ``unseen``, lists the operators their predictor
        never trained on, each with the nearest text it knows
        (:class:`~tgnas.predictor.novelty.UnseenOperator`) and the architecture each graph or module was
        read back into (``read_as``). The cell predictor judges architectures and graphs, the traced one
        modules; a module, or a graph drawn as tgnas's tracer draws one, that is a network of a space tgnas
        reads back (:func:`_space_network`) is scored as that architecture. Each module is traced once. A
        predictor whose card lists no training texts (a checkpoint from before tgnas recorded them) reports
        no unseen operators."""
        if isinstance(archs, str | Mapping | OpGraph) or _is_module(archs):
            raise TgnasError("expected a list of architectures, got a single one: use score() for one")
        archs = list(archs)
        modules = [k for k, a in enumerate(archs) if _is_module(a)]
        rest = [k for k in range(len(archs)) if k not in (module_set := set(modules))]
        out, found = np.empty(len(archs)), []
        notes: list[list[str]] = [[] for _ in archs]
        parsed = {k: graph_and_space(archs[k]) for k in rest}
        routed = self._universal_checkpoint is not None
        card = getattr(self.predictor, "card", None) or {}
        reads = routed or card.get("graphs") != "traced"  # a cell predictor scores what is read back
        specialist = [k for k in rest if parsed[k][1] == "nb201" or not routed]
        universal = sorted(set(rest) - set(specialist))
        parsed |= {k: (module_graph(archs[k], input_shape), None) for k in modules}
        drawn = {  # a module, or a large graph as the tracer draws one, that is a space's network
            k: _space_network(parsed[k][0], module=k in module_set)
            for k in [*modules, *universal]
            if reads and parsed[k][1] is None and parsed[k][0].num_nodes >= MIN_NETWORK_NODES
        }
        networks = {k: got for k, got in drawn.items() if got is not None}  # (graph, read as, space)
        parsed |= {k: (got[0], got[2]) for k, got in networks.items()}
        cells = {k for k, got in networks.items() if got[2] == "nb201"}  # the specialist's
        specialist = sorted({*specialist, *cells})
        universal = sorted({*universal, *networks} - cells)
        traced = [k for k in modules if k not in networks]
        groups = [("predictor", specialist), ("universal", universal), ("traced", traced)]
        read_as: list[str | None] = [None] * len(archs)
        if unseen:
            for k, got in networks.items():
                read_as[k] = got[1]
        for name, keys in groups:
            if not keys:
                continue
            predictor = getattr(self, name)  # the universal and traced ones load on first use
            graphs = [parsed[k][0] for k in keys]
            out[keys] = predictor.score_graphs(graphs)
            if name == "universal" and unseen:  # what a report says, not what scores need
                given = [k for k in keys if parsed[k][1] is None]  # graphs (a space's own need no reading)
                for k, r in zip(given, _readings(predictor, [parsed[k][0] for k in given]), strict=True):
                    read_as[k] = r
            if unseen:
                new = predictor.unseen_operators(graphs) or []
                found += new
                by_text = {u.text: u.op for u in new}
                for k, g in (
                    zip(keys, graphs, strict=True) if by_text else ()
                ):  # only graphs that can have one
                    texts = {
                        predictor.embedder.text_of(op, t)
                        for op, t in zip(g.ops, g.texts or (None,) * g.num_nodes, strict=True)
                    }
                    notes[k] = sorted({by_text[t] for t in texts if t in by_text})
        return ScoreReport(out, found, notes, read_as)


NETWORK_READERS = {  # space -> (module, function) reading a network drawn as tgnas's tracer draws one back
    "nb101": ("tgnas.spaces.nb101_netread", "cell_of"),
    "darts": ("tgnas.spaces.darts_netread", "genotype_of"),
    "nb201": ("tgnas.spaces.nb201_netread", "cell_of"),
}
MIN_NETWORK_NODES = 20  # fewer nodes: no whole network of these spaces


def _space_network(graph: OpGraph, module: bool) -> tuple[OpGraph, str, str] | None:
    """A traced network of a space tgnas reads back: the graph to score (the space's graph of the
    architecture), the architecture as ``"space string-form"`` and the space; ``None`` for any other graph.

    An Accel-NASBench network (:mod:`tgnas.spaces.anb_opread`) is scored as it is, since the universal
    predictor reads it back itself; only a module's needs reading here. The others are read by
    :data:`NETWORK_READERS`, first to last."""
    import importlib

    from tgnas.spaces import get_space

    if module and (read := _anb_reading(graph)) is not None:
        return graph, read, "anb"
    for name, (path, function) in NETWORK_READERS.items():
        arch = getattr(importlib.import_module(path), function)(graph)
        if arch is not None:
            space = get_space(name)
            return space.to_graph(arch), f"{name} {space.format(arch)}", name
    return None


def _readings(predictor, graphs: Sequence[OpGraph]) -> list[str | None]:
    """The architecture each graph is read back into and scored as, as ``"space string-form"``: an
    Accel-NASBench network (:func:`_anb_reading`) or a NAS-Bench-101 cell (every way the predictor reads the
    graph, :meth:`~tgnas.predictor.resolve.TextResolver.resolve`, is the space's own graph of one cell);
    ``None`` for any other graph."""
    out = [_anb_reading(g) for g in graphs]
    resolver = getattr(predictor, "resolver", None)
    if resolver is None or all(out):
        return out
    ways = resolver.resolve(graphs)
    for j, first in enumerate(ways[0]):
        if out[j] is None and all((w[j].ops, w[j].edges) == (first.ops, first.edges) for w in ways):
            out[j] = _nb101_reading(first)
    return out


def _nb101_reading(graph: OpGraph) -> str | None:
    """The NAS-Bench-101 cell ``graph`` is the space's own graph of (its operations, edges and order), as
    ``"nb101 <spec>"``; ``None`` if it is none."""
    import json

    from tgnas.spaces import get_space
    from tgnas.spaces.nb101 import MAX_VERTICES

    space = get_space("nb101")
    if graph.num_nodes > MAX_VERTICES or (graph.ops[0], graph.ops[-1]) != ("input", "output"):
        return None
    if not set(graph.ops[1:-1]) <= set(space.ops):
        return None
    n, edges = graph.num_nodes, set(graph.edges)
    spec = {"matrix": [[int((i, j) in edges) for j in range(n)] for i in range(n)], "ops": list(graph.ops)}
    try:
        arch = space.parse(json.dumps(spec))
    except TgnasError:
        return None
    own = space.to_graph(arch)
    return f"nb101 {space.format(arch)}" if (own.ops, own.edges) == (graph.ops, graph.edges) else None


def _anb_reading(graph: OpGraph) -> str | None:
    """The Accel-NASBench architecture a graph is read back into (:mod:`tgnas.spaces.anb_read`), as the
    space's string form; ``None`` if it is none."""
    from tgnas.spaces.anb import format_arch
    from tgnas.spaces.anb_read import network_of

    arch = network_of(graph)
    return None if arch is None else f"anb {format_arch(arch)}"


@dataclass
class ScoreReport:
    """What :meth:`Predictor.report` returns: ``scores`` in input order, the ``unseen`` operators and, per
    input, the architecture a graph or module was read back into and scored as (``read_as``: the space and
    its string form, e.g. ``"anb e6k3l1-..."`` or ``"nb101 {...}"``; ``None`` for an input that is no such
    graph)."""

    scores: np.ndarray
    unseen: list = field(default_factory=list)
    operators_unseen: list[list[str]] = field(default_factory=list)  # per input: its operators never seen
    read_as: list[str | None] = field(default_factory=list)


def module_graph(model, input_shape: Sequence[int] | None) -> OpGraph:
    """The traced operator graph of ``model`` on a seeded Gaussian input of ``input_shape``
    (see :mod:`tgnas.trace`)."""
    import torch

    from tgnas.trace import graph_from_module

    if input_shape is None:
        raise TgnasError(f"scoring a {type(model).__name__} needs input_shape, e.g. (1, 3, 32, 32)")
    shape = tuple(int(s) for s in input_shape)
    if not shape or any(s <= 0 for s in shape):
        raise TgnasError(f"input_shape must be positive sizes, got {tuple(input_shape)}")
    try:
        device = next(model.parameters()).device
    except StopIteration:
        device = torch.device("cpu")
    # a seeded Gaussian example: data-dependent branches (hooks fallback) see a typical input, not zeros
    try:
        example = torch.randn(shape, generator=torch.Generator().manual_seed(0)).to(device)
    except RuntimeError as exc:  # an allocation the machine cannot make
        raise TgnasError(f"cannot make an input of shape {shape}: {cause(exc)}") from None
    return graph_from_module(model, example).graph
