r"""How a node's text is read, and the graph rewrites that follow from what flows through it.

:class:`Reading` is how :class:`~tgnas.predictor.resolve.TextResolver` reads one node: the operator family
its text matches, how well, and the text the predictor embeds for it.

A graph is read for what flows through it as well: an inner node read as the zero operation carries
nothing, so it is dropped with every node then off an input-to-output path (:func:`drop_zero`), and a
cell written with its zero operations as nodes is scored as the cell without them. An inner node read as a
sum of its inputs (:data:`~tgnas.predictor.stated.SUM`), where the predictor trained on no text of that
family, is contracted: each node feeding it feeds the nodes it feeds (:func:`contract_sums`), so a cell
written with its states as explicit sum nodes is scored as the cell whose operations sum their inputs, as
every space's graph writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tgnas.opgraph import OpGraph, prune_unreachable
from tgnas.predictor.stated import SUM

ZERO = "none"  # the family of the zero operation: a node read as it carries nothing (drop_zero)


@dataclass(frozen=True)
class Reading:
    """How a node (operator name and text) is read.

    Attributes:
        op: the node's operator name.
        text: the node's text.
        family: the operator family it matches (``None``: no family).
        match: :math:`s_{F^*}(t)`, its cosine to the nearest anchor of that family.
        margin: how far ``match`` is above the best other family's :math:`s_F(t)`.
        read_as: the text the predictor embeds (``text`` itself for a training text, a text near one, or
            a text that matches no family).
        candidates: for a text above the resolver's floor without a clear lead, the ``(family, read_as)``
            of each family within its margin of the best (best first, at most
            :data:`~tgnas.predictor.resolve.MAX_CANDIDATES`): the graph is scored read each way and the
            scores averaged (:meth:`~tgnas.predictor.resolve.TextResolver.resolve`).
    """

    op: str
    text: str
    family: str | None
    match: float
    margin: float
    read_as: str
    candidates: tuple[tuple[str, str], ...] = ()

    def as_candidate(self, k: int) -> Reading:
        """This reading settled on its ``k``-th candidate."""
        family, read_as = self.candidates[k]
        return replace(self, family=family, read_as=read_as, candidates=())


def drop_zero(graph: OpGraph, read: Sequence[Reading]) -> tuple[OpGraph, list[Reading]]:
    """``graph`` without its inner nodes read as the zero operation (:data:`ZERO`), which carry nothing, and
    without the nodes then off every input-to-output path (:func:`~tgnas.opgraph.prune_unreachable`); with
    the readings of the nodes kept. A graph through which nothing flows becomes input -> its first zero
    node -> output, as NAS-Bench-201 writes such a cell."""
    n = graph.num_nodes
    zero = [i for i in range(1, n - 1) if read[i].family == ZERO]
    if not zero:
        return graph, list(read)
    edges = [(u, v) for u, v in graph.edges if u not in zero and v not in zero]
    keep = prune_unreachable(n, edges)
    if not keep:
        keep, edges = (0, zero[0], n - 1), [(0, zero[0]), (zero[0], n - 1)]
    new = {old: k for k, old in enumerate(keep)}

    def pick(seq):
        return None if seq is None else tuple(seq[i] for i in keep)

    g = OpGraph(
        pick(graph.ops),
        tuple((new[u], new[v]) for u, v in edges if u in new and v in new),
        pick(graph.texts),
        pick(graph.costs),
    )
    return g, [read[i] for i in keep]


def contract_sums(graph: OpGraph, read: Sequence[Reading]) -> tuple[OpGraph, list[Reading]]:
    """``graph`` without its inner nodes read as a sum of their inputs (:data:`~tgnas.predictor.stated.SUM`):
    each such node ``v`` is replaced by an edge from each node feeding it to each node it feeds, so that a
    cell written with its states as explicit sum nodes becomes the graph of operations whose inputs sum
    implicitly, as every cell space writes it. With the readings of the nodes kept."""
    n = graph.num_nodes
    sums = {i for i in range(1, n - 1) if read[i].family == SUM}
    if not sums:
        return graph, list(read)
    edges = set(graph.edges)
    for v in graph.topological_order():  # a chain of sums contracts in turn
        if v in sums:
            into = {u for u, w in edges if w == v}
            out = {w for u, w in edges if u == v}
            edges = {(u, w) for u, w in edges if v not in (u, w)} | {(u, w) for u in into for w in out}
    keep = [i for i in prune_unreachable(n, sorted(edges)) if i not in sums]
    if not keep:  # nothing reaches the output: as the graph was
        return graph, list(read)
    new = {old: k for k, old in enumerate(keep)}

    def pick(seq):
        return None if seq is None else tuple(seq[i] for i in keep)

    g = OpGraph(
        pick(graph.ops),
        tuple(sorted((new[u], new[v]) for u, v in edges if u in new and v in new)),
        pick(graph.texts),
        pick(graph.costs),
    )
    return g, [read[i] for i in keep]
