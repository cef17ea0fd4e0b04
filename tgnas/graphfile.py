"""The generic operator-graph format: JSON Lines, one architecture per line.

Each line is ``{"nodes": [...], "edges": [[u, v], ...]}``. Nodes carry operators (the first node is
``{"op": "input"}``, the last ``{"op": "output"}``); a node may add ``"text"`` (a plain-English description,
needed for an operator tgnas does not know) and numeric ``"params"`` / ``"flops"`` (its cost, where known).
Edges follow data flow between node indices. Blank lines and lines starting with ``#`` are skipped.

Every line is validated before anything is scored: malformed JSON, a missing input or output, cycles,
dangling nodes and operators without a description are errors naming the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from tgnas.embed import known_operators
from tgnas.errors import DataError, GraphError, TgnasError, UnknownOperatorError
from tgnas.inputs import MAX_LINE, loads, quote, read_text
from tgnas.opgraph import INPUT, OUTPUT, OpGraph


def parse_graph(obj: object, where: str = "graph") -> OpGraph:
    """One graph from its dict form, checked (``where`` prefixes error messages, e.g. ``"line 3"``)."""
    try:
        graph = OpGraph.from_dict(obj)  # type: ignore[arg-type]
    except GraphError as exc:
        raise GraphError(f"{where}: {exc}") from None
    known = set(known_operators()) | {INPUT, OUTPUT}
    texts = graph.texts or (None,) * graph.num_nodes
    for i, (op, text) in enumerate(zip(graph.ops, texts, strict=True)):
        if text is None and op not in known:
            raise UnknownOperatorError(
                f'{where}: node {i} uses operator {quote(op)}, which has no description; add a "text" '
                "field to the node or describe it with tgnas.embed.add_description"
            )
    return graph


def read_graphs(lines: Iterable[str], source: str = "input") -> list[OpGraph]:
    """Parses JSON Lines text into operator graphs, in order."""
    graphs = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        where = f"{source} line {number}"
        graphs.append(parse_graph(loads(text, where, GraphError), where))
    if not graphs:
        raise TgnasError(f"{source} holds no graph")
    return graphs


def read_candidates(lines: Iterable[str], source: str = "input", unit: str = "line") -> list[object]:
    """One architecture per line: any registered space's string form (including the JSON forms of
    NAS-Bench-101 specs and Accel-NASBench objects), an operator graph as JSON, or a labelled record
    (``{"arch": ..., "accuracy": ...}``, :mod:`tgnas.predictor.own`: its architecture). Blank lines and ``#``
    comments are skipped. Every line is checked; a bad one is an error naming it (its ``unit`` and number).

    Returns graphs as :class:`OpGraph` and architectures as their spaces' objects (parsed once), in order.
    """
    from tgnas.api import architecture_of, is_labelled_record, parse_architecture

    out: list[object] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        where = f"{source} {unit} {number}"
        if len(text) > MAX_LINE:
            raise TgnasError(f"{where}: longer than {MAX_LINE} characters")
        if text.startswith("{"):
            parsed = loads(text, where, GraphError)
            if isinstance(parsed, dict) and "nodes" in parsed:
                out.append(parse_graph(parsed, where))
                continue
            if is_labelled_record(parsed):  # a line of a labelled file: its architecture
                if "arch" not in parsed:
                    raise TgnasError(
                        f"{where}: a labelled module ({parsed['module']!r}) is scored with --module "
                        "(a file of labelled modules is for train / evaluate --labelled)"
                    )
                try:
                    out.append(architecture_of(parsed["arch"]))
                except TgnasError as exc:
                    raise type(exc)(f"{where}: 'arch': {exc}") from None
                continue
        try:
            out.append(parse_architecture(text))
        except TgnasError as exc:
            raise type(exc)(f"{where}: {exc}") from None
    if not out:
        raise TgnasError(f"{source} holds no architecture")
    return out


def _array(text: str) -> list | None:
    """``text`` as a JSON array of objects or strings, else ``None`` (then it is read line by line; a
    compact DARTS genotype, an array of arrays, is one line's architecture)."""
    if not text.lstrip().startswith("["):
        return None
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):
        return None
    ok = isinstance(items, list) and all(isinstance(x, dict | str) for x in items)
    return items if ok else None


def read_candidate_text(text: str, source: str = "input") -> list[object]:
    """The candidates of a file's text: one per element of a JSON array (a benchmark's labelled file, one
    record per architecture; an error names the element), else one per line (:func:`read_candidates`)."""
    items = _array(text)
    if items is not None:
        return read_candidates([x if isinstance(x, str) else json.dumps(x) for x in items], source, "element")
    return read_candidates(text.splitlines(), source)


def load_candidates(path: str) -> list[object]:
    """:func:`read_candidate_text` of a file, or of standard input for ``-``."""
    import sys

    if path == "-":
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"standard input is not UTF-8 text (byte {exc.start}: {exc.reason})") from None
        return read_candidate_text(text, "standard input")
    return read_candidate_text(read_text(path, "candidate file"), str(path))


def load_graphs(path: Path | str) -> list[OpGraph]:
    """Reads a ``.jsonl`` file of operator graphs (see the module docstring)."""
    return read_graphs(read_text(path, "graph file").splitlines(), str(path))


def write_graphs(graphs: Iterable[OpGraph], path: Path | str) -> Path:
    """Writes graphs as JSON Lines (inverse of :func:`load_graphs`)."""
    p = Path(path)
    p.write_text("".join(json.dumps(g.to_dict()) + "\n" for g in graphs))
    return p
