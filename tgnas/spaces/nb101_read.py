r"""Reads an operator graph whose operations are NAS-Bench-101's back into its NAS-Bench-101 cell, so that a
cell written in someone's own words, or without costs, is scored as the space gives it: the space's texts
and its costs over the benchmark network.

A cell's costs are not the sum of nominal per-operation costs: a vertex's width depends on the cell (the
output's channels are split among the vertices that feed it), so they come from the cell itself
(:func:`tgnas.networks.nb101.vertex_costs`). A graph is a cell when every inner node is read as an operation
of the space (by family: a 3x3 convolution, a 1x1 convolution, a 3x3 max pool) and it has at most
:data:`~tgnas.spaces.nb101.MAX_VERTICES` nodes and :data:`~tgnas.spaces.nb101.MAX_EDGES` edges; its vertices
are numbered as the graph's nodes where its edges run forward, else in topological order (every node of an
:class:`~tgnas.opgraph.OpGraph` lies on an input-to-output path, so nothing is pruned).

Some cells are also the graph of a NAS-Bench-201 cell whose operations are convolutions alone (a chain
``input -> 3x3 -> 1x1 -> output`` is both): :func:`nb201_twin` says so, by the benchmark's graph hash
(:func:`tgnas.spaces.nb101.canonical`) of the 729 such NAS-Bench-201 cells' graphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import product

from tgnas.embed import family
from tgnas.errors import ArchitectureError
from tgnas.opgraph import INPUT, OUTPUT, OpGraph
from tgnas.spaces.nb101 import MAX_EDGES, MAX_VERTICES, OPS, NB101Arch, canonical, to_graph

FAMILY_OPS: dict[str, str] = {family(op): op for op in OPS}  # an operation family -> the space's operation


def cell_of(graph: OpGraph, families: Sequence[str | None]) -> tuple[NB101Arch, list[int]] | None:
    """The cell ``graph`` is when its inner nodes are read as ``families`` (one per node; the ends' are not
    looked at), with the graph's node behind each cell vertex; ``None`` if it is none (module docstring)."""
    n = graph.num_nodes
    if n > MAX_VERTICES or len(graph.edges) > MAX_EDGES or len(families) != n:
        return None
    if any(f not in FAMILY_OPS for f in families[1:-1]):
        return None
    ordered = all(u < v for u, v in graph.edges)
    order = list(range(n)) if ordered else list(graph.topological_order())
    where = {v: k for k, v in enumerate(order)}
    matrix = [[0] * n for _ in range(n)]
    for u, v in graph.edges:
        matrix[where[u]][where[v]] = 1
    ops = [INPUT, *(FAMILY_OPS[families[v]] for v in order[1:-1]), OUTPUT]
    try:
        return NB101Arch(matrix, ops), order
    except ArchitectureError:
        return None


def space_graph(graph: OpGraph, families: Sequence[str | None], unless_nb201: bool = False) -> OpGraph | None:
    """The space's own graph of the cell ``graph`` is (:func:`cell_of`), with ``graph``'s costs where it has
    them (in the cell's vertex order), else the space's; ``None`` if it is no cell, or, with
    ``unless_nb201``, a cell that is also a NAS-Bench-201 cell's graph (:func:`nb201_twin`)."""
    found = cell_of(graph, families)
    if found is None or (unless_nb201 and nb201_twin(found[0])):
        return None
    arch, order = found
    own = to_graph(arch)
    if graph.costs is None:
        return own
    return OpGraph(own.ops, own.edges, own.texts, tuple(graph.costs[v] for v in order))


def nb201_twin(arch: NB101Arch) -> bool:
    """Whether some NAS-Bench-201 cell whose operations are convolutions (and zeros) has ``arch``'s graph,
    its convolutions read as NAS-Bench-101's of the same kernel."""
    return canonical(arch) in _nb201_conv_cells()


@lru_cache(maxsize=1)
def _nb201_conv_cells() -> frozenset[str]:
    """The graph hashes of the NAS-Bench-201 cells built of 3x3 and 1x1 convolutions and zeros whose graph is
    a NAS-Bench-101 cell."""
    from tgnas.spaces.nb201 import NB201Arch
    from tgnas.spaces.nb201 import to_graph as nb201_graph

    out = set()
    for ops in product(("none", "nor_conv_3x3", "nor_conv_1x1"), repeat=6):
        g = nb201_graph(NB201Arch(ops))
        found = cell_of(g, [family(op) for op in g.ops])
        if found is not None:
            out.add(canonical(found[0]))
    return frozenset(out)
