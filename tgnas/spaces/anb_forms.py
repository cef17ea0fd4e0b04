"""Accel-NASBench architectures written as EfficientNet / MnasNet block strings.

The TensorFlow EfficientNet and MnasNet builders write a block (a stage of MBConv layers) as
``r2_k3_s22_e6_i16_o24_se0.25``, timm as ``ir_r2_k3_s2_e6_c24_se0.25``. The fields, ``_``-separated in
any order:

- ``r``: the number of layers (repeats), 1 to 4 here;
- ``k``: the depthwise kernel, 3 or 5;
- ``s``: the stride of the block's first layer, one digit or two equal ones (``s22``);
- ``e``: the expansion ratio, 1, 4 or 6;
- ``i`` / ``o``: input and output channels (TensorFlow); ``c``: output channels (timm);
- ``se``: the squeeze-and-excitation ratio: absent or ``se0`` is off, ``se0.25`` (the space's ratio of a
  layer's input channels) on;
- timm's leading block type: ``ir`` (an inverted residual) or ``ds`` (a depthwise-separable block, which has
  no expansion: ``e`` is 1 or absent).

An architecture is its seven blocks in order, separated by commas, semicolons, hyphens, spaces or new lines,
or as a JSON list (timm's ``arch_def``, one list of one string per stage, too). Strides and channels are
optional; where given they must be the skeleton's (:mod:`tgnas.spaces.anb`), which they describe, not
choose. Any other field (``noskip``, an activation, a fused block ``er``, ...) describes a network outside
the space and is an error, as is a field given twice. EfficientNet-B0 is ::

    r1_k3_s11_e1_i32_o16_se0.25 r2_k3_s22_e6_i16_o24_se0.25 r2_k5_s22_e6_i24_o40_se0.25
    r3_k3_s22_e6_i40_o80_se0.25 r3_k5_s11_e6_i80_o112_se0.25 r4_k5_s22_e6_i112_o192_se0.25
    r1_k3_s11_e6_i192_o320_se0.25
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tgnas.errors import ArchitectureError
from tgnas.inputs import loads, quote
from tgnas.spaces.anb import BLOCKS, IN_CHANNELS, OUT_CHANNELS, SE_RATIO, STRIDES, ANBArch, ANBBlock

BLOCK_TYPES = ("ir", "ds")
_FIELD = re.compile(r"(se|[rkseioc])(\d+(?:\.\d+)?)")
LOOKS_LIKE = re.compile(r"(?:^|[\s,;\[\"'_-])[rkesioc]\d+(?:\.\d+)?_")  # a field, then "_": block strings


def parse_blocks(text: str) -> ANBArch:
    """The architecture of seven block strings in ``text`` (a JSON list, or separated by commas, semicolons,
    hyphens or white space; see the module docstring)."""
    s = text.strip()
    if s.startswith("["):
        items = _flatten(loads(s, "malformed JSON list of Accel-NASBench block strings", ArchitectureError))
    else:
        items = [p for p in re.split(r"[\s,;-]+", s) if p]
    return from_blocks(items)


def _flatten(obj: object) -> list[str]:
    """The strings of a JSON list of block strings, or of lists of one block string each (timm)."""
    if not isinstance(obj, list):
        raise ArchitectureError("Accel-NASBench block strings in JSON are a list of strings")
    out = []
    for item in obj:
        if isinstance(item, list) and len(item) == 1:
            item = item[0]
        if not isinstance(item, str):
            raise ArchitectureError(
                f"Accel-NASBench block strings in JSON are a list of strings (or of one-string lists), "
                f"got {quote(item)}"
            )
        out.append(item)
    return out


def from_blocks(blocks: Sequence[str]) -> ANBArch:
    """The architecture whose block ``b`` is ``blocks[b]``; a wrong count, or a bad block (named), is an
    error."""
    if len(blocks) != BLOCKS:
        raise ArchitectureError(
            f"an Accel-NASBench architecture has {BLOCKS} blocks, got {len(blocks)} block strings"
        )
    return ANBArch(tuple(_block(b, text) for b, text in enumerate(blocks)))


def _block(b: int, text: str) -> ANBBlock:
    where = f"block {b} {quote(text)}"
    parts = text.strip().lower().split("_")
    kind = parts.pop(0) if parts and parts[0] in BLOCK_TYPES else None
    fields: dict[str, str] = {}
    for part in parts:
        m = _FIELD.fullmatch(part)
        if not m:
            raise ArchitectureError(
                f"{where}: {quote(part)} is not a field of the space (r, k, s, e, i, o, c, se; a block type "
                f"{' or '.join(BLOCK_TYPES)})"
            )
        if m[1] in fields:
            raise ArchitectureError(f"{where} gives {m[1]} twice")
        fields[m[1]] = m[2]
    for key in ("r", "k"):
        if key not in fields:
            raise ArchitectureError(f"{where} lacks its {'repeats r' if key == 'r' else 'kernel k'}")
    expansion = _integer(fields.get("e", "1" if kind == "ds" else ""), "e", where)
    if kind == "ds" and expansion != 1:
        raise ArchitectureError(
            f"{where}: a depthwise-separable (ds) block has no expansion; got e{expansion}"
        )
    _check_skeleton(b, fields, where)
    se = float(fields.get("se", "0"))
    if se not in (0.0, SE_RATIO):
        raise ArchitectureError(
            f"{where}: the space's squeeze-and-excitation ratio is {SE_RATIO} (or 0: none), "
            f"got se{fields['se']}"
        )
    try:
        kernel, layers = _integer(fields["k"], "k", where), _integer(fields["r"], "r", where)
        return ANBBlock(expansion, kernel, layers, se > 0)
    except ArchitectureError as exc:
        raise ArchitectureError(f"{where}: {exc}") from None


def _integer(value: str, key: str, where: str) -> int:
    if not value:
        raise ArchitectureError(f"{where} lacks its expansion e")
    if not value.isdigit():
        raise ArchitectureError(f"{where}: {key} must be a whole number, got {quote(value)}")
    return int(value)


def _check_skeleton(b: int, fields: dict[str, str], where: str) -> None:
    """Strides and channels a block string gives must be the skeleton's for block ``b``."""
    stride = fields.get("s")
    if stride is not None and (len(set(stride)) != 1 or "." in stride or int(stride[0]) != STRIDES[b]):
        raise ArchitectureError(f"{where}: block {b} has stride {STRIDES[b]} in the space, got s{stride}")
    for key, channels, what in (("i", IN_CHANNELS, "input"), ("o", OUT_CHANNELS, "output")):
        if key in fields and fields[key] != str(channels[b]):
            raise ArchitectureError(
                f"{where}: block {b} has {channels[b]} {what} channels in the space, got {key}{fields[key]}"
            )
    if "c" in fields and fields["c"] != str(OUT_CHANNELS[b]):
        raise ArchitectureError(
            f"{where}: block {b} has {OUT_CHANNELS[b]} output channels in the space, got c{fields['c']}"
        )


def to_blocks(arch: ANBArch, dialect: str = "tf") -> list[str]:
    """The block strings of ``arch`` in TensorFlow's (``tf``) or timm's (``timm``) dialect; inverse of
    :func:`from_blocks`."""
    if dialect not in ("tf", "timm"):
        raise ValueError(f"unknown block-string dialect {dialect!r}; tf or timm")
    out = []
    for b, block in enumerate(arch.blocks):
        se = f"_se{SE_RATIO}" if block.se else ""
        fields = f"r{block.layers}_k{block.kernel}_s{STRIDES[b]}"
        if dialect == "tf":
            out.append(f"{fields}{STRIDES[b]}_e{block.expansion}_i{IN_CHANNELS[b]}_o{OUT_CHANNELS[b]}{se}")
        else:
            kind = "ds" if block.expansion == 1 else "ir"  # an MBConv without expansion is timm's ds block
            out.append(f"{kind}_{fields}_e{block.expansion}_c{OUT_CHANNELS[b]}{se}")
    return out
