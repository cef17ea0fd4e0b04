"""The Accel-NASBench search space: MnasNet / EfficientNet-B0 networks for ImageNet (Ahmad et al.,
"Accel-NASBench: Sustainable Benchmarking for Accelerator-aware NAS").

A fixed skeleton (stem, 7 blocks of MBConv layers, head; :mod:`tgnas.networks.anb`) with four choices per
block: expansion ratio ``e`` in {1, 4, 6}, depthwise kernel ``k`` in {3, 5}, layers ``l`` in {1, 2, 3, 4}
and squeeze-and-excitation on or off: ``(3 * 2 * 4 * 2)^7 = 48^7`` architectures. The string form writes
each block as ``e{e}k{k}l{l}`` with a ``se`` suffix when squeeze-and-excitation is on, blocks joined by
``-``::

    e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2

:func:`parse` also takes the benchmark's own ``architecture`` JSON object (``block{i}_e``, ``block{i}_k``,
``block{i}_l``, ``block{i}_se``) and the seven blocks as EfficientNet / MnasNet block strings
(``r2_k3_s22_e6_i16_o24_se0.25``, timm's ``ir_r2_k3_s2_e6_c24_se0.25``; :mod:`tgnas.spaces.anb_forms`).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from tgnas.errors import ArchitectureError
from tgnas.inputs import loads, quote
from tgnas.opgraph import INPUT, OUTPUT, OpGraph

BLOCKS = 7
STRIDES = (1, 2, 2, 2, 1, 2, 1)  # the skeleton: each block's first stride, input and output channels
IN_CHANNELS = (32, 16, 24, 40, 80, 112, 192)
OUT_CHANNELS = (16, 24, 40, 80, 112, 192, 320)
SE_RATIO = 0.25  # squeeze channels: this fraction of a layer's input channels
EXPANSIONS = (1, 4, 6)
KERNELS = (3, 5)
LAYERS = (1, 2, 3, 4)
CHOICES = {"e": EXPANSIONS, "k": KERNELS, "l": LAYERS, "se": (False, True)}
MAX_TEXT = 10_000
_BLOCK = re.compile(r"e(\d+)k(\d+)l(\d+)(se)?")
OP = "mbconv"  # operator name of a layer node; its text says which MBConv it is
STEM, HEAD = "stem", "head"


@dataclass(frozen=True, order=True)
class ANBBlock:
    """One block's choices."""

    expansion: int
    kernel: int
    layers: int
    se: bool

    def __post_init__(self) -> None:
        for name, valid in (("expansion", EXPANSIONS), ("kernel", KERNELS), ("layers", LAYERS)):
            value = getattr(self, name)
            whole = isinstance(value, numbers.Integral) or (isinstance(value, float) and value.is_integer())
            if isinstance(value, bool) or not whole or int(value) not in valid:
                raise ArchitectureError(
                    f"Accel-NASBench {name} must be one of {', '.join(map(str, valid))}, got {quote(value)}"
                )
            object.__setattr__(self, name, int(value))  # 6.0 or numpy's 6 is the choice 6
        if not isinstance(self.se, bool):
            raise ArchitectureError(f"Accel-NASBench se must be true or false, got {quote(self.se)}")

    def __str__(self) -> str:
        return f"e{self.expansion}k{self.kernel}l{self.layers}{'se' if self.se else ''}"


@dataclass(frozen=True, order=True)
class ANBArch:
    """An Accel-NASBench architecture: one :class:`ANBBlock` per block."""

    blocks: tuple[ANBBlock, ...]

    def __post_init__(self) -> None:
        blocks = tuple(self.blocks)
        object.__setattr__(self, "blocks", blocks)
        if len(blocks) != BLOCKS or not all(isinstance(b, ANBBlock) for b in blocks):
            raise ArchitectureError(f"an Accel-NASBench architecture has {BLOCKS} blocks, got {len(blocks)}")

    def __str__(self) -> str:
        return format_arch(self)


def from_json(obj: Mapping) -> ANBArch:
    """From the benchmark's ``architecture`` object; a missing block, an unknown key or a value outside
    the choices is an :class:`ArchitectureError`."""
    if not isinstance(obj, Mapping):
        raise ArchitectureError("an Accel-NASBench architecture object is a JSON object of block{i}_e/k/l/se")
    expected = {f"block{b}_{c}" for b in range(BLOCKS) for c in CHOICES}
    unknown = sorted(set(obj) - expected)
    if unknown:
        raise ArchitectureError(
            f"unknown keys in an Accel-NASBench architecture: {', '.join(map(str, unknown[:5]))}"
        )
    missing = sorted(expected - set(obj))
    if missing:
        raise ArchitectureError(f"the Accel-NASBench architecture lacks {', '.join(missing[:5])}")
    return ANBArch(
        tuple(
            ANBBlock(obj[f"block{b}_e"], obj[f"block{b}_k"], obj[f"block{b}_l"], obj[f"block{b}_se"])
            for b in range(BLOCKS)
        )
    )


def to_json(arch: ANBArch) -> dict:
    """The benchmark's ``architecture`` object (inverse of :func:`from_json`)."""
    out: dict = {}
    for b, block in enumerate(arch.blocks):
        out |= {f"block{b}_e": block.expansion, f"block{b}_k": block.kernel}
        out |= {f"block{b}_l": block.layers, f"block{b}_se": block.se}
    return out


def parse(text: str) -> ANBArch:
    """Parses the string form, the benchmark's JSON object or block strings (see the module docstring)."""
    if not isinstance(text, str):
        raise ArchitectureError(f"an Accel-NASBench architecture is a str, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise ArchitectureError(f"an Accel-NASBench architecture is at most {MAX_TEXT} characters")
    s = text.strip()
    if s.startswith("{"):
        obj = loads(s, "malformed Accel-NASBench JSON", ArchitectureError)
        if isinstance(obj, dict) and "architecture" in obj:  # a whole benchmark record
            obj = obj["architecture"]
        return from_json(obj)
    from tgnas.spaces import anb_forms

    if s.startswith("[") or anb_forms.LOOKS_LIKE.search(s):
        return anb_forms.parse_blocks(s)
    parts = s.split("-")
    if len(parts) != BLOCKS:
        raise ArchitectureError(
            f"malformed Accel-NASBench string {quote(text)}: expected {BLOCKS} '-'-separated blocks "
            "like e6k3l2se"
        )
    blocks = []
    for b, part in enumerate(parts):
        m = _BLOCK.fullmatch(part)
        if not m:
            raise ArchitectureError(
                f"malformed block {b} {quote(part)} in {quote(text)}: expected e<E>k<K>l<L>[se]"
            )
        blocks.append(ANBBlock(int(m[1]), int(m[2]), int(m[3]), m[4] is not None))
    return ANBArch(tuple(blocks))


def format_arch(arch: ANBArch) -> str:
    """The string form (inverse of :func:`parse`)."""
    return "-".join(str(b) for b in arch.blocks)


def to_graph(arch: ANBArch, template: int = 0, resolution: int = 224) -> OpGraph:
    """A chain: input, the stem, one node per MBConv layer, the head, output.

    Each layer node's text names its expansion, kernel, stride, squeeze-and-excitation and channels
    (:func:`tgnas.spaces.anb_text.layer_text`, wording ``template``); every node carries its parameters
    and multiply-accumulates at ``resolution`` (224: the benchmark's figures).
    """
    return to_graphs(arch, (template,), resolution)[0]


def to_graphs(
    arch: ANBArch, templates: Iterable[int], resolution: int = 224, costs: tuple | None = None
) -> list[OpGraph]:
    """:func:`to_graph` in each wording of ``templates``, the layers and costs computed once; ``costs``
    (one entry per node), where given, replace the space's."""
    from tgnas.networks.anb import head_cost, layers, stem_cost
    from tgnas.spaces.anb_text import head_text, layer_text, stem_text

    ls = layers(arch, resolution)
    ops = (INPUT, STEM, *(OP for _ in ls), HEAD, OUTPUT)
    edges = tuple((i, i + 1) for i in range(len(ops) - 1))
    if costs is None:
        costs = (None, stem_cost(resolution), *(x.cost() for x in ls), head_cost(resolution), None)
    return [
        OpGraph(ops, edges, (None, stem_text(t), *(layer_text(x, t) for x in ls), head_text(t), None), costs)
        for t in templates
    ]


class ANBSpace:
    """Accel-NASBench: 48^7 MBConv networks (see the module docstring)."""

    name = "anb"
    ops = (STEM, OP, HEAD)
    arch_type = ANBArch

    def parse(self, text: str) -> ANBArch:
        return parse(text)

    def format(self, arch: ANBArch) -> str:
        return format_arch(arch)

    def size(self) -> int:
        return (len(EXPANSIONS) * len(KERNELS) * len(LAYERS) * 2) ** BLOCKS

    def enumerate(self) -> Iterator[ANBArch]:
        raise ArchitectureError("the Accel-NASBench space (48^7 architectures) is not enumerated; sample it")

    def sample(self, rng: np.random.Generator) -> ANBArch:
        return ANBArch(
            tuple(
                ANBBlock(
                    int(rng.choice(EXPANSIONS)),
                    int(rng.choice(KERNELS)),
                    int(rng.choice(LAYERS)),
                    bool(rng.integers(2)),
                )
                for _ in range(BLOCKS)
            )
        )

    def mutate(self, arch: ANBArch, rng: np.random.Generator) -> ANBArch:
        """Changes one uniformly chosen choice (block and field) to another of its values."""
        b = int(rng.integers(BLOCKS))
        field = ("expansion", "kernel", "layers", "se")[int(rng.integers(4))]
        block = arch.blocks[b]
        valid = {"expansion": EXPANSIONS, "kernel": KERNELS, "layers": LAYERS, "se": (False, True)}[field]
        others = [v for v in valid if v != getattr(block, field)]
        value = others[int(rng.integers(len(others)))]
        blocks = list(arch.blocks)
        blocks[b] = ANBBlock(**{**block.__dict__, field: value})
        return ANBArch(tuple(blocks))

    def canonical(self, arch: ANBArch) -> str:
        """The string form: distinct architectures are distinct networks."""
        return format_arch(arch)

    def to_graph(self, arch: ANBArch) -> OpGraph:
        return to_graph(arch)

    def build(self, arch: ANBArch, **kwargs):
        """The network; keyword arguments go to :class:`tgnas.networks.anb.ANBNetwork`."""
        from tgnas.networks.anb import ANBNetwork

        return ANBNetwork(arch, **kwargs)
