"""The operator graph: the representation shared by every search space and the predictor.

An operator graph is a DAG with operators on its nodes. Node 0 is the single input (op ``"input"``), the
last node is the single output (op ``"output"``), and edges ``(u, v)`` follow data flow. Cell spaces whose
operators sit on edges (NAS-Bench-201, DARTS) turn each edge operation into a node.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from tgnas.errors import GraphError

INPUT = "input"
OUTPUT = "output"
CACHED_EDGES = 256  # edge sets up to this size have their structural checks cached
_PLAIN_NUMBERS = (float, int)


@dataclass(frozen=True, eq=False)
class OpGraph:
    """A single-input, single-output DAG with an operator name on every node.

    Two graphs are equal (and hash alike) when everything that can change a score agrees: operators,
    edges, texts and costs.

    Attributes:
        ops: operator name of each node; ``ops[0] == "input"``, ``ops[-1] == "output"``.
        edges: directed edges ``(src, dst)`` between node indices, sorted and unique.
        texts: optional per-node operator descriptions (``None`` where the embedder's table is used).
        costs: optional per-node ``{"params": ..., "flops": ...}`` known to the space or the user.
    """

    ops: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    texts: tuple[str | None, ...] | None = None
    costs: tuple[Mapping[str, float] | None, ...] | None = None

    def __post_init__(self) -> None:
        ops, edges = tuple(self.ops), tuple(sorted({(int(u), int(v)) for u, v in self.edges}))
        object.__setattr__(self, "ops", ops)
        object.__setattr__(self, "edges", edges)
        n = len(ops)
        if n < 2:
            raise GraphError(f"an operator graph needs at least an input and an output node, got {n} node(s)")
        if ops[0] != INPUT:
            raise GraphError(f"node 0 must be the input (op {INPUT!r}), got {ops[0]!r}")
        if ops[-1] != OUTPUT:
            raise GraphError(f"the last node must be the output (op {OUTPUT!r}), got {ops[-1]!r}")
        for i, op in enumerate(ops[1:-1], start=1):
            if op in (INPUT, OUTPUT):
                raise GraphError(f"node {i} is a second {op!r} node; only the first/last node may be one")
        for name, extra in (("texts", self.texts), ("costs", self.costs)):
            if extra is not None and len(extra) != n:
                raise GraphError(f"{name} has {len(extra)} entries for {n} nodes")
        for i, cost in enumerate(self.costs or ()):
            for key, value in (cost or {}).items():
                if type(value) in _PLAIN_NUMBERS and 0 <= value < math.inf:
                    continue  # the common case, without the abstract-class checks below
                ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
                if not (ok and math.isfinite(value) and value >= 0):
                    raise GraphError(
                        f"node {i} ({ops[i]!r}): {key} must be a finite number >= 0, got {value!r}"
                    )
        small = len(edges) <= CACHED_EDGES
        checked = (_check_structure_cached if small else _check_structure)(n, edges)
        if isinstance(checked, _Problem):
            raise GraphError(checked.message.format(op=repr(ops[checked.node])))
        object.__setattr__(self, "_order", checked)

    @cached_property
    def key(self) -> tuple:
        """Everything that can change a score, hashable: ``(ops, edges, texts, costs)``."""
        costs = None
        if self.costs is not None:
            costs = tuple(None if c is None else tuple(sorted(c.items())) for c in self.costs)
        return (self.ops, self.edges, self.texts, costs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OpGraph) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    @classmethod
    def from_pruned(
        cls,
        ops: Sequence[str],
        edges: Sequence[tuple[int, int]],
        texts: Sequence[str | None] | None = None,
        costs: Sequence[Mapping[str, float] | None] | None = None,
    ) -> OpGraph:
        """The graph of the nodes on some input-to-output path (:func:`prune_unreachable`), renumbered in
        order; raises :class:`GraphError` when the output does not depend on the input."""
        keep = prune_unreachable(len(ops), edges)
        if not keep:
            raise GraphError("the output does not depend on the input (no input-to-output path)")
        new = {old: k for k, old in enumerate(keep)}
        return cls(
            tuple(ops[i] for i in keep),
            tuple((new[u], new[v]) for u, v in edges if u in new and v in new),
            None if texts is None else tuple(texts[i] for i in keep),
            None if costs is None else tuple(costs[i] for i in keep),
        )

    @property
    def num_nodes(self) -> int:
        return len(self.ops)

    def topological_order(self) -> tuple[int, ...]:
        """The nodes in an order that follows every edge: the input first, the output last."""
        return tuple(self._order)  # type: ignore[attr-defined]

    def depths(self) -> list[int]:
        """Longest-path distance of every node from the input node."""
        preds: list[list[int]] = [[] for _ in self.ops]
        for u, v in self.edges:
            preds[v].append(u)
        depth = [0] * self.num_nodes
        for v in self._order:  # type: ignore[attr-defined]
            depth[v] = max((depth[u] + 1 for u in preds[v]), default=0)
        return depth

    def degrees(self) -> tuple[list[int], list[int]]:
        """In-degree and out-degree of every node."""
        indeg, outdeg = [0] * self.num_nodes, [0] * self.num_nodes
        for u, v in self.edges:
            outdeg[u] += 1
            indeg[v] += 1
        return indeg, outdeg

    def to_dict(self) -> dict:
        """The JSON form: ``{"nodes": [{"op": ..., "text"?: ...}, ...], "edges": [[u, v], ...]}``."""
        nodes = []
        for i, op in enumerate(self.ops):
            node: dict = {"op": op}
            if self.texts is not None and self.texts[i] is not None:
                node["text"] = self.texts[i]
            if self.costs is not None and self.costs[i]:
                node.update(dict(self.costs[i]))
            nodes.append(node)
        return {"nodes": nodes, "edges": [list(e) for e in self.edges]}

    @classmethod
    def from_dict(cls, data: Mapping) -> OpGraph:
        """Inverse of :meth:`to_dict`; raises :class:`GraphError` on a malformed dict: nodes without a
        string ``op``, a node key other than ``op``, ``text``, ``params``, ``flops``, a ``text`` that is not
        a non-empty string (at most :data:`~tgnas.inputs.MAX_TEXT` characters), a cost that is not a finite
        number >= 0 (booleans included), an edge that is not a pair of integers, more than
        :data:`~tgnas.inputs.MAX_NODES` nodes."""
        from tgnas import inputs

        if not isinstance(data, Mapping) or "nodes" not in data or "edges" not in data:
            raise GraphError('an operator graph is a JSON object with "nodes" and "edges"')
        extra = set(data) - {"nodes", "edges"}
        if extra:
            raise GraphError(
                f"unknown graph key(s) {inputs.quote(sorted(map(str, extra)))}: use nodes and edges"
            )
        nodes, edge_list = data["nodes"], data["edges"]
        if not isinstance(nodes, list) or not isinstance(edge_list, list):
            raise GraphError('"nodes" and "edges" must be lists')
        if len(nodes) > inputs.MAX_NODES:
            raise GraphError(f"{len(nodes)} nodes: an operator graph has at most {inputs.MAX_NODES}")
        ops, texts, costs = [], [], []
        for i, node in enumerate(nodes):
            if not isinstance(node, Mapping) or not isinstance(node.get("op"), str) or not node["op"]:
                raise GraphError(f'node {i} must be an object with a non-empty string "op"')
            unknown = set(node) - NODE_KEYS
            if unknown:
                raise GraphError(
                    f"node {i} has unknown key(s) {inputs.quote(sorted(map(str, unknown)))}; a node has "
                    + ", ".join(sorted(NODE_KEYS))
                )
            ops.append(inputs.text(node["op"], f'node {i} "op"', GraphError))
            texts.append(
                None
                if node.get("text") is None
                else inputs.text(node["text"], f'node {i} "text"', GraphError)
            )
            cost = {
                k: inputs.number(node[k], f"node {i} {k}", GraphError, 0)
                for k in ("params", "flops")
                if k in node
            }
            costs.append(cost or None)
        edges = []
        for e in edge_list:
            if not isinstance(e, list | tuple) or len(e) != 2:
                raise GraphError(f"an edge is a pair [source, target] of node indices, got {inputs.quote(e)}")
            edges.append(tuple(inputs.integer(v, "an edge's node index", GraphError) for v in e))
        return cls(
            tuple(ops),
            tuple(edges),
            tuple(texts) if any(t is not None for t in texts) else None,
            tuple(costs) if any(c is not None for c in costs) else None,
        )


NODE_KEYS = frozenset({"op", "text", "params", "flops"})


def prune_unreachable(n: int, edges: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """The nodes of an ``n``-node directed graph that lie on some path from node 0 (the input) to node
    ``n - 1`` (the output): reachable from the input and reaching the output. Sorted; empty when the output
    is not reachable from the input. The one pruning rule of every space and of tracing."""
    succ: list[list[int]] = [[] for _ in range(n)]
    pred: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        succ[u].append(v)
        pred[v].append(u)

    def sweep(start: int, nxt: list[list[int]]) -> set[int]:
        seen, todo = {start}, [start]
        while todo:
            for w in nxt[todo.pop()]:
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
        return seen

    if n < 2:
        return ()
    forward = sweep(0, succ)
    if n - 1 not in forward:
        return ()
    return tuple(sorted(forward & sweep(n - 1, pred)))


@dataclass(frozen=True)
class _Problem:
    """Why an edge set is not a valid operator graph; ``{op}`` in ``message`` is ``node``'s operator."""

    message: str
    node: int = 0


def _check_structure(n: int, edges: tuple[tuple[int, int], ...]) -> tuple[int, ...] | _Problem:
    """A topological order of a valid ``n``-node edge set, or the first problem found.

    Valid: edges join nodes in ``0..n-1``, no self-loops, no cycle, every node but the input has an input
    edge and every node but the output an output edge.
    """
    for u, v in edges:
        if not (0 <= u < n and 0 <= v < n):
            return _Problem(f"edge ({u}, {v}) names a node outside 0..{n - 1}")
        if u == v:
            return _Problem(f"edge ({u}, {v}) is a self-loop")
    order = _topological_order(n, edges)
    if order is None:
        import networkx as nx  # only to name the cycle in the error

        g = nx.DiGraph(edges)
        cycle = " -> ".join(str(u) for u, _ in nx.find_cycle(g))
        return _Problem(f"the operator graph has a cycle through nodes {cycle}")
    indeg, outdeg = [0] * n, [0] * n
    for u, v in edges:
        outdeg[u] += 1
        indeg[v] += 1
    for i in range(1, n):
        if indeg[i] == 0:
            return _Problem(f"node {i} ({{op}}) has no input edge (dangling)", i)
    for i in range(n - 1):
        if outdeg[i] == 0:
            return _Problem(f"node {i} ({{op}}) has no output edge (dangling)", i)
    return tuple(order)


# cell spaces reuse a few small topologies many times: their checks are cached (large traced graphs are not)
_check_structure_cached = lru_cache(maxsize=8192)(_check_structure)


def _topological_order(n: int, edges: Sequence[tuple[int, int]]) -> list[int] | None:
    """Kahn's algorithm; ``None`` if the graph has a cycle."""
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for u, v in edges:
        succ[u].append(v)
        indeg[v] += 1
    ready = [i for i in range(n) if indeg[i] == 0]
    order = []
    while ready:
        u = ready.pop()
        order.append(u)
        for v in succ[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                ready.append(v)
    return order if len(order) == n else None
