"""The NAS-Bench-201 (NATS-Bench topology) search space.

A cell is a DAG over 4 nodes; each of the 6 edges ``j <- i`` (``i < j``) carries one of 5 operations, so
the space has ``5**6 = 15,625`` cells. The standard string lists, for nodes 1, 2 and 3, their inputs as
``op~source``::

    |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|

Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible Neural Architecture Search", ICLR 2020.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tgnas.errors import ArchitectureError, UnknownOperatorError
from tgnas.inputs import quote
from tgnas.opgraph import INPUT, OUTPUT, OpGraph, prune_unreachable
from tgnas.spaces.base import PartialArch

OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
NUM_NODES = 4
# Edge (target, source) in the order of the standard string.
EDGES: tuple[tuple[int, int], ...] = tuple((j, i) for j in range(1, NUM_NODES) for i in range(j))


@dataclass(frozen=True, order=True)
class NB201Arch:
    """A NAS-Bench-201 cell: one operation per edge, in :data:`EDGES` order (1<-0, 2<-0, 2<-1, 3<-0, ...).

    Attributes:
        ops: 6 operation names from :data:`OPS`.
    """

    ops: tuple[str, ...]

    def __post_init__(self) -> None:
        ops = tuple(self.ops)
        object.__setattr__(self, "ops", ops)
        if len(ops) != len(EDGES):
            raise ArchitectureError(f"a NAS-Bench-201 cell has {len(EDGES)} edges, got {len(ops)} operations")
        for op in ops:
            if op not in OPS:
                raise UnknownOperatorError(
                    f"unknown NAS-Bench-201 operation {quote(op)}; valid: {', '.join(OPS)}"
                )

    def __str__(self) -> str:
        return format_arch(self)

    def op(self, target: int, source: int) -> str:
        """The operation on edge ``target <- source``."""
        return self.ops[EDGES.index((target, source))]


def parse(text: str) -> NB201Arch:
    """Parses the standard string; inputs of a node may come in any order but each source exactly once.

    Raises:
        ArchitectureError: malformed string, wrong number of nodes or edges, bad source index.
        UnknownOperatorError: an operation outside :data:`OPS`.
    """
    if not isinstance(text, str):
        raise ArchitectureError(f"a NAS-Bench-201 architecture string is a str, got {type(text).__name__}")
    s = text.strip()
    if not (s.startswith("|") and s.endswith("|")):
        raise ArchitectureError(
            f"malformed NAS-Bench-201 string {quote(text)}: it must start and end with '|'"
        )
    groups = s.split("+")
    if len(groups) != NUM_NODES - 1:
        raise ArchitectureError(
            f"malformed NAS-Bench-201 string {quote(text)}: expected {NUM_NODES - 1} '+'-separated nodes, "
            f"got {len(groups)}"
        )
    chosen: dict[tuple[int, int], str] = {}
    for target, group in enumerate(groups, start=1):
        if not (group.startswith("|") and group.endswith("|")) or len(group) < 2:
            raise ArchitectureError(
                f"malformed node {target} {quote(group)} in {quote(text)}: expected |op~i|...|"
            )
        items = group[1:-1].split("|")
        if len(items) != target:
            raise ArchitectureError(
                f"node {target} of {quote(text)} must have {target} input edge(s), got {len(items)}"
            )
        for item in items:
            op, sep, src = item.partition("~")
            if not sep or not (src.isascii() and src.isdigit()) or len(src) > 3:
                raise ArchitectureError(
                    f"malformed edge {quote(item)} in {quote(text)}: expected 'op~source'"
                )
            source = int(src)
            if source >= target:
                raise ArchitectureError(f"edge {quote(item)} of node {target}: source must be below {target}")
            if (target, source) in chosen:
                raise ArchitectureError(f"node {target} of {quote(text)} lists source {source} twice")
            chosen[(target, source)] = op
    return NB201Arch(tuple(chosen[e] for e in EDGES))


def format_arch(arch: NB201Arch) -> str:
    """The standard string of ``arch`` (inverse of :func:`parse`)."""
    nodes = []
    for target in range(1, NUM_NODES):
        nodes.append("|" + "|".join(f"{arch.op(target, i)}~{i}" for i in range(target)) + "|")
    return "+".join(nodes)


def canonical(arch: NB201Arch) -> str:
    """An isomorphism-free key: equal for two cells iff the benchmark counts them as the same function.

    Each node is written as the sorted ``+``-join of one term per input edge: ``#`` for ``none`` (and for
    any operation applied to a node that is a lone ``#``), the source's expression for ``skip_connect``,
    and ``(source)@op`` otherwise; node 0 is ``0``. The key is node 3's expression. This reproduces the
    benchmark's own ``UniqueString`` character for character, hence its 6,466 classes over 15,625 cells
    (it is conservative: ``x + 0`` and ``x`` stay distinct, as in the benchmark).
    """
    exprs = ["0"]
    for target in range(1, NUM_NODES):
        terms = []
        for source in range(target):
            op, src = arch.op(target, source), exprs[source]
            if op == "none" or src == "#":
                terms.append("#")
            elif op == "skip_connect":
                terms.append(src)
            else:
                terms.append(f"({src})@{op}")
        exprs.append("+".join(sorted(terms)))
    return exprs[-1]


def to_graph(arch: NB201Arch, prune: bool = True) -> OpGraph:
    """Operator graph: an input node, one node per edge operation (in :data:`EDGES` order), an output node.

    The op node of edge ``j <- i`` reads the sum held by cell node ``i``: the input node if ``i == 0``, else
    every op node of an edge into ``i``. Op nodes of edges into node 3 feed the output node. Each op node
    carries its cost: parameters and FLOPs in a first-stage cell (``C = 16`` at 32x32), from
    :func:`tgnas.networks.nb201_ops.op_costs`.

    With ``prune`` (the default) the graph shows the data that actually flows: ``none`` edges carry
    nothing, so they are dropped, and so is every operation that no input reaches or whose result never
    reaches the output. A cell with no path from input to output becomes ``input -> none -> output``.
    Without ``prune`` all 6 operations are nodes (8 nodes, 10 edges) whatever they are.
    """
    return _graph(tuple((op,) for op in arch.ops), prune)


def partial_graph(partial: PartialArch) -> OpGraph:
    """Operator graph of a cell with several candidate operations per edge (their outputs are summed).

    Every non-``none`` candidate of edge ``j <- i`` becomes its own op node reading node ``i``'s sum; a
    candidate set of only ``none`` carries nothing. Pruned like :func:`to_graph`; with one operation per
    edge it equals ``to_graph`` of that cell.
    """
    if len(partial.choices) != len(EDGES):
        raise ArchitectureError(f"a NAS-Bench-201 cell has {len(EDGES)} edges, got {len(partial.choices)}")
    for ops in partial.choices:
        for op in ops:
            if op not in OPS:
                raise UnknownOperatorError(
                    f"unknown NAS-Bench-201 operation {quote(op)}; valid: {', '.join(OPS)}"
                )
    return _graph(partial.choices, prune=True)


def _graph(edge_ops: tuple[tuple[str, ...], ...], prune: bool) -> OpGraph:
    """The operator graph of a cell whose edge ``k`` sums the operations ``edge_ops[k]``."""
    from tgnas.networks.nb201_ops import op_costs

    cost = op_costs()
    live = tuple(tuple(op for op in ops if op != "none" or not prune) for ops in edge_ops)
    kept_edges, edges = _wiring(tuple(len(ops) for ops in live))
    if not kept_edges:
        return OpGraph((INPUT, "none", OUTPUT), ((0, 1), (1, 2)), costs=(None, cost["none"], None))
    ops = tuple(op for k in kept_edges for op in live[k])
    return OpGraph((INPUT, *ops, OUTPUT), edges, costs=(None, *(cost[op] for op in ops), None))


@lru_cache(maxsize=4096)
def _wiring(counts: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """Which edges keep their op nodes, and the graph's edges, given the number of live ops per edge.

    An edge's ops are kept iff its source is reachable from the input and its target reaches the output
    through live edges. Op nodes are numbered from 1 in edge order (all ops of an edge together); the
    output node comes last. Depends only on ``counts``, so it is computed once per wiring pattern.
    """
    last = NUM_NODES - 1
    on_path = set(prune_unreachable(NUM_NODES, [(s, t) for k, (t, s) in enumerate(EDGES) if counts[k]]))
    kept = [k for k, c in enumerate(counts) if c and EDGES[k][1] in on_path and EDGES[k][0] in on_path]
    nodes = [k for k in kept for _ in range(counts[k])]  # edge position of each op node
    out = len(nodes) + 1
    edges = []
    for pos, k in enumerate(nodes, start=1):
        target, source = EDGES[k]
        if source == 0:
            edges.append((0, pos))
        else:
            edges.extend((p, pos) for p, kp in enumerate(nodes, start=1) if EDGES[kp][0] == source)
        if target == last:
            edges.append((pos, out))
    return tuple(kept), tuple(edges)


@lru_cache(maxsize=32768)
def _cached_graph(arch: NB201Arch) -> OpGraph:
    return to_graph(arch)


class NB201Space:
    """NAS-Bench-201: 15,625 cells of 6 edges and 5 operations (see the module docstring)."""

    name = "nb201"
    ops = OPS
    arch_type = NB201Arch

    def parse(self, text: str) -> NB201Arch:
        return parse(text)

    def format(self, arch: NB201Arch) -> str:
        return format_arch(arch)

    def size(self) -> int:
        return len(OPS) ** len(EDGES)

    def enumerate(self) -> Iterator[NB201Arch]:
        """All 15,625 cells in lexicographic order of operation indices (not the benchmark's index order)."""
        for ops in itertools.product(OPS, repeat=len(EDGES)):
            yield NB201Arch(ops)

    def sample(self, rng: np.random.Generator) -> NB201Arch:
        return NB201Arch(tuple(OPS[i] for i in rng.integers(len(OPS), size=len(EDGES))))

    def mutate(self, arch: NB201Arch, rng: np.random.Generator) -> NB201Arch:
        """Changes the operation of one uniformly chosen edge to a different, uniformly chosen operation."""
        edge = int(rng.integers(len(EDGES)))
        choices = [op for op in OPS if op != arch.ops[edge]]
        ops = list(arch.ops)
        ops[edge] = choices[int(rng.integers(len(choices)))]
        return NB201Arch(tuple(ops))

    def canonical(self, arch: NB201Arch) -> str:
        return canonical(arch)

    def to_graph(self, arch: NB201Arch) -> OpGraph:
        return _cached_graph(arch)

    def supernet(self) -> PartialArch:
        """Every operation on every edge: where the pruning search starts."""
        return PartialArch(tuple(OPS for _ in EDGES))

    def partial_graph(self, partial: PartialArch) -> OpGraph:
        return partial_graph(partial)

    def from_partial(self, partial: PartialArch) -> NB201Arch:
        """The cell of a partial architecture with exactly one operation per edge."""
        return NB201Arch(partial.single())

    def build(self, arch: NB201Arch | PartialArch, **kwargs):
        """The benchmark's network (a :class:`PartialArch` sums the candidate operations of each edge);
        keyword arguments go to :class:`tgnas.networks.nb201.NB201Network`."""
        from tgnas.networks.nb201 import NB201Network

        return NB201Network(arch, **kwargs)
