r"""Reads an Accel-NASBench network written as a layer graph in someone's own words back into its
architecture, so that it is scored as the space gives it: the space's layer texts, in each of its wordings
(:mod:`tgnas.spaces.anb_text`), and its costs.

A layer text carries numbers, and a sentence encoder reads numbers poorly; these are read directly, after
number words become digits (``six`` -> ``6``) and underscores spaces (``kernel_size`` -> ``kernel size``):

- expansion :math:`e \in \{1, 4, 6\}`: ``expansion 6``, ``expand ratio 6``, ``expand_ratio=6``,
  ``expansion by 6``, ``expand 6x``, ``x6 expansion``, ``widen x6``, ``expanding ... by a factor of 6``,
  ``6 times``, ``6-fold``, ``MBConv6``, ``e6``, ``e=6``, ``t=6`` / ``t 6`` (MobileNetV2's expansion
  factor); 1 for a ``SepConv`` or ``separable`` layer stating none (MnasNet's name of a layer without
  expansion);
- depthwise kernel :math:`k \in \{3, 5\}`: ``5x5``, ``5 by 5``, ``5-by-5``, ``kernel 5``,
  ``kernel_size=5``, ``k5``, ``k=5``;
- squeeze-and-excitation: ``squeeze``, ``squeeze-excite``, ``excitation``, ``SE``, ``se0.25``, ``channel
  attention``, ``channel gating``; off where a negation (``no``, ``without``, ``not``, ``w/o``) comes within
  a few words before, or right after it (optionally after ``ratio``, ``block``, ``module``, ``layer`` and a
  ``:`` or ``=``) comes ``off``, ``none``, ``no``, ``false``, ``disabled``, ``absent`` or a zero
  (``se_ratio=0.0``, ``SE: none``, ``se=False``); no mention is off;
- output channels :math:`c`: the last number of the text that is one of the space's block widths
  (:data:`~tgnas.networks.anb.OUT_CHANNELS`);
- layers :math:`n \in \{1, .., 4\}`, where a node stands for a block's layers: ``layers=3``, ``l=3``,
  ``n 3`` (MobileNetV2's table), ``repeats: 3``, ``l3`` / ``r3`` (block strings), ``3 x MBConv``,
  ``3 layers`` / ``3 MBConv layers`` / ``3 repeats`` (not ``of 3 layers``, a position), ``repeated 3
  times``; no mention is one layer. The space's own block token (``e6k3l2se``) states
  :math:`e, k, n` and the SE.

A text stating two values of one of them states none. A graph is read as an architecture when it is a chain
``input -> stem -> layers -> head -> output`` (the stem and the head may be left out or written as several
nodes: the first and the last inner nodes whose texts state no layer are taken for them; residual
connections may be drawn, as edges around one layer or through a node that adds them, which is dropped)
whose every layer text states all four (seven texts that each state :math:`n` may leave :math:`c` out:
they are the seven blocks in order), whose widths run through the seven blocks in order (1 to 4 layers
each) and whose layers in one block agree on :math:`(e, k, SE)`; its stride and input width follow from the
block. A graph drawn one node per operation (expansion, depthwise convolution, SE, projection) is read by
:mod:`tgnas.spaces.anb_opread`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import lru_cache
from itertools import accumulate, groupby

from tgnas.opgraph import OpGraph
from tgnas.spaces.anb import BLOCKS, EXPANSIONS, KERNELS, LAYERS, OUT_CHANNELS, ANBArch, ANBBlock, to_graphs
from tgnas.spaces.anb_text import TEMPLATES

_DIGITS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6"}
_WORD = re.compile(r"\b(" + "|".join(_DIGITS) + r")\b")
_EXPANSION = (
    re.compile(r"\bexpan\w*(?:\s+(?:ratio|factor|rate|by|of))*\s*[:=]?\s*x?\s*(\d)(?:\s*x)?\b"),
    re.compile(r"\bx\s*(\d)\s+expan"),
    re.compile(r"\b(\d)\s*x\s+expan"),
    re.compile(r"\bwiden\w*(?:\s+\w+){0,2}?\s+(?:x|by\s+)?(\d)\b"),
    re.compile(r"\b(?:expan|widen)\w*\b[^,;.]*?\bfactor\s+(?:of\s+)?(\d)\b"),
    re.compile(r"\b(\d)\s*(?:times|-fold|fold)\b"),
    re.compile(r"\bmbconv\s*(\d)\b"),
    re.compile(r"\be(?:\s*[:=]\s*)?(\d)\b"),
    re.compile(r"\bt\s*[:=]?\s*(\d)\b"),  # MobileNetV2's table: t, c, n, s
)
_KERNEL = (
    re.compile(
        r"(?<!\d)(\d)\s*-?\s*(?:x|by|\*)\s*-?\s*(\d)(?!\d)"
        r"|\bkernel(?:\s+(?:size|shape))?\s*[:=]?\s*[(\[]\s*(\d)\s*,\s*(\d)\s*[)\]]"
    ),
    re.compile(r"\bkernel(?:\s+size)?(?:\s+of)?\s*[:=]?\s*(\d)\b"),
    re.compile(r"\bk\s*[:=]?\s*(\d)\b"),
)
_SE_WORD = (
    r"(?:squeeze[\w-]*(?:\s+and\s+excitation)?|excitation|se\b|se(?=\d)|channel attention|channel gating)"
)
_SE = re.compile(r"\b" + _SE_WORD)
_NO_SE = re.compile(
    r"\b(?:no|without|not|w/o)\b(?:\s+[\w-]+){0,3}?\s+"
    + _SE_WORD
    + r"|\b"
    + _SE_WORD
    + r"(?:\s+(?:ratio|block|module|layer|attention|gating))?\s*[:=]?\s*"
    r"(?:off|none|no|false|disabled|absent|0(?:\.0+)?(?![\d.]))(?!\w)"
)
_NUMBER = re.compile(r"\d+")
_SEPARABLE = re.compile(r"\bsep\s*conv|\bseparable\b")  # MnasNet's SepConv: a layer without expansion
_COMPACT = re.compile(r"\be(\d)k(\d)l(\d)(se)?\b")  # the space's own block token, e6k3l2se
_COUNT = (  # how many layers a node stands for: a block's
    re.compile(r"\b(?:(?:num(?:ber of)?\s*layers|layers|repeats?|depth|[lrn])\s*[:=]|n\s)\s*(\d)\b"),
    re.compile(r"\b[lr](\d)\b"),
    re.compile(r"\b(\d)\s*x\s*(?=mbconv|sepconv|inverted|irb\b|ir\b|layer|bottleneck)"),
    re.compile(  # the digit alone: "3 MBConv6 layers" keeps its expansion
        r"(?<!\bof\s)\b(\d)(?=\s+(?:(?:identical|stacked|mbconv\d?|sepconv)\s+)?(?:layers|repeats|copies)\b)"
    ),
    re.compile(r"\brepeat\w*\s+(?:x\s*)?(\d)\b(?:\s*times)?"),
)


def only(values: set[int], valid: Collection[int]) -> int | None:
    """The one value of ``values`` if it is in ``valid``, else ``None``."""
    return values.pop() if len(values) == 1 and next(iter(values)) in valid else None


def normal(text: str) -> str:
    """``text`` lower-cased, number words as digits, ``×`` as ``x`` and underscores as spaces."""
    return _WORD.sub(lambda m: _DIGITS[m.group(1)], text.lower().replace("×", "x").replace("_", " "))


def expansions(s: str) -> set[int]:
    """The expansion ratios the normalised text ``s`` states (module docstring)."""
    return {int(d) for p in _EXPANSION for d in p.findall(s)}


def square_kernels(s: str) -> set[int]:
    """The square kernel sizes the normalised text ``s`` writes as ``5x5``, ``5 by 5``,
    ``kernel_size=(5, 5)`` or ``kernel_shape=[5, 5]`` (ONNX)."""
    return {int(a or c) for a, b, c, d in _KERNEL[0].findall(s) if (a and a == b) or (c and c == d)}


def named_kernels(s: str) -> set[int]:
    """The kernel sizes the normalised text ``s`` names as ``kernel 5``, ``kernel_size=5`` or ``k5``."""
    return {int(d) for p in _KERNEL[1:] for d in p.findall(s)}


def kernel_of(s: str) -> int | None:
    """The one depthwise kernel size in :data:`~tgnas.spaces.anb.KERNELS` the normalised text ``s`` states
    (a square of another size, such as a ``1x1`` projection, is not counted); ``None`` if none or two."""
    return only({k for k in square_kernels(s) if k in KERNELS} | named_kernels(s), KERNELS)


def inside_blocks(extra: frozenset[tuple[int, int]], block_at: dict[int, int]) -> bool:
    """Whether each edge ``(a, b)`` a chain has besides its links goes from a node of a block to the node
    after another of the same block (``block_at``: a node's position -> its block; a residual around later
    layers of a block, or a gate inside a layer)."""
    return all(a in block_at and block_at[a] == block_at.get(b - 1) for a, b in extra)


def states_se(s: str) -> bool:
    """Whether the normalised text ``s`` states a squeeze-and-excitation, not negated."""
    return bool(_SE.search(s)) and not _NO_SE.search(s)


def numbers(s: str) -> list[int]:
    return [int(n) for n in _NUMBER.findall(s)]


def _counted(s: str) -> tuple[int | None, str]:
    """The number of layers the normalised text ``s`` stands for (``None``: it states none; 0: it states two)
    and ``s`` without the phrases that state it."""
    counts: set[int] = set()
    for pattern in _COUNT:
        counts |= {int(d) for d in pattern.findall(s)}
        s = pattern.sub(" ", s)
    return (None if not counts else counts.pop() if len(counts) == 1 else 0), s


@lru_cache(maxsize=4096)
def _parts(text: str) -> tuple[int, int, bool, tuple[int, ...], int | None] | None:
    """``(expansion, kernel, squeeze-and-excitation, block widths in order, layers)`` a text states;
    ``None`` unless it states an expansion and a kernel once and at most one number of layers, 1 to 4."""
    s = _COMPACT.sub(lambda m: f" e{m[1]} k{m[2]} l{m[3]}{' se' if m[4] else ''} ", normal(text))
    count, s = _counted(s)
    stated = expansions(s)
    expansion = only(stated or ({1} if _SEPARABLE.search(s) else set()), EXPANSIONS)
    kernel = kernel_of(s)
    if expansion is None or kernel is None or (count is not None and count not in LAYERS):
        return None
    return expansion, kernel, states_se(s), tuple(n for n in numbers(s) if n in OUT_CHANNELS), count


def layer_fields(text: str) -> tuple[int, int, bool, int] | None:
    """``(expansion, kernel, squeeze-and-excitation, output channels)`` a layer text states, ``None`` if it
    does not state each once (module docstring)."""
    parts = _parts(text)
    return None if parts is None or not parts[3] else (*parts[:3], parts[3][-1])


def states_layers(text: str | None) -> bool:
    """Whether ``text`` describes one layer or several (:func:`layer_fields`, or an expansion, a kernel and
    a number of layers)."""
    parts = None if text is None else _parts(text)
    return parts is not None and bool(parts[3] or parts[4])


def _node_layers(texts: list[str]) -> list[list[tuple[int, int, bool, int]]] | None:
    """The layers each text stands for (module docstring): one, or as many as it states; a block's width is
    its last number that is a block width, or, where seven texts each state a number of layers and none
    a width, the seven blocks' in order."""
    parts = [_parts(t) for t in texts]
    if any(p is None for p in parts):
        return None
    if len(parts) == BLOCKS and all(p[4] and not p[3] for p in parts):
        widths = list(OUT_CHANNELS)
    elif all(p[3] for p in parts):
        widths = [p[3][-1] for p in parts]
    else:
        return None
    return [[(p[0], p[1], p[2], w)] * (p[4] or 1) for p, w in zip(parts, widths, strict=True)]


def read_arch(texts: list[str]) -> ANBArch | None:
    """The architecture whose layers, in order, the ``texts`` describe, one or several layers each;
    ``None`` if they do not describe one (module docstring)."""
    layers = _node_layers(texts)
    return None if layers is None else arch_of([f for node in layers for f in node])


def arch_of(fields: list[tuple[int, int, bool, int]]) -> ANBArch | None:
    """The architecture whose layers, in order, have these ``(expansion, kernel, squeeze-and-excitation,
    output channels)``; ``None`` unless the widths run through the seven blocks in order, 1 to 4 layers
    each, and the layers of a block agree."""
    blocks = []
    for width, group in groupby(fields, key=lambda f: f[3]):
        layers = list(group)
        if len({f[:3] for f in layers}) != 1 or len(layers) not in LAYERS:
            return None
        e, k, se, _ = layers[0]
        blocks.append((width, ANBBlock(e, k, len(layers), se)))
    if len(blocks) != BLOCKS or tuple(w for w, _ in blocks) != OUT_CHANNELS:
        return None
    return ANBArch(tuple(b for _, b in blocks))


def as_chain(
    graph: OpGraph, adds: Callable[[int], bool] | None = None
) -> tuple[OpGraph, frozenset[tuple[int, int]]] | None:
    """``graph`` as the chain of its nodes in index order, and the edges it has besides (positions in the
    chain), once each inner node that joins two inputs and ``adds`` (by default: states no layer; a
    residual's explicit addition) is contracted (its inputs feed its outputs); ``None`` unless no node joins
    or feeds more than two, every edge goes forward and consecutive nodes are joined."""
    n = graph.num_nodes
    chain = tuple((i, i + 1) for i in range(n - 1))
    if graph.edges == chain:
        return graph, frozenset()
    if n < BLOCKS + 2 or any(u >= v for u, v in graph.edges):
        return None
    texts = graph.texts or (None,) * n
    if adds is None:
        adds = lambda v: not states_layers(texts[v])  # noqa: E731
    preds: list[set[int]] = [set() for _ in range(n)]
    succs: list[set[int]] = [set() for _ in range(n)]
    for u, v in graph.edges:
        preds[v].add(u)
        succs[u].add(v)
    if max(map(len, preds)) > 2 or max(map(len, succs)) > 2:
        return None
    joins = [v for v in range(1, n - 1) if len(preds[v]) == 2 and adds(v)]
    for v in joins:  # in order, so a join fed by a join passes on inputs contracted already
        for w in succs[v]:
            preds[w] = (preds[w] - {v}) | preds[v]
    joined = set(joins)
    kept = [v for v in range(n) if v not in joined]
    place = {v: k for k, v in enumerate(kept)}
    edges = {(place[u], place[w]) for w in kept for u in preds[w]}
    links = chain[: len(kept) - 1]
    if not set(links) <= edges:
        return None
    costs = None if graph.costs is None else tuple(graph.costs[v] for v in kept)
    kept_texts = None if graph.texts is None else tuple(texts[v] for v in kept)
    return OpGraph(tuple(graph.ops[v] for v in kept), links, kept_texts, costs), frozenset(edges - set(links))


def _layer_span(graph: OpGraph) -> tuple[int, int] | None:
    """The nodes ``[first, last)`` of a chain that are its layers: every inner node but the first ones (the
    stem, in one node or several: a convolution, a normalisation, an activation) and the last ones (the
    head: a convolution, a pooling, a classifier) whose texts are missing or state no layer; ``None`` if
    ``graph`` is no chain of at least :data:`~tgnas.spaces.anb.BLOCKS` inner nodes with texts."""
    n = graph.num_nodes
    if n < BLOCKS + 2 or not graph.texts or graph.edges != tuple((i, i + 1) for i in range(n - 1)):
        return None
    states = [states_layers(t) for t in graph.texts[1:-1]]
    if not any(states):
        return None
    first = 1 + states.index(True)
    last = n - 1 - states[::-1].index(True)
    return (first, last) if last - first >= BLOCKS else None


def _read_layers(graph: OpGraph) -> tuple[ANBArch, OpGraph] | None:
    """The architecture ``graph`` describes one node per layer and ``graph`` as its chain."""
    read = as_chain(graph)
    if read is None:
        return None
    chain, extra = read
    span = _layer_span(chain)
    if span is None:
        return None
    texts = list(chain.texts[span[0] : span[1]])
    layers = None if any(t is None for t in texts) else _node_layers(texts)
    arch = None if layers is None else arch_of([f for node in layers for f in node])
    if arch is None:
        return None
    first = [0, *accumulate(len(node) for node in layers)][:-1]  # each node's first layer
    block = [b for b, blk in enumerate(arch.blocks) for _ in range(blk.layers)]
    block_at = {span[0] + i: block[k] for i, k in enumerate(first)}  # a node's position -> its block
    return (arch, chain) if inside_blocks(extra, block_at) else None


def _read(graph: OpGraph) -> tuple[ANBArch, tuple | None] | None:
    """The architecture ``graph`` describes, one node per layer or per operation
    (:mod:`tgnas.spaces.anb_opread`), and the node costs it gives the space's graph of it (``None``: the
    space's)."""
    read = _read_layers(graph)
    if read is not None:
        arch, chain = read
        nodes = sum(b.layers for b in arch.blocks) + 4
        return arch, chain.costs if chain.costs is not None and chain.num_nodes == nodes else None
    from tgnas.spaces.anb_opread import read_operations

    arch = read_operations(graph)
    return None if arch is None else (arch, None)


def network_of(graph: OpGraph) -> ANBArch | None:
    """The architecture ``graph`` describes, if it is a chain of layers, with or without a stem before and a
    head after them, whose layer texts describe one (:func:`read_arch`), or a chain of operations that does
    (:func:`tgnas.spaces.anb_opread.read_operations`); else ``None``. Residual connections may be drawn: an
    edge, or a node that joins two inputs and states no layer (which is dropped), from a layer's output past
    later layers of its block."""
    read = _read(graph)
    return None if read is None else read[0]


def space_graphs(graph: OpGraph) -> list[OpGraph] | None:
    """The space's own graph of the architecture ``graph`` describes (:func:`network_of`) in each of the
    space's wordings (:data:`~tgnas.spaces.anb_text.TEMPLATES`), with ``graph``'s costs where it has them for
    every node of the space's graph (one node per layer, a stem and a head included; a contracted addition's
    are dropped), else the space's; ``None`` if it describes none."""
    read = _read(graph)
    return None if read is None else to_graphs(read[0], range(TEMPLATES), costs=read[1])
