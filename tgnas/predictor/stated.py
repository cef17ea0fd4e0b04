r"""What a node's name and text state outright: a kernel size, weights or none, what it outputs, marks.

A sentence encoder reads numbers poorly: "a three-wide kernel" and "a single-pixel kernel" land about as near
to a 3x3 as to a 1x1 convolution's texts, and a depthwise-separable or dilated convolution's texts are as near
to a plain convolution's as its own. Before a text is read as an operator family
(:mod:`tgnas.predictor.resolve`), what it states is read directly and rules families out:

- **kernel** :math:`k(t)`: a square kernel written as ``3x3``, ``3×3``, ``3-by-3``, ``three by three``,
  ``kernel_size=3``, ``kernel size 3``, ``k=3``, ``3-wide`` / ``three-wide``, ``3-pixel-wide`` / ``3-pixel
  window`` / ``3 pixels across`` (not a receptive field's size: ``5x5 receptive field``, ``field of view
  of 5x5``, ``effective 5x5``); ``1`` for ``pointwise`` / ``point-wise`` (not before an elementwise
  operation: ``pointwise addition``, ``pointwise product``, ...), ``one-pixel`` or ``single-pixel``;
  or a name's trailing ``1``, ``3``, ``5`` or ``7`` (``k3``, ``conv1``). A text stating two different sizes
  states none, except a specialised one (below: ``separable``, ``depthwise``, ``dilated``, ``per-channel``,
  ...) stating a size and ``1``: its pointwise part is ``1``, its kernel the other size. Failing all of
  these, what the text says the operation looks at: ``1`` for one place at a time (``per-pixel``,
  ``each single location``, ``location by location``, ...) across the channels (``channel``, ``depth``,
  ``feature vector``, ``maps``, ...) with no neighbour word; ``3`` for a place's immediate neighbours
  (``neighbours``, ``adjacent``, ``bordering``, ``surrounding``, ``eight`` of them, ``nine`` values); both
  or neither: none. A family whose name has a square kernel (``nor_conv_3x3`` -> 3) is ruled out when
  :math:`k(t)` is another size, the zero operation, the identity and a sum of inputs (which look at nothing)
  when the text itself states any size.
- **weights** :math:`w(t)`: a text that says its operation has no weights (``parameter-free``,
  ``parameterless``, ``weightless``, ``unweighted``, or a weight word after a negation within two words:
  ``no weights``, ``without learnable parameters``, ``nothing to learn``, ``no trainable parts``, ``not
  learned``) rules out every family with parameters in its nominal cell (:mod:`tgnas.predictor.nominal`; a
  network's layers, stem and head); one that says it has them (``learned``, ``learnable``, ``trainable``,
  ``tunable``, ``tuned``, ``fitted``, ``weights``, ``weighted``, ``coefficients``) rules out every family
  without (a sum of inputs has none).
- **output** :math:`o(t)`: what a text says its operation outputs, one of six kinds: all zeros (``zeros``,
  ``naught`` / ``nought``, ``blanks``, ``emits nothing``, ``multiplied away``, ``switched off``, ...), its
  input unchanged (``unchanged``, ``untouched``, ``verbatim``, ``as it is``, ``exactly what``, ``precisely
  the``, ...), a window's mean (``mean``, ``average``, ``divided by``, ``equal-weight``, ``smoothing``,
  ...), its maximum (``max``, ``maxpool``, ``largest``, ``highest``, ``peak``, ...), a concatenation
  (``concat...``, ``cat``); a text naming two of these states none. Failing them, the sum of its several
  inputs: a sum word (``sum``, ``total``, ``add``, ``addition``, ``accumulate``, ``Σ``, ``+``) and a word
  for several inputs (``incoming``, ``inputs``, ``predecessors``, ``edges``, ``branches``, ``tensors``,
  ...) or several operations' results (``the edge outputs``, ``their results``, ``the outputs of``, ...:
  ``outputs``, ``results``, ``values`` or ``contributions`` after a determiner or a noun) in either
  order, ``Σ`` or ``sum_`` over an index (``Σ_j``, ``sum_{i<j}``) or a call ``add(`` / ``sum(``, where
  the text states no kernel (a sum over a window is a convolution's or a pooling's). Each
  of the zero operation, the identity, average and max pooling, a sum of inputs and a concatenation has one
  kind (:data:`OUTPUT`), and is ruled out for a text stating another (a text about a window's mean is no
  identity); a stated sum of inputs also rules out every family with weights unless the text says it has
  them (a convolution reads one input); other families have no kind and are ruled out by no :math:`o(t)`.
  Max pooling is also ruled out for a text stating no kind (:data:`SAYS_OUTPUT`): its maximum is what every
  description of it names, where a window's mean goes by many words (a blur, a sum divided by the count,
  ...).
- **marks**: a family with ``marks`` in ``data/ops/descriptions.json`` (a separable convolution's
  ``separable`` / ``depthwise``, a dilated one's ``dilated`` / ``atrous``, a network's inverted-bottleneck
  layer's ``mbconv`` / ``inverted`` / ``expansion`` / ``squeeze`` / ..., its stem's ``stem`` / ``image`` /
  ``rgb`` / ``input`` / ..., its head's ``head`` / ``classifier`` / ``logits`` / ``fully connected`` /
  ...) is ruled out for a text and name with none of them (a word starting with a mark counts:
  ``dilation`` for ``dilat``); the plain operation is what a text says when it names no specialisation,
  and a cell's operation is no network layer unless its text says so. Conversely, a text or name that says
  its convolution is specialised (``separable``, ``sep``, ``depthwise``, ``dw``, ``dilated``, ``atrous``,
  ``dil``) rules out every family without marks (plain convolutions, pooling, the identity, the zero
  operation, a concatenation); one that says it works ``per-channel`` or ``channel-wise`` rules out those
  of them with weights (pooling works per channel too); and in one that says ``separable``, ``depthwise``
  is no mark of a network's inverted-bottleneck layer (which needs one of its other marks). A family's
  ``unmarks`` rule it out for a text with any of them (a separable convolution's ``dilated`` /
  ``atrous``: the dilated one is another operation).
"""

from __future__ import annotations

import re
from functools import cache

from tgnas.embed import marks, unmarks

NUMBER = {"one": 1, "three": 3, "five": 5, "seven": 7, "1": 1, "3": 3, "5": 5, "7": 7}
_N = r"(one|three|five|seven|\d+)"
_SQUARE = re.compile(rf"\b{_N}\s*-?\s*(?:x|by|\*)\s*-?\s*{_N}\b")
_SIZE = (
    re.compile(rf"\bkernel[\s_]*size\s*[=:]?\s*(?:of\s+)?{_N}\b"),
    re.compile(rf"\bk\s*=\s*{_N}\b"),
    re.compile(rf"\b{_N}[\s-]wide\b"),
    re.compile(
        rf"\b{_N}[\s-](?:pixels?|px)[\s-](?:wide|across|square|window|patch|box|tile|region|stencil|kernel"
        r"|filter|neighbou?rhood)\b"
    ),
)
_SQ = rf"{_N}\s*-?\s*(?:x|by|\*)\s*-?\s*{_N}"
# a receptive field's size is no kernel's (a dilated 3x3 convolution sees 5x5)
_FIELD = re.compile(
    rf"\b{_SQ}\s+(?:effective\s+)?(?:receptive field|field of view)"
    rf"|(?:receptive field|field of view)\s*(?:of|is|=|:|becomes|grows to)?\s*(?:an?\s+)?(?:effective\s+)?"
    rf"{_SQ}"
    rf"|\beffective\s+(?:size\s+(?:of\s+)?)?{_SQ}"
)
_ELEMENTWISE = r"(?:add\w*|sum\w*|product|multipl\w*|max\w*|min\w*|mean|averag\w*)"
# a 1x1 kernel; "pointwise addition" is an elementwise operation
_ONE = re.compile(rf"\b(?:point-?wise(?!\s+{_ELEMENTWISE}\b)|one-pixel|single-pixel|1-pixel)\b")
_SEPARABLE = re.compile(r"\b(?:separable|sep|sepconv)\b")
_SPECIAL = re.compile(r"\b(?:separable|sep|sepconv|depth-?wise|dw|dilat\w*|atrous|dil|dilconv)\b")
_PER_CHANNEL = re.compile(r"\b(?:per-channel|channel-?wise)\b")
_NAME_DIGIT = re.compile(r"^[a-z_\- ]*?[a-z]([1357])$")
_WORD = re.compile(r"[a-z0-9]+")
_POINT = re.compile(
    r"\b(?:per|each single|every single|a single|one|single)[- ](?:pixel|position|location)s?\b"
    r"|\b(?:pixel|position|location) by (?:pixel|position|location)\b"
    r"|\b(?:each|every) (?:pixel|position|location)'s (?:feature|channel)"
)
_ACROSS = re.compile(r"\b(?:channels?|depth|feature vectors?|feature planes|planes|maps|slices|stack)\b")
_AREA = re.compile(r"\b(?:neighbou?r\w*|neighbor\w*|adjacent|bordering|surrounding|eight|nine)\b")
_WEIGHT_WORD = r"(?:learn\w*|trainable|tun\w+|fitted|weights?|parameters?|params|coefficients)"
_WEIGHTLESS = re.compile(
    r"\b(?:parameter-?\s?free|parameterless|weightless|weight-?\s?free|unweighted"
    rf"|(?:no|not|without(?: any)?|nothing|zero|free of)\s+(?:[a-z-]+\s+){{0,2}}?{_WEIGHT_WORD})\b"
)
_WEIGHTED = re.compile(
    r"\b(?:learned|learnt|learnable|trainable|tunable|tuned|fitted|weights|weighted|coefficients)\b"
)
_OUTPUTS = {
    "zero": re.compile(
        r"\b(?:zero(?:s|ed)?(?![- ]pad)|all[- ]zeros?|naught|nought|blanks?|multiplied away|switched off"
        r"|silenced|(?:emits|outputs|returns|passes|sends|carries|gives) nothing"
        r"|nothing (?:at all|flows|passes|arrives))\b"
    ),
    "same": re.compile(
        r"\b(?:unchanged|untouched|unaltered|unmodified|verbatim|as[- ]is"
        r"|as (?:it|they) (?:is|are|was|were|came)|exactly what|precisely (?:the|what)"
        r"|without being (?:altered|changed|modified))\b"
    ),
    "mean": re.compile(r"\b(?:mean|averag\w*|divided by|equal[- ]weights?|smooth\w*)\b"),
    "max": re.compile(r"\b(?:max\w*|largest|biggest|highest|strongest|greatest|peak)\b"),
    "concat": re.compile(r"\b(?:concat\w*|cat|catenat\w*)\b"),
}
_SUM_WORD = r"(?:\b(?:sum\w*|total\w*|add(?:s|ed|ing|ition)?|accumulat\w*)\b|∑|\+)"  # Σ read as ∑ (not σ)
_MANY_IN = (
    r"\b(?:incoming|inputs|predecessors?|in-?edges|edges|branches|operands|arriving|entering|tensors"
    r"|messages|arguments)\b"
)
# "the edge outputs", "their results", "the outputs of the previous nodes": several operations' results (a
# determiner or a noun before the plural, so "... and outputs 16 channels", a verb, is none)
_RESULTS = (
    r"\b(?:the|their|all|edge|branch|operation|op|node|path|incoming|previous|predecessor|input)"
    r"\s+(?:[a-z]+\s+)?(?:outputs|results|values|contributions)\b"
)
_SUM_OF_INPUTS = re.compile(
    rf"{_SUM_WORD}.*(?:{_MANY_IN}|{_RESULTS})|(?:{_MANY_IN}|{_RESULTS}).*{_SUM_WORD}|\b(?:add|sum)\s*\("
)
# Σ_j, Σ_{i<j}, sum_{i<j}: a sum over the inputs j
_SUM_OVER_INDEX = re.compile(r"(?:[Σ∑]|\bsum\s*_)\s*_?\s*[{(]?\s*[a-z]\b", re.IGNORECASE)
SUM = "add"  # the family of a node that sums its inputs: no weights, no kernel
OUTPUT = {
    "none": "zero",
    "skip_connect": "same",
    "avg_pool_3x3": "mean",
    "max_pool_3x3": "max",
    SUM: "sum",
    "output": "sum",  # a cell's output that sums what reaches it (NAS-Bench-201's)
    "concat": "concat",
}
SAYS_OUTPUT = frozenset({"max_pool_3x3"})  # families no text describes without saying what they output
KERNELLESS = frozenset({"none", "skip_connect", SUM})  # the families that look at nothing
LAYERS = frozenset({"mbconv", "stem", "head"})  # a network's layers: weights, no nominal cell cost


def _size(word: str) -> int | None:
    return NUMBER.get(word) if not word.isdigit() else int(word)


def _spaced(s: str) -> str:
    """Lower case, ``×`` as ``x``, underscores as spaces, a space between a letter and a digit
    (``conv3x3`` -> ``conv 3x3``)."""
    s = s.lower().replace("×", "x").replace("_", " ")
    return re.sub(r"(?<=[a-wyz])(?=\d)", " ", s)


def stated_kernel(name: str, text: str) -> int | None:
    """The square kernel size ``name`` and ``text`` state, ``None`` if none or several."""
    found: set[int] = set()
    for s in (_FIELD.sub(" ", _spaced(text)), _spaced(name)):
        for a, b in _SQUARE.findall(s):
            if _size(a) is not None and _size(a) == _size(b):
                found.add(_size(a))
        for pattern in _SIZE:
            found.update(k for w in pattern.findall(s) if (k := _size(w)) is not None)
        if _ONE.search(s):
            found.add(1)
    if len(found) == 2 and 1 in found and (_says(_SPECIAL, name, text) or _says(_PER_CHANNEL, name, text)):
        found.discard(1)  # a depthwise kernel and its pointwise projection
    if not found and (m := _NAME_DIGIT.match(name.lower())):
        found.add(int(m.group(1)))
    if not found:
        found = _looked_at(_spaced(text))
    return found.pop() if len(found) == 1 else None


@cache
def _text_kernel(text: str) -> int | None:
    return stated_kernel("", text)


def _looked_at(s: str) -> set[int]:
    """The kernel sizes what a text says its operation looks at implies: one place across the channels
    (1), a place's immediate neighbours (3)."""
    point = bool(_POINT.search(s)) and bool(_ACROSS.search(s))
    return {k for k, said in ((1, point), (3, bool(_AREA.search(s)))) if said}


_FAMILY_KERNEL = re.compile(r"(\d+)x(\d+)")


@cache
def family_kernel(family: str) -> int | None:
    """The square kernel in a family's name (``nor_conv_3x3`` -> 3; ``conv_7x1_1x7``, ``mbconv`` -> None)."""
    sizes = {int(a) for a, b in _FAMILY_KERNEL.findall(family) if a == b}
    odd = any(a != b for a, b in _FAMILY_KERNEL.findall(family))
    return sizes.pop() if len(sizes) == 1 and not odd else None


def stated_weights(name: str, text: str) -> bool | None:
    """Whether ``name`` and ``text`` say the operation has weights (``False``: says it has none)."""
    s = f"{name} {text}".lower().replace("_", " ")
    if _WEIGHTLESS.search(s):
        return False
    return True if _WEIGHTED.search(s) else None


def stated_output(name: str, text: str) -> str | None:
    """What ``name`` and ``text`` say the operation outputs: ``"zero"`` (all zeros), ``"same"`` (its input
    unchanged), ``"mean"`` / ``"max"`` (a window's mean / maximum), ``"concat"`` (a concatenation),
    ``"sum"`` (the sum of its several inputs, or ``Σ`` over an index, where it states no other kind (a mean
    is a sum divided, a zero edge adds nothing to one) and no kernel (a sum over a window is a convolution's
    or a pooling's)); ``None``: no kind, or several (module docstring)."""
    s = _spaced(f"{name} {text}".replace("Σ", "∑"))  # a capital sigma is a sum; lower-cased, a sigmoid's σ
    said = [kind for kind, pattern in _OUTPUTS.items() if pattern.search(s)]
    if not said and (_SUM_OF_INPUTS.search(s) or _SUM_OVER_INDEX.search(text)):
        return "sum" if stated_kernel(name, text) is None else None  # a sum over a window is no node's
    return said[0] if len(said) == 1 else None


@cache
def family_weights(family: str) -> bool | None:
    """Whether ``family`` has parameters (its nominal cell cost; a network's layers do); ``None``: unknown
    or an end node."""
    from tgnas.predictor.nominal import nominal_costs

    if family in LAYERS:
        return True
    if family == SUM:
        return False
    cost = nominal_costs().get(family)
    return None if cost is None else cost["params"] > 0


@cache
def _marks(family: str) -> tuple[str, ...]:
    return tuple(m.lower() for m in marks(family))


@cache
def _unmarks(family: str) -> tuple[str, ...]:
    return tuple(m.lower() for m in unmarks(family))


def rules_out(
    family: str,
    name: str,
    text: str,
    kernel: int | None,
    weights: bool | None = None,
    output: str | None = None,
) -> bool:
    """Whether what ``name`` and ``text`` state (``kernel``: :func:`stated_kernel`; ``weights``:
    :func:`stated_weights`; ``output``: :func:`stated_output`) rules ``family`` out."""
    if output is not None and OUTPUT.get(family, output) != output:
        return True
    if output == OUTPUT[SUM] and weights is None and family_weights(family):
        return True  # a sum of several inputs is no layer's with weights, unless the text says it learns
    if family in SAYS_OUTPUT and output is None:
        return True
    if family in KERNELLESS and kernel is not None and _text_kernel(text) is not None:
        return True  # a size the text itself states (a name's digit alone does not) rules them out
    own = family_kernel(family)
    if kernel is not None and own is not None and own != kernel:
        return True
    if weights is not None and (has := family_weights(family)) is not None and has != weights:
        return True
    if not _marks(family) and (
        _says(_SPECIAL, name, text) or (_says(_PER_CHANNEL, name, text) and family_weights(family))
    ):
        return True  # a specialised convolution is no plain operation
    words = _WORD.findall(f"{name} {text}".lower().replace("-", "").replace("×", "x"))
    if any(w.startswith(m) for w in words for m in _unmarks(family)):
        return True
    required = _marks(family)
    if family in LAYERS and _says(_SEPARABLE, name, text):  # a separable convolution, unless it says more
        required = tuple(m for m in required if m != "depthwise")
    if required:
        return not any(w.startswith(m) for w in words for m in required)
    return False


def _says(pattern: re.Pattern, name: str, text: str) -> bool:
    """Whether ``name`` or ``text`` (lower case, underscores as spaces) has a match of ``pattern``."""
    return any(pattern.search(s) for s in (_spaced(text), _spaced(name)))
