r"""Reads the whole-network graph of a NAS-Bench-101 network (one node per operation, as tgnas's tracer draws
a ``torch.nn.Module``) back into its cell, so that a network built by someone's own code is scored as its
cell.

The network is the benchmark's skeleton: a stem convolution, three stacks of three copies of one cell with a
stride-2 pooling between stacks, a global average and a linear classifier (:mod:`tgnas.networks.nb101`).
Widths are not checked: a narrower copy of the skeleton reads as the same cell.

The graph is first contracted into *units*: a convolution (stride 1, one group) with the normalisations and
activations that follow it in a chain; a 3x3 max pool of stride 1; a stride-2 pool; an addition; a
concatenation; the global average; the classifier. An identity, or an addition or concatenation of one input,
passes its input on. Any other node, or a normalisation or activation after anything but a convolution, means
the graph is no such network.

A cell is the run of units between two *cuts* (units every input-to-output path goes through). A stack's run
of units holds three equal cells, so it splits into thirds, each ending at a cut. Inside a cell whose input
unit is :math:`x`:

- a 1x1 convolution fed by :math:`x` alone is an input *projection*; every other convolution or 3x3 pool is a
  *vertex*, whose operation is its kernel (``conv3x3-bn-relu``, ``conv1x1-bn-relu``, ``maxpool3x3``);
- a vertex's inputs are found through additions: a projection is an edge from the cell input, a vertex an
  edge from that vertex; :math:`x` itself is none (the benchmark projects the cell input wherever it goes,
  so a plain chain of 3x3 convolutions is no such network);
- the cell's last unit gives the output's inputs the same way, through additions and concatenations.

Vertices are numbered in the graph's (topological) order. The nine cells must read as the same cell (by the
benchmark's graph hash, :func:`tgnas.spaces.nb101.canonical`), and it must be a valid cell of the space.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from tgnas.errors import TgnasError
from tgnas.opgraph import OpGraph
from tgnas.spaces.nb101 import NB101Arch, canonical
from tgnas.spaces.nb101 import parse as parse_spec
from tgnas.trace.ops import stated_number

STACKS, CELLS_PER_STACK = 3, 3
VERTEX_OPS = {"conv3": "conv3x3-bn-relu", "conv1": "conv1x1-bn-relu", "pool3": "maxpool3x3"}
AFTER_CONV = frozenset({"batchnorm", "relu"})  # folded into the convolution before them
PASS = frozenset({"identity"})  # hands its input on
COMBINE = {"add": "add", "concat": "cat"}
GLOBAL = frozenset({"mean", "global_avg_pool"})
_CONV = re.compile(r"conv(\d+)x\1")
_POOL = re.compile(r"(max|average)_pool(\d+)x\2")


def _kind(op: str, text: str | None) -> str | None:
    """A traced node's role, from its operator name and the stride / groups its text states."""
    if op in AFTER_CONV:
        return "after"
    if op in PASS:
        return "pass"
    if op in COMBINE:
        return COMBINE[op]
    if op in GLOBAL:
        return "global"
    if op == "linear":
        return "fc"
    if m := _CONV.fullmatch(op):
        if (
            stated_number(text, "stride", 1) == 1
            and stated_number(text, "groups", 1) == 1
            and m.group(1) in "13"
        ):
            return f"conv{m.group(1)}"
        return None
    if m := _POOL.fullmatch(op):
        stride = stated_number(text, "stride", int(m.group(2)))
        if stride == 2:
            return "down"
        return "pool3" if (m.group(1), m.group(2), stride) == ("max", "3", 1) else None
    return None


def _units(graph: OpGraph) -> tuple[list[int], dict[int, str], dict[int, list[int]]] | None:
    """The units of ``graph`` in graph order, each unit's kind and each unit's input units; ``None`` if a node
    has no role here (the module docstring)."""
    n = graph.num_nodes
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for u, v in graph.edges:
        preds[v].append(u)
        succs[u].append(v)
    texts = graph.texts or (None,) * n
    rep, kinds = list(range(n)), {0: "input", n - 1: "output"}
    for j in range(1, n - 1):
        kind = _kind(graph.ops[j], texts[j])
        if kind is None:
            return None
        single = len(preds[j]) == 1
        if kind == "after":
            head = rep[preds[j][0]] if single else -1
            if not single or len(succs[preds[j][0]]) != 1 or not kinds.get(head, "").startswith("conv"):
                return None
            rep[j] = head
        elif kind == "pass" or (kind in ("add", "cat") and single):
            if not single:
                return None
            rep[j] = rep[preds[j][0]]
        else:
            kinds[j] = kind
    order = sorted(kinds)
    inputs = {u: sorted({rep[p] for p in preds[u]}) for u in order}
    return order, kinds, inputs


def _is_cut(order: Sequence[int], inputs: dict[int, list[int]], at: int) -> bool:
    """Whether every path through the units passes through unit ``order[at]`` (no edge jumps over it)."""
    cut = order[at]
    return all(p >= cut for u in order[at + 1 :] for p in inputs[u])


def _sources(
    u: int, x: int, kinds, inputs, projections: set[int], through: tuple[str, ...]
) -> set[int] | None:
    """What unit ``u`` carries, as cell positions: ``x`` (the cell input, through a projection) or a vertex
    unit; additions (and, in ``through``, concatenations) are followed to their inputs. ``None`` for anything
    else."""
    if u in projections:
        return {x}
    kind = kinds[u]
    if kind in VERTEX_OPS:
        return {u}
    if kind not in through:
        return None
    out: set[int] = set()
    for p in inputs[u]:
        got = _sources(p, x, kinds, inputs, projections, through)
        if got is None:
            return None
        out |= got
    return out


def _cell(units: Sequence[int], x: int, kinds, inputs) -> NB101Arch | None:
    """The cell whose units are ``units`` (the last one its output) and whose input unit is ``x``."""
    projections = {u for u in units if kinds[u] == "conv1" and inputs[u] == [x]}
    vertices = [u for u in units if u not in projections and kinds[u] in VERTEX_OPS]
    if any(kinds[u] not in (*VERTEX_OPS, "add", "cat") for u in units) or len(vertices) > 5:
        return None
    index = {x: 0, **{u: k + 1 for k, u in enumerate(vertices)}}
    n = len(vertices) + 2
    matrix = [[0] * n for _ in range(n)]
    for v in vertices:
        for p in inputs[v]:
            got = _sources(p, x, kinds, inputs, projections, ("add",))
            if got is None:
                return None
            for s in got:
                matrix[index[s]][index[v]] = 1
    ends = _sources(units[-1], x, kinds, inputs, projections, ("add", "cat"))
    if ends is None:
        return None
    for s in ends:
        matrix[index[s]][n - 1] = 1
    ops = ["input", *(VERTEX_OPS[kinds[v]] for v in vertices), "output"]
    try:
        return parse_spec(json.dumps({"matrix": matrix, "ops": ops}))
    except TgnasError:
        return None


def cell_of(graph: OpGraph) -> NB101Arch | None:
    """The cell of the NAS-Bench-101 network ``graph`` draws (the module docstring); ``None`` if it draws
    none."""
    if graph.num_nodes < 20:
        return None
    got = _units(graph)
    if got is None:
        return None
    order, kinds, inputs = got
    if (
        len(order) < 7
        or kinds[order[1]] != "conv3"
        or inputs[order[1]] != [order[0]]
        or [kinds[u] for u in order[-3:]] != ["global", "fc", "output"]
        or any(inputs[order[k]] != [order[k - 1]] for k in (-3, -2))
        or order[-2] not in inputs[order[-1]]
        or not set(inputs[order[-1]]) <= set(order[-3:-1])  # the pooled features beside the logits allowed
    ):
        return None
    downs = [k for k, u in enumerate(order) if kinds[u] == "down"]
    if len(downs) != STACKS - 1 or any(inputs[order[k]] != [order[k - 1]] for k in downs):
        return None
    bounds = [1, *downs, len(order) - 3]  # each stack runs strictly between two of these positions
    found: set[str] = set()
    cell = None
    for first, last in zip(bounds, bounds[1:], strict=False):
        size = last - first - 1
        if size <= 0 or size % CELLS_PER_STACK:
            return None
        step = size // CELLS_PER_STACK
        for start in range(first, last - 1, step):
            end = start + step
            if not _is_cut(order, inputs, end):
                return None
            cell = _cell(order[start + 1 : end + 1], order[start], kinds, inputs)
            if cell is None:
                return None
            found.add(canonical(cell))
    return cell if len(found) == 1 else None
