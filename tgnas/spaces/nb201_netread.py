r"""Reads the whole-network graph of a NAS-Bench-201 network (one node per operation, as tgnas's tracer draws
a ``torch.nn.Module``) back into its cell, so that a network built by someone's own code is scored as its
cell.

The network is the benchmark's skeleton (:mod:`tgnas.networks.nb201`): a stem, three stages of ``N`` copies of
one cell with a stride-2 residual block between stages, a normalisation, ReLU, global average and a linear
classifier (returning the pooled features beside the logits, as NATS-Bench's network does, is allowed).
Widths are not checked.

- **Stages.** The nodes that state a stride of 2 make two runs, one per residual block; each block spans the
  nodes between the last *cut* (a node no edge jumps over) before its run and the first cut after it. The
  first stage starts at the stem's end (the first cut after the first convolution), the last ends where the
  head's normalisation begins.
- **Cells.** A stage's nodes split into ``N`` equal runs, each ending at a cut and computing one cell's
  string (below); ``N = 5`` (the benchmark's) is tried first, then every other ``N`` from the largest down.
  (Where zero operations are left out, a node that nothing reads leaves no trace, and ``N`` cells of one
  cell can compute what fewer cells of another do; the most cells, that is the smallest cell, is taken.)
- **What a cell computes.** The cell's output is written as the benchmark's unique string
  (:func:`tgnas.spaces.nb201.canonical`): its input is ``0``, a multiplication by zero ``#``, a ReLU-conv-BN
  chain with one ``k x k`` convolution (stride 1, one group) applied to ``e`` is ``(e)@nor_conv_kxk``, a
  3x3 average pool of stride 1 ``(e)@avg_pool_3x3`` (an operation on a lone ``#`` is ``#``), an identity
  passes ``e`` on, and an addition is the sorted ``+``-join of what it adds (additions feeding only one
  addition are one sum; an addition of one input adds it to itself).

The cell read back is the first cell of the space (in its enumeration order) whose unique string that is;
the benchmark counts cells with one unique string as one architecture. A network whose string matches no
cell's (its zero operations left out, entirely or but for a node without inputs drawn as one multiplication
by zero) is matched on the string with every ``#`` term dropped. All ``3N`` cells must compute the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import permutations, product

from tgnas.opgraph import OpGraph
from tgnas.spaces.nb201 import EDGES, NUM_NODES, NB201Arch, canonical
from tgnas.trace.ops import stated_number

PREFERRED_CELLS = 5  # the benchmark's N
HEAD = ("batchnorm", "relu", ("global_avg_pool", "mean"), "linear")  # the last cell's output -> logits
_CONV = re.compile(r"conv([13])x\1")
ZERO = "#"


def _without_zeros(expr: str) -> str:
    """The unique string with every ``#`` term dropped (and operations on nothing with it)."""
    depth, terms, start = 0, [], 0
    for k, ch in enumerate(expr):
        depth += (ch == "(") - (ch == ")")
        if ch == "+" and depth == 0:
            terms.append(expr[start:k])
            start = k + 1
    terms.append(expr[start:])
    kept = []
    for term in terms:
        if term.startswith("("):
            close = _matching(term)
            inner = _without_zeros(term[1:close])
            if inner:
                kept.append(f"({inner}){term[close + 1 :]}")
        elif term != ZERO:
            kept.append(term)
    return "+".join(sorted(kept))


def _matching(term: str) -> int:
    depth = 0
    for k, ch in enumerate(term):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return k
    return len(term) - 1


@cache
def _cells_by_string() -> tuple[dict[str, NB201Arch], dict[str, NB201Arch]]:
    """The first cell of each unique string, and of each string without zero terms."""
    from tgnas.spaces import get_space

    exact: dict[str, NB201Arch] = {}
    loose: dict[str, NB201Arch] = {}
    for arch in get_space("nb201").enumerate():
        key = canonical(arch)
        exact.setdefault(key, arch)
        loose.setdefault(_without_zeros(key), arch)
    return exact, loose


class _Net:
    def __init__(self, graph: OpGraph) -> None:
        n = graph.num_nodes
        self.n, self.ops, self.texts = n, graph.ops, graph.texts or (None,) * n
        self.preds: list[list[int]] = [[] for _ in range(n)]
        self.succs: list[list[int]] = [[] for _ in range(n)]
        for u, v in graph.edges:
            self.preds[v].append(u)
            self.succs[u].append(v)
        reach = [0] * (n + 1)  # reach[j]: the farthest node an edge from before j goes to
        for u, v in graph.edges:
            reach[u + 1] = max(reach[u + 1], v)
        for j in range(1, n + 1):
            reach[j] = max(reach[j], reach[j - 1])
        self.cuts = {j for j in range(n) if reach[j] <= j}
        self.covered: set[int] = set()  # nodes inside the units read so far (their convolutions and ReLUs)

    def expr(self, j: int, x: int, memo: dict[int, str | None]) -> str | None:
        """The unique string of node ``j`` inside a cell whose input is node ``x``; ``None`` if ``j`` is no
        part of a cell."""
        if j == x:
            return "0"
        if j in memo:
            return memo[j]
        op, preds = self.ops[j], self.preds[j]
        out: str | None = None
        if op == "zero" and len(preds) == 1:
            out = None if self.expr(preds[0], x, memo) is None else ZERO  # what it zeroes is read too
        elif op == "identity" and len(preds) == 1:
            out = self.expr(preds[0], x, memo)
        elif op == "add":
            terms = self._terms(j, x, memo)
            out = None if terms is None else "+".join(sorted(terms))
        elif (source := self.pooled(j)) is not None:
            out = self._applied(self.expr(source, x, memo), "avg_pool_3x3")
        elif op == "batchnorm":
            out = self._unit(j, x, memo)
        memo[j] = out
        return out

    def _terms(self, j: int, x: int, memo) -> list[str] | None:
        """What addition ``j`` adds; one input drawn once is that tensor added to itself (``x + x``: edges
        are unique)."""
        terms, preds = [], self.preds[j]
        for p in preds * 2 if len(preds) == 1 else preds:
            if self.ops[p] == "add" and self.succs[p] == [j] and p != x:
                self.covered.add(p)
                inner = self._terms(p, x, memo)
            else:
                inner = [self.expr(p, x, memo)]
            if inner is None or None in inner:
                return None
            terms += inner
        return terms

    def pooled(self, j: int) -> int | None:
        """The input of node ``j`` if it is a 3x3 average pool of stride 1."""
        if self.ops[j] != "average_pool3x3" or len(self.preds[j]) != 1:
            return None
        return self.preds[j][0] if stated_number(self.texts[j], "stride", 1) == 1 else None

    def unit(self, j: int, x: int) -> tuple[str, int, tuple[int, ...]] | None:
        """A ReLU-conv-BN unit ending at normalisation ``j`` (a convolution of stride 1 and one group, the
        ReLU before it optional): its operation, its input and its inner nodes."""
        conv = self.preds[j][0] if self.ops[j] == "batchnorm" and len(self.preds[j]) == 1 else None
        if conv is None or not _CONV.fullmatch(self.ops[conv]) or len(self.preds[conv]) != 1:
            return None
        if (
            stated_number(self.texts[conv], "stride", 1) != 1
            or stated_number(self.texts[conv], "groups", 1) != 1
        ):
            return None
        source, inner = self.preds[conv][0], (conv,)
        if self.ops[source] == "relu" and len(self.preds[source]) == 1 and source != x:
            source, inner = self.preds[source][0], (conv, source)
        size = _CONV.fullmatch(self.ops[conv]).group(1)
        return f"nor_conv_{size}x{size}", source, inner

    def _unit(self, j: int, x: int, memo) -> str | None:
        found = self.unit(j, x)
        if found is None:
            return None
        self.covered |= set(found[2])
        return self._applied(self.expr(found[1], x, memo), found[0])

    @staticmethod
    def _applied(source: str | None, op: str) -> str | None:
        if source is None:
            return None
        return ZERO if source == ZERO else f"({source})@{op}"


def _cell(net: _Net, x: int, y: int) -> str | None:
    """The unique string of the cell from node ``x`` to node ``y``; every node between must be its part.
    Where the sums read as one term per edge of the cell (:func:`_edges`), it is that cell's string."""
    memo: dict[int, str | None] = {}
    net.covered = set()
    out = net.expr(y, x, memo)
    read = net.covered | {j for j, e in memo.items() if e is not None}
    if out is None or not set(range(x + 1, y + 1)) <= read:
        return None
    ops = next(_edges(net, x, y), None)
    return out if ops is None else canonical(NB201Arch(tuple(ops[edge] for edge in EDGES)))


def _sums(net: _Net, v: int, k: int, root: bool = True) -> Iterator[list[int]]:
    """Every way to read node ``v`` as a sum of exactly ``k`` terms, splitting additions that feed nothing
    else (an addition of one input adds it to itself)."""
    if k == 1:
        yield [v]
        return
    if net.ops[v] != "add" or not (root or len(net.succs[v]) == 1):
        return
    preds = net.preds[v] * 2 if len(net.preds[v]) == 1 else net.preds[v]
    for left in range(1, k) if len(preds) == 2 else ():
        for a in _sums(net, preds[0], left, False):
            for b in _sums(net, preds[1], k - left, False):
                yield a + b


def _readings(net: _Net, t: int, x: int) -> list[tuple[str, int]]:
    """What a term can be, as ``(operation, the tensor it reads)``: the tensor itself through a skip, or the
    operation that made it (an identity is its input)."""
    op, preds = net.ops[t], net.preds[t]
    if op == "identity" and len(preds) == 1:
        return _readings(net, preds[0], x)
    out = [("skip_connect", t)]
    if op == "zero" and len(preds) == 1:
        out.append(("none", preds[0]))
    elif (source := net.pooled(t)) is not None:
        out.append(("avg_pool_3x3", source))
    elif op == "batchnorm" and (unit := net.unit(t, x)) is not None:
        out.append(unit[:2])
    return out


def _terms(net: _Net, v: int, k: int, x: int) -> Iterator[list[tuple[str, int]]]:
    """Readings of node ``v`` as a sum of one term from each of ``k`` earlier nodes: entry ``s`` is the
    ``(operation, tensor)`` read from node ``s``."""
    for terms in _sums(net, v, k):
        for choice in product(*(_readings(net, t, x) for t in terms)):
            for order in permutations(range(k)):
                yield [choice[i] for i in order]


def _edges(net: _Net, x: int, y: int) -> Iterator[dict[tuple[int, int], str]]:
    """Readings of the cell from ``x`` to ``y`` with every edge drawn (zero operations as multiplications by
    zero): the last node's terms give every earlier node's tensor, each of which must read back as that node
    of the cell. Yields ``{(target, source): operation}``."""
    last = NUM_NODES - 1
    for read in _terms(net, y, last, x):
        tensors = [tensor for _, tensor in read]
        if tensors[0] != x:
            continue
        found = {(last, s): op for s, (op, _) in enumerate(read)}
        for node in range(1, last):
            inner = next(
                (r for r in _terms(net, tensors[node], node, x) if [t for _, t in r] == tensors[:node]), None
            )
            if inner is None:
                break
            found |= {(node, s): op for s, (op, _) in enumerate(inner)}
        else:
            yield found


def _stage(net: _Net, start: int, end: int) -> list[str] | None:
    """The unique strings of the cells from cut ``start`` to cut ``end`` (``end`` the last cell's output)."""
    size = end - start
    for cells in (PREFERRED_CELLS, *(c for c in range(size, 0, -1) if c != PREFERRED_CELLS)):
        if size % cells:
            continue
        step = size // cells
        bounds = [start + k * step for k in range(cells + 1)]
        if not all(b in net.cuts for b in bounds):
            continue
        read = [_cell(net, a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
        if None not in read and len(set(read)) == 1 and _known(read[0]) is not None:
            return read
    return None


def _known(key: str) -> NB201Arch | None:
    """The first cell whose unique string is ``key``; else (a network that leaves some or all of its zero
    operations out) the first whose string without zero terms is ``key``'s without them."""
    exact, loose = _cells_by_string()
    return exact.get(key) or loose.get(_without_zeros(key))


def cell_of(graph: OpGraph) -> NB201Arch | None:
    """The cell of the NAS-Bench-201 network ``graph`` draws (the module docstring); ``None`` if it draws
    none."""
    if graph.num_nodes < 20:
        return None
    net = _Net(graph)
    n = net.n
    logits = [p for p in net.preds[n - 1] if net.ops[p] == "linear"]
    if len(logits) != 1:
        return None
    tail = logits[0]
    for want in reversed(HEAD[:-1]):  # the head, walked back from the classifier
        allowed = want if isinstance(want, tuple) else (want,)
        if len(net.preds[tail]) != 1 or net.ops[prev := net.preds[tail][0]] not in allowed:
            return None
        tail = prev
    if not set(net.preds[n - 1]) <= {logits[0], net.preds[logits[0]][0]}:  # (features, logits) allowed
        return None
    last = net.preds[tail][0] if len(net.preds[tail]) == 1 else None  # the last cell's output
    first_conv = next((j for j in range(1, n) if net.ops[j].startswith("conv")), None)
    strided = [j for j in range(1, n) if stated_number(net.texts[j], "stride", 1) == 2]
    if last is None or first_conv is None or not strided:
        return None
    runs = _runs(net, strided)
    stem_end = min((c for c in net.cuts if c > first_conv), default=None)
    if runs is None or stem_end is None:
        return None
    bounds = [stem_end, *[b for run in runs for b in run], last]
    strings: list[str] = []
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        read = _stage(net, a, b)
        if read is None:
            return None
        strings += read
    return _known(strings[0]) if len(set(strings)) == 1 else None


def _runs(net: _Net, strided: Sequence[int]) -> list[tuple[int, int]] | None:
    """The two residual blocks: ``(last cut before, first cut after)`` each run of stride-2 nodes."""
    blocks: list[tuple[int, int]] = []
    for j in strided:
        if blocks and j <= blocks[-1][1]:
            continue
        before = max((c for c in net.cuts if c < j), default=None)
        after = min((c for c in net.cuts if c >= j), default=None)
        if before is None or after is None:
            return None
        blocks.append((before, after))
    return blocks if len(blocks) == 2 else None
