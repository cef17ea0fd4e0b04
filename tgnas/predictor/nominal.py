r"""Costs for a graph given without them, from what its operators compute.

A graph written by hand (a generic graph, or a cell in a user's own words) often comes without node costs,
and the predictor then ranks from texts and structure alone, which loses much of what the costs tell it
(NAS-Bench-201: Kendall tau 0.856 with the space's costs, 0.823 without). Where every node of such a graph
is read as an operator family whose cost does not depend on anything the text leaves out, the graph gets the
family's cost in a cell of nominal width, :data:`WIDTH` channels at :data:`SIZE` x :data:`SIZE` pixels,
the first-stage cell of NAS-Bench-201 and NAS-Bench-301 (counted on the built operation by
:func:`tgnas.networks.nb201_ops.op_costs` and :func:`tgnas.networks.darts_ops.darts_op_costs`):

.. math::
    \mathrm{params}(v) = \mathrm{params}_{F(v)}(C{=}16), \qquad
    \mathrm{FLOPs}(v) = \mathrm{FLOPs}_{F(v)}(C{=}16,\ 32 \times 32),

the end nodes (input, output, concatenation) without a cost, as the spaces give them. A graph of several
cells, each ending in a concatenation that feeds the next (the DARTS space's graph of a genotype: its
normal cell, then its reduction cell), has each later cell at twice the width and half the resolution of the
one before, as a reduction cell is: a node :math:`v` after :math:`c(v)` inner concatenations on its longest
path from the input costs

.. math::
    \mathrm{params}_{F(v)}(C{=}16 \cdot 2^{c(v)}), \qquad
    \mathrm{FLOPs}_{F(v)}(C{=}16 \cdot 2^{c(v)},\ 32 / 2^{c(v)} \times 32 / 2^{c(v)}),

so that a DARTS genotype written as a generic graph gets the space's own costs. A node named by a
described operator takes that operator's entry, a node with a name tgnas does not know its family's; the
NAS-Bench-101 operations have none (a vertex's width there depends on the cell's topology, and the cell
ends in a projection; nominal costs ranked its labelled cells worse than no costs, Kendall tau 0.675
vs 0.734 with the shipped checkpoint, in-sample). Every node then
holds the share of the graph's cost that it would hold in a cell of constant width, which is what the
predictor's scale-free node features read (:mod:`tgnas.predictor.features`); the graph's total enters
only through the size term :math:`b \log(1 + P)`, which orders graphs of one width as their true counts
do. A graph with any node outside the table (a layer whose cost depends on numbers in its text, an
operator tgnas cannot read) keeps no costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from tgnas.opgraph import OpGraph

WIDTH = 16
SIZE = 32
COSTLESS = frozenset({"input", "output", "concat"})  # end nodes: no cost, as every space writes them
CELL_END = "concat"  # an inner node of this family ends a cell; the next cell is a reduction cell
MAX_REDUCTIONS = 5  # 32 -> 1 pixel: cells past this many reductions are costed as the last one


@cache
def nominal_costs(reductions: int = 0) -> dict[str, dict[str, float]]:
    """Operator family -> ``{"params", "flops"}`` at :data:`WIDTH` channels, :data:`SIZE`^2 pixels, or
    after ``reductions`` reduction cells, at :math:`2^r` times the width and :math:`2^{-r}` the
    resolution."""
    from tgnas.networks.darts_ops import darts_op_costs
    from tgnas.networks.nb201_ops import op_costs

    r = min(reductions, MAX_REDUCTIONS)
    width, size = WIDTH * 2**r, SIZE // 2**r
    return {**darts_op_costs(width, size), **op_costs(width, size)}


def cells(graph: OpGraph, families: Sequence[str | None]) -> list[int]:
    """Each node's cell: the most inner :data:`CELL_END` nodes on a path from the input to it (the node
    itself not counted)."""
    ends = {i for i in range(1, graph.num_nodes - 1) if families[i] == CELL_END}
    preds: list[list[int]] = [[] for _ in range(graph.num_nodes)]
    for u, v in graph.edges:
        preds[v].append(u)
    cell = [0] * graph.num_nodes
    for v in graph.topological_order():
        cell[v] = max((cell[u] + (u in ends) for u in preds[v]), default=0)
    return cell


def impute(graph: OpGraph, families: Sequence[str | None]) -> OpGraph:
    """``graph`` with nominal costs, if it has none and every node's operator or family (``families[i]``)
    is in the table or an end node; else ``graph`` unchanged."""
    if graph.costs is not None:
        return graph
    if not all(f in nominal_costs() or f in COSTLESS for f in families):
        return graph
    costs = tuple(
        None if f in COSTLESS else dict(nominal_costs(c)[f])
        for f, c in zip(families, cells(graph, families), strict=True)
    )
    return OpGraph(graph.ops, graph.edges, graph.texts, costs)
