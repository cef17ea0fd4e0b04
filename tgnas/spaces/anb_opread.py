r"""Reads an Accel-NASBench network drawn one node per operation (as a traced network or a detailed drawing
shows it) back into its architecture (:mod:`tgnas.spaces.anb_read` reads one node per layer).

Each inner node's words (its operator name and text, normalised as :func:`tgnas.spaces.anb_read.normal`
does) say which operation it is, the first that fits:

- ``D``, a depthwise convolution: ``depthwise``, ``depth-wise``, ``dw``, ``dwconv``, a ``channel-wise`` or
  ``per-channel`` convolution, filter or kernel, or ``groups=N`` / ``group=N`` with :math:`N > 1`;
- ``S``, a squeeze-and-excitation: it states one, not negated (:func:`~tgnas.spaces.anb_read.states_se`);
- ``P``, a pointwise convolution: ``pointwise``, ``pw``, ``expan...``, ``widen...``, ``project...``, or a
  kernel stated as 1 only (``1x1``, ``kernel_size=(1, 1)``, ``kernel_shape=[1, 1]``, ``k=1``);
- anything else is no operation of a layer and is skipped: so is a node whose words name a normalisation,
  an activation, dropout, pooling, an addition or a reshape and state no convolution (``conv``, ``filter``,
  ``kernel``, ``KxK``), whatever part of a layer its name gives (``block2a_expand_bn``), unless it states a
  squeeze-and-excitation (``block2a_se_squeeze``).

The graph must be a chain once each node that joins two inputs and is no such operation (a residual's or
a gate's addition or product) is contracted (:func:`~tgnas.spaces.anb_read.as_chain`). An edge the chain
has besides that passes nodes but no depthwise convolution goes around a gate, a squeeze-and-excitation
drawn as its pooling, convolutions or linear layers and sigmoid (as a traced network shows it): the nodes
it passes are one ``S``. The operations then read as MBConv layers :math:`P^? \, D \, S^* \, P`, in
order: the optional first ``P`` is the expansion, the last the projection; before the first layer only
``P``\ s may come (the last of them is that layer's expansion), after the last only ``P``\ s (the head).
Of each layer:

- kernel :math:`k`: the depthwise node's, stated once, in :math:`\{3, 5\}`;
- squeeze-and-excitation: whether an ``S`` node is in it;
- output width :math:`c`: a number of the projection's words that may follow the previous layer's width
  :math:`c_{in}` (32 for the first): :math:`c_{in}` itself or the next block's width; where it states both,
  not its input width :math:`c_{in} e` (written first or last: ``Conv2d(in, out)``, ONNX's ``W=[out, in,
  1, 1]``), else the last;
- expansion :math:`e`: 1 without an expansion node (whose depthwise words then state no width
  :math:`c_{in} e'` with :math:`e' > 1`); with one, the one value in :math:`\{4, 6\}` that the expansion's
  words state as a ratio (``expand 6x``, ...) or its or the depthwise node's words as a width
  :math:`c_{in} e`.

The layers must then make an architecture (:func:`~tgnas.spaces.anb_read.arch_of`), and each edge the
chain has besides must join two nodes of one block (a residual around later layers of a block, or a gate
inside a layer).
"""

from __future__ import annotations

import re
from functools import lru_cache

from tgnas.opgraph import OpGraph
from tgnas.spaces.anb import EXPANSIONS, IN_CHANNELS, OUT_CHANNELS, ANBArch
from tgnas.spaces.anb_read import (
    arch_of,
    as_chain,
    expansions,
    inside_blocks,
    kernel_of,
    named_kernels,
    normal,
    numbers,
    only,
    square_kernels,
    states_se,
)

_DEPTHWISE = re.compile(
    r"\bdepth[\s-]?wise|\bdw(?:conv\w*)?\b|\bdw(?=\d)"
    r"|\b(?:channel[\s-]?wise|per[\s-]channel)\s+(?:conv|filter|kernel)"
)
_GROUPS = re.compile(r"\bgroups?\s*[:=]\s*(\d+)")  # PyTorch's groups, ONNX's group
_POINTWISE = re.compile(r"\bpoint[\s-]?wise|\bpw\b|\bexpan|\bwiden|\bproject")
_AUXILIARY = re.compile(
    r"\b(?:bn|batch\s*norm\w*|norm\w*|activation|act|relu\d*|h?-?swish|silu|sigmoid|gelu|drop\w*|add|sum"
    r"|\w*pool\w*|reshape|flatten|identity)\b"
)
_CONVOLUTION = re.compile(r"conv|filter|kernel|(?<!\d)\d\s*x\s*\d(?!\d)")
_WIDTHS = (IN_CHANNELS[0], *OUT_CHANNELS)  # the stem's width, then each block's


@lru_cache(maxsize=4096)
def operation(op: str, text: str | None) -> str | None:
    """``"D"``, ``"S"``, ``"P"`` or ``None``: the operation a node is (module docstring)."""
    s = normal(f"{op} {text or ''}")
    auxiliary = _AUXILIARY.search(s) and not _CONVOLUTION.search(s)
    if not auxiliary and (_DEPTHWISE.search(s) or any(int(g) > 1 for g in _GROUPS.findall(s))):
        return "D"
    if states_se(s):
        return "S"
    if auxiliary:
        return None
    if _POINTWISE.search(s) or square_kernels(s) | named_kernels(s) == {1}:
        return "P"
    return None


def _layers(kinds: list[str | None]) -> list[tuple[int | None, int, bool, int]] | None:
    """``(expansion, depthwise, squeeze-and-excitation, projection)`` positions of each layer the node
    kinds make, in order; ``None`` if they make no sequence of layers (module docstring)."""
    tokens = [(p, k) for p, k in enumerate(kinds) if k is not None]
    layers: list[tuple[int | None, int, bool, int]] = []
    pending: list[int] = []  # pointwise nodes since the last projection
    i = 0
    while i < len(tokens):
        p, k = tokens[i]
        if k == "P":
            pending.append(p)
            i += 1
            continue
        if k == "S" or (layers and len(pending) > 1):
            return None
        j = i + 1
        while j < len(tokens) and tokens[j][1] == "S":
            j += 1
        if j == len(tokens) or tokens[j][1] != "P":
            return None
        layers.append((pending[-1] if pending else None, p, j > i + 1, tokens[j][0]))
        pending, i = [], j + 1
    return layers


def _fields(words: list[str], layers) -> list[tuple[int, int, bool, int]] | None:
    """Each layer's ``(expansion, kernel, squeeze-and-excitation, output width)`` (module docstring)."""
    out, c_in = [], _WIDTHS[0]
    for expand, depthwise, se, project in layers:
        s = words[depthwise]
        kernel = kernel_of(s)
        wide = [words[depthwise]] if expand is None else [words[expand], words[depthwise]]
        widths = {e for w in wide for n in numbers(w) for e in EXPANSIONS if e > 1 and n == c_in * e}
        if expand is None:
            expansion = None if widths else 1
        else:
            expansion = only(expansions(words[expand]) | widths, EXPANSIONS[1:])
        if kernel is None or expansion is None:
            return None
        at = _WIDTHS.index(c_in)
        stated = [n for n in numbers(words[project]) if n in _WIDTHS[max(at, 1) : at + 2]]
        if len(set(stated)) > 1 and c_in * expansion in stated:  # two: one is the projection's input
            stated.remove(c_in * expansion)
        if not stated:
            return None
        out.append((expansion, kernel, se, stated[-1]))
        c_in = stated[-1]
    return out


def read_operations(graph: OpGraph) -> ANBArch | None:
    """The architecture ``graph`` draws one node per operation; ``None`` if it draws none (module
    docstring)."""
    texts = graph.texts or (None,) * graph.num_nodes
    read = as_chain(graph, adds=lambda v: operation(graph.ops[v], texts[v]) is None)
    if read is None:
        return None
    chain, extra = read
    n, texts = chain.num_nodes, chain.texts or (None,) * chain.num_nodes
    kinds = [None, *(operation(chain.ops[p], texts[p]) for p in range(1, n - 1)), None]
    for a, b in extra:  # a branch beside no depthwise convolution is a gate: a squeeze-and-excitation
        if b > a + 1 and "D" not in kinds[a + 1 : b]:
            kinds[a + 1 : b] = ["S"] + [None] * (b - a - 2)
    layers = _layers(kinds)
    if layers is None or len(layers) < len(OUT_CHANNELS):
        return None
    words = [normal(f"{op} {t or ''}") for op, t in zip(chain.ops, texts, strict=True)]
    fields = _fields(words, layers)
    arch = None if fields is None else arch_of(fields)
    if arch is None:
        return None
    block = [b for b, blk in enumerate(arch.blocks) for _ in range(blk.layers)]
    starts = [d if e is None else e for e, d, _, _ in layers]
    ends = [*starts[1:], next((p for p, k in enumerate(kinds) if k and p > layers[-1][3]), n - 1)]
    block_at = {p: block[j] for j, (a, b) in enumerate(zip(starts, ends, strict=True)) for p in range(a, b)}
    return arch if inside_blocks(extra, block_at) else None
