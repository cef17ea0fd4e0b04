r"""Reads the whole-network graph of a DARTS / NAS-Bench-301 network (one node per operation, as tgnas's
tracer draws a ``torch.nn.Module``) back into its genotype, so that a network built by someone's own code is
scored as its genotype.

The network is the DARTS evaluation skeleton (:mod:`tgnas.networks.darts`): a stem, ``L >= 3`` cells of which
those at depths ``L // 3`` and ``2L // 3`` reduce, a global average and a linear classifier. Widths and ``L``
are not checked beyond that.

- **Cells.** Every concatenation but a factorized reduction's (one whose inputs are all stride-2 1x1
  convolutions) ends a cell; cell ``k`` is what the ``k``-th such node depends on and the one before it
  (or the stem, the chain of nodes from the input up to the first node read twice) does not.
- **States 0 and 1.** Inside cell ``k``, a ReLU fed from outside starts an input's preprocessing (a 1x1
  convolution and its normalisation, or a factorized reduction); its end is state 0 when it reads the
  output of cell ``k - 2`` and 1 when it reads cell ``k - 1``'s (both the stem's for the first cell, whose
  two states are told apart by agreeing with the other normal cells).
- **States 2 to 5.** The additions of the cell, in graph order; each adds two operations on earlier states.
- **Operations.** Each addend is followed back to a state. Nothing between them is ``skip_connect``, and so
  is a factorized reduction; normalisations and ReLUs aside, a depthwise ``k x k`` and a 1x1 convolution
  twice is ``sep_conv_kxk``, once with dilation 2 ``dil_conv_kxk``, a 3x3 max or average pool
  ``max_pool_3x3`` / ``avg_pool_3x3``. The first convolution's or pool's stride must be 2 exactly on a
  reduction cell's edges from states 0 and 1.
- **Output.** The concatenation's inputs are the cell's ``concat`` states.

Every normal cell must read as one cell and every reduction cell as another. A state that nothing reads
(outside ``concat``, read by no later state) computes nothing the network uses, so a traced network does not
hold it, and such a genotype is not read back.
"""

from __future__ import annotations

import re

from tgnas.errors import TgnasError
from tgnas.opgraph import OpGraph
from tgnas.spaces.darts import STEPS, DartsArch
from tgnas.trace.ops import stated_number

AFTER = frozenset({"relu", "batchnorm", "identity"})  # around an operation's convolutions, or an identity
_CONV = re.compile(r"conv(\d+)x\1")
_POOLS = {"max_pool3x3": "max_pool_3x3", "average_pool3x3": "avg_pool_3x3"}
HEAD = (frozenset({"global_avg_pool", "mean"}), frozenset({"linear"}))  # after the last cell, in order


class _Net:
    """``graph``'s adjacency, and the strides its texts state."""

    def __init__(self, graph: OpGraph) -> None:
        n = graph.num_nodes
        self.ops, self.texts = graph.ops, graph.texts or (None,) * n
        self.preds: list[list[int]] = [[] for _ in range(n)]
        self.succs: list[list[int]] = [[] for _ in range(n)]
        for u, v in graph.edges:
            self.preds[v].append(u)
            self.succs[u].append(v)

    def pred(self, j: int) -> int | None:
        """The one input of node ``j``; ``None`` if it has several."""
        return self.preds[j][0] if len(self.preds[j]) == 1 else None

    def stride(self, j: int) -> int:
        return stated_number(self.texts[j], "stride", 1)

    def is_pointwise(self, j: int, stride: int = 1) -> bool:
        return self.ops[j] == "conv1x1" and self.stride(j) == stride and "groups 1" in (self.texts[j] or "")

    def is_factorized(self, j: int) -> bool:
        """Whether concatenation ``j`` is a factorized reduction's (all its inputs stride-2 1x1 convs)."""
        return len(self.preds[j]) >= 2 and all(self.is_pointwise(p, 2) for p in self.preds[j])

    def ancestors(self, j: int) -> set[int]:
        seen, todo = {j}, [j]
        while todo:
            for p in self.preds[todo.pop()]:
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen


def _stem(net: _Net) -> int | None:
    """The stem's output: the end of the chain from the input up to the first node read twice."""
    j = 0
    while len(net.succs[j]) == 1:
        j = net.succs[j][0]
        if not (_CONV.fullmatch(net.ops[j]) or net.ops[j] in AFTER):
            return None
    return j if j else None


def _preprocessing_end(net: _Net, relu: int, cell: set[int]) -> int | None:
    """The normalisation ending the preprocessing that starts at ``relu``: ReLU, 1x1 conv, BN; or ReLU, two
    stride-2 1x1 convs, concatenation, BN."""
    nexts = net.succs[relu]
    if net.ops[relu] != "relu" or not nexts:
        return None
    if not all(net.is_pointwise(c, net.stride(nexts[0])) for c in nexts):
        return None
    if len(nexts) == 1 and net.stride(nexts[0]) == 1:
        join = nexts[0]
    elif len(nexts) == 2 and net.stride(nexts[0]) == 2:
        joins = {s for c in nexts for s in net.succs[c]}
        if len(joins) != 1 or not net.is_factorized(join := joins.pop()):
            return None
    else:
        return None
    ends = net.succs[join]
    if len(ends) != 1 or net.ops[ends[0]] != "batchnorm" or ends[0] not in cell:
        return None
    return ends[0]


def _operation(net: _Net, j: int, states: dict[int, int]) -> tuple[str, int, int] | None:
    """``(operation, input state, stride)`` of the addend ending at node ``j``."""
    chain: list[int] = []
    while j not in states:
        join = net.pred(j)
        if net.ops[j] == "batchnorm" and join is not None and net.ops[join] == "concat":
            if not net.is_factorized(join) or chain:
                return None
            relus = {p for c in net.preds[join] for p in net.preds[c]}
            source = net.pred(relus.pop()) if len(relus) == 1 else None
            return ("skip_connect", states[source], 2) if source in states else None
        chain.append(j)
        j = net.pred(j)
        if j is None:
            return None
    core = [c for c in reversed(chain) if net.ops[c] not in AFTER]
    if not core:
        return "skip_connect", states[j], 1
    stride = net.stride(core[0])
    if len(core) == 1 and net.ops[core[0]] in _POOLS:
        return _POOLS[net.ops[core[0]]], states[j], stride
    kinds = []
    for depthwise, pointwise in zip(core[::2], core[1::2], strict=False):
        m = _CONV.fullmatch(net.ops[depthwise])
        if not m or "depthwise" not in (net.texts[depthwise] or "") or not net.is_pointwise(pointwise):
            return None
        kinds.append((m.group(1), stated_number(net.texts[depthwise], "dilation", 1)))
    if len(core) == 4 and kinds[0] == kinds[1] and kinds[0][1] == 1 and kinds[0][0] in "35":
        return f"sep_conv_{kinds[0][0]}x{kinds[0][0]}", states[j], stride
    if len(core) == 2 and kinds[0][1] == 2 and kinds[0][0] in "35":
        return f"dil_conv_{kinds[0][0]}x{kinds[0][0]}", states[j], stride
    return None


def _cell(
    net: _Net, end: int, inputs: tuple[int, int], before: int
) -> tuple[list[tuple[tuple[str, int, int], ...]], tuple[int, ...], bool] | None:
    """The cell ending at concatenation ``end`` that reads ``inputs`` (states 0 and 1's sources) and follows
    node ``before``: per intermediate node its two ``(operation, state, stride)``, the concat states, and
    whether states 0 and 1 could be swapped (both read the same source)."""
    cell = net.ancestors(end) - net.ancestors(before)
    starts = sorted(j for j in cell if any(p not in cell for p in net.preds[j]))
    states: dict[int, int] = {}
    for relu in starts:
        source, finish = net.pred(relu), _preprocessing_end(net, relu, cell)
        if source not in inputs or finish is None:
            return None
        taken = [s for s in (0, 1) if inputs[s] == source and s not in states.values()]
        if not taken:
            return None
        states[finish] = taken[0]
    adds = sorted(j for j in cell if net.ops[j] == "add")
    if len(adds) != STEPS:
        return None
    states |= {a: 2 + k for k, a in enumerate(adds)}
    nodes = []
    for a in adds:
        read = [_operation(net, p, states) for p in net.preds[a]]
        if None in read or len(read) not in (1, 2):
            return None
        nodes.append(tuple(read * (3 - len(read))))  # x + x is drawn as one edge
    concat = tuple(sorted(states.get(p, -1) for p in net.preds[end]))
    if not concat or concat[0] < 2:
        return None
    return nodes, concat, inputs[0] == inputs[1]


def _swapped(nodes, swap: bool):
    """The nodes' edges as a comparable key (each node's edges sorted), states 0 and 1 swapped if asked."""
    turn = {0: 1, 1: 0} if swap else {}
    return tuple(tuple(sorted((op, turn.get(s, s)) for op, s, _ in node)) for node in nodes)


def genotype_of(graph: OpGraph) -> DartsArch | None:
    """The genotype of the DARTS network ``graph`` draws (the module docstring); ``None`` if it draws none."""
    net = _Net(graph)
    stem = _stem(net)
    ends = [j for j, op in enumerate(graph.ops) if op == "concat" and not net.is_factorized(j)]
    if stem is None or len(ends) < 3 or any(j < stem for j in ends):
        return None
    n = graph.num_nodes
    logits = [p for p in net.preds[n - 1] if graph.ops[p] in HEAD[1]]
    pooled = net.pred(logits[0]) if len(logits) == 1 else None
    if pooled is None or graph.ops[pooled] not in HEAD[0] or net.preds[pooled] != [ends[-1]]:
        return None
    if not set(net.preds[n - 1]) <= {logits[0], pooled}:  # the pooled features beside the logits allowed
        return None
    layers = len(ends)
    reductions = {layers // 3, 2 * layers // 3}
    cells: dict[bool, list] = {False: [], True: []}
    for k, end in enumerate(ends):
        before = ends[k - 1] if k else stem
        inputs = (ends[k - 2] if k > 1 else stem, before)
        read = _cell(net, end, inputs, before)
        if read is None:
            return None
        nodes, concat, either = read
        reduction = k in reductions
        for node in nodes:
            if any((stride == 2) != (reduction and state < 2) for _, state, stride in node):
                return None
        cells[reduction].append((nodes, concat, either))
    out = {}
    for reduction, found in cells.items():
        fixed = [(_swapped(nodes, False), concat) for nodes, concat, either in found if not either]
        key = fixed[0] if fixed else (_swapped(found[0][0], False), found[0][1])
        for nodes, concat, either in found:
            if key not in {(_swapped(nodes, s), concat) for s in ((False, True) if either else (False,))}:
                return None
        out[reduction] = key
    try:
        return DartsArch(
            normal=tuple(e for node in out[False][0] for e in node),
            reduce=tuple(e for node in out[True][0] for e in node),
            normal_concat=out[False][1],
            reduce_concat=out[True][1],
        )
    except TgnasError:
        return None
