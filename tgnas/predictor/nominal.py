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

the end nodes (input, output, concatenation) without a cost, as the spaces give them. A node named by a
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


@cache
def nominal_costs() -> dict[str, dict[str, float]]:
    """Operator family -> ``{"params", "flops"}`` at :data:`WIDTH` channels, :data:`SIZE`^2 pixels."""
    from tgnas.networks.darts_ops import darts_op_costs
    from tgnas.networks.nb201_ops import op_costs

    return {**darts_op_costs(WIDTH, SIZE), **op_costs(WIDTH, SIZE)}


def impute(graph: OpGraph, families: Sequence[str | None]) -> OpGraph:
    """``graph`` with nominal costs, if it has none and every node's operator or family (``families[i]``)
    is in the table or an end node; else ``graph`` unchanged."""
    if graph.costs is not None:
        return graph
    table = nominal_costs()
    if not all(f in table or f in COSTLESS for f in families):
        return graph
    costs = tuple(None if f in COSTLESS else dict(table[f]) for f in families)
    return OpGraph(graph.ops, graph.edges, graph.texts, costs)
