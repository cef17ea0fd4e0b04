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
from tgnas.opgraph import INPUT, OUTPUT, OpGraph


def parse_graph(obj: object, where: str = "graph") -> OpGraph:
    """One graph from its dict form, checked (``where`` prefixes error messages, e.g. ``"line 3"``)."""
    try:
        graph = OpGraph.from_dict(obj)  # type: ignore[arg-type]
    except (GraphError, ValueError, TypeError) as exc:
        raise GraphError(f"{where}: {exc}") from None
    known = set(known_operators()) | {INPUT, OUTPUT}
    texts = graph.texts or (None,) * graph.num_nodes
    for i, (op, text) in enumerate(zip(graph.ops, texts, strict=True)):
        if text is not None and (not isinstance(text, str) or not text.strip()):
            raise GraphError(f'{where}: node {i} has an empty or non-string "text"')
        if text is None and op not in known:
            raise UnknownOperatorError(
                f'{where}: node {i} uses operator {op!r}, which has no description; add a "text" field to '
                "the node or describe it with tgnas.embed.add_description"
            )
    return graph


def read_graphs(lines: Iterable[str], source: str = "input") -> list[OpGraph]:
    """Parses JSON Lines text into operator graphs, in order."""
    graphs = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GraphError(f"{source} line {number}: not valid JSON ({exc.msg})") from None
        graphs.append(parse_graph(obj, f"{source} line {number}"))
    if not graphs:
        raise TgnasError(f"{source} holds no graph")
    return graphs


MAX_LINE = 1_000_000  # characters of one candidate line


def read_candidates(lines: Iterable[str], source: str = "input") -> list[object]:
    """One architecture per line: any registered space's string form (including the JSON forms of
    NAS-Bench-101 specs and Accel-NASBench objects) or an operator graph as JSON. Blank lines and ``#``
    comments are skipped. Every line is checked; a bad one is an error naming it.

    Returns graphs as :class:`OpGraph` and architectures as their spaces' objects (parsed once), in order.
    """
    from tgnas.api import parse_architecture

    out: list[object] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        where = f"{source} line {number}"
        if len(text) > MAX_LINE:
            raise TgnasError(f"{where}: longer than {MAX_LINE} characters")
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except (json.JSONDecodeError, RecursionError) as exc:
                raise GraphError(f"{where}: not valid JSON ({exc})") from None
            if isinstance(parsed, dict) and "nodes" in parsed:
                out.append(parse_graph(parsed, where))
                continue
        try:
            out.append(parse_architecture(text))
        except TgnasError as exc:
            raise type(exc)(f"{where}: {exc}") from None
    if not out:
        raise TgnasError(f"{source} holds no architecture")
    return out


def load_candidates(path: str) -> list[object]:
    """:func:`read_candidates` of a file, or of standard input for ``-``."""
    import sys

    if path == "-":
        return read_candidates(sys.stdin, "standard input")
    p = Path(path)
    if not p.is_file():
        raise DataError(f"candidate file not found: {p}")
    try:
        with p.open(encoding="utf-8") as f:
            return read_candidates(f, str(p))
    except UnicodeDecodeError as exc:
        raise DataError(f"{p} is not UTF-8 text: {exc}") from None


def load_graphs(path: Path | str) -> list[OpGraph]:
    """Reads a ``.jsonl`` file of operator graphs (see the module docstring)."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"graph file not found: {p}")
    with p.open() as f:
        return read_graphs(f, str(p))


def write_graphs(graphs: Iterable[OpGraph], path: Path | str) -> Path:
    """Writes graphs as JSON Lines (inverse of :func:`load_graphs`)."""
    p = Path(path)
    p.write_text("".join(json.dumps(g.to_dict()) + "\n" for g in graphs))
    return p
