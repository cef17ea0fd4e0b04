r"""The Accel-NASBench network (MnasNet / EfficientNet-B0 space) and its per-layer costs.

Stem: 3x3 conv with stride 2 to 32 channels, BN, SiLU. Seven blocks of MBConv layers; the first layer of a
block carries the block's stride and channel change. An MBConv layer with input ``c``, output ``c'``,
expansion ``e``, kernel ``k``, stride ``s`` and optional squeeze-and-excitation is

.. math::
    h = \mathrm{SiLU}(\mathrm{BN}(W_{1\times1}^{c \to ec} x)) \;(\text{skipped if } e = 1),\quad
    h = \mathrm{SiLU}(\mathrm{BN}(\mathrm{DW}_{k\times k, s}(h))),\quad
    h = h \cdot \sigma(W_2\,\mathrm{SiLU}(W_1\,\bar h))
    \;(\text{SE, } \lfloor c/4 \rfloor \text{ squeeze channels}),

.. math::
    y = \mathrm{BN}(W_{1\times1}^{ec \to c'} h) + x \;(\text{the residual only when } s = 1,\ c = c').

Head: 1x1 conv to 1280, BN, SiLU, global average pooling, a 1000-way linear classifier (ImageNet, 224x224).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from tgnas.spaces.anb import BLOCKS, IN_CHANNELS, OUT_CHANNELS, SE_RATIO, STRIDES, ANBArch

STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
NUM_CLASSES = 1000
INPUT_SIZE = 224
BN_OPS = 4  # operations per element of a batch-norm output in the benchmark's MAC counts (fitted exactly)


@dataclass(frozen=True)
class Layer:
    """One MBConv layer of a network: where it sits and its shape."""

    block: int
    index: int  # position within the block
    c_in: int
    c_out: int
    expansion: int
    kernel: int
    stride: int
    se: bool
    resolution: int  # input height and width

    @property
    def residual(self) -> bool:
        return self.stride == 1 and self.c_in == self.c_out

    def cost(self) -> dict[str, float]:
        """Parameters (conv weights, BN scale and shift, SE biases) and multiply-accumulates, counted as the
        benchmark counts them: the convolutions' MACs plus :data:`BN_OPS` per element of each BN output."""
        mid = self.c_in * self.expansion
        out_res = self.resolution // self.stride
        params = macs = 0.0
        if self.expansion != 1:
            params += self.c_in * mid + 2 * mid
            macs += (self.c_in + BN_OPS) * mid * self.resolution**2
        params += self.kernel**2 * mid + 2 * mid
        macs += (self.kernel**2 + BN_OPS) * mid * out_res**2
        if self.se:
            sq = max(1, int(self.c_in * SE_RATIO))
            params += mid * sq + sq + sq * mid + mid
            macs += 2 * mid * sq
        params += mid * self.c_out + 2 * self.c_out
        macs += (mid + BN_OPS) * self.c_out * out_res**2
        return {"params": params, "flops": macs}


def layers(arch: ANBArch, resolution: int = INPUT_SIZE) -> list[Layer]:
    """The MBConv layers of ``arch`` at the given input resolution, in order."""
    out, res = [], (resolution + 1) // 2  # after the stride-2 stem
    for b, block in enumerate(arch.blocks):
        for i in range(block.layers):
            stride = STRIDES[b] if i == 0 else 1
            c_in = IN_CHANNELS[b] if i == 0 else OUT_CHANNELS[b]
            out.append(
                Layer(b, i, c_in, OUT_CHANNELS[b], block.expansion, block.kernel, stride, block.se, res)
            )
            res = (res + stride - 1) // stride
    return out


def stem_cost(resolution: int = INPUT_SIZE) -> dict[str, float]:
    res = (resolution + 1) // 2
    return {
        "params": 27.0 * STEM_CHANNELS + 2 * STEM_CHANNELS,
        "flops": (27.0 + BN_OPS) * STEM_CHANNELS * res * res,
    }


def head_cost(resolution: int = INPUT_SIZE, num_classes: int = NUM_CLASSES) -> dict[str, float]:
    res = resolution // 32
    c = OUT_CHANNELS[-1]
    params = c * HEAD_CHANNELS + 2 * HEAD_CHANNELS + HEAD_CHANNELS * num_classes + num_classes
    macs = (c + BN_OPS) * HEAD_CHANNELS * res * res + HEAD_CHANNELS * num_classes
    return {"params": float(params), "flops": float(macs)}


def _bn_act(c: int, act: bool = True) -> list[nn.Module]:
    return [nn.BatchNorm2d(c), nn.SiLU()] if act else [nn.BatchNorm2d(c)]


class SqueezeExcite(nn.Module):
    """``x * sigmoid(W2 SiLU(W1 mean_hw(x)))`` with biased 1x1 convs."""

    def __init__(self, channels: int, squeeze: int) -> None:
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeeze, 1)
        self.expand = nn.Conv2d(squeeze, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.mean((2, 3), keepdim=True)  # (B, C, 1, 1)
        return x * torch.sigmoid(self.expand(nn.functional.silu(self.reduce(s))))


class MBConv(nn.Module):
    """One MBConv layer (module docstring). Shapes: ``(B, c_in, H, W) -> (B, c_out, H/s, W/s)``."""

    def __init__(self, layer: Layer) -> None:
        super().__init__()
        mid = layer.c_in * layer.expansion
        parts: list[nn.Module] = []
        if layer.expansion != 1:
            parts += [nn.Conv2d(layer.c_in, mid, 1, bias=False), *_bn_act(mid)]
        parts += [
            nn.Conv2d(mid, mid, layer.kernel, layer.stride, layer.kernel // 2, groups=mid, bias=False),
            *_bn_act(mid),
        ]
        if layer.se:
            parts.append(SqueezeExcite(mid, max(1, int(layer.c_in * SE_RATIO))))
        parts += [nn.Conv2d(mid, layer.c_out, 1, bias=False), *_bn_act(layer.c_out, act=False)]
        self.body = nn.Sequential(*parts)
        self.residual = layer.residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.body(x)
        return y + x if self.residual else y


class ANBNetwork(nn.Module):
    """The network of an Accel-NASBench architecture. Shapes: ``(B, 3, H, W) -> (B, num_classes)``.

    Args:
        arch: the architecture.
        num_classes: classifier outputs.
    """

    def __init__(self, arch: ANBArch, num_classes: int = NUM_CLASSES) -> None:
        super().__init__()
        if len(arch.blocks) != BLOCKS:
            raise ValueError(f"an Accel-NASBench architecture has {BLOCKS} blocks")
        self.stem = nn.Sequential(nn.Conv2d(3, STEM_CHANNELS, 3, 2, 1, bias=False), *_bn_act(STEM_CHANNELS))
        self.layers = nn.Sequential(*(MBConv(layer) for layer in layers(arch)))
        self.head = nn.Sequential(
            nn.Conv2d(OUT_CHANNELS[-1], HEAD_CHANNELS, 1, bias=False), *_bn_act(HEAD_CHANNELS)
        )
        self.classifier = nn.Linear(HEAD_CHANNELS, num_classes)

    def blocks(self) -> list[nn.Module]:
        """The MBConv layers, in order (AZ-NAS's progressivity and trainability read them)."""
        return list(self.layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.head(self.layers(self.stem(x)))
        return self.classifier(h.mean((2, 3)))
