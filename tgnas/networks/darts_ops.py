"""The DARTS cell operations (Liu et al., "DARTS: Differentiable Architecture Search", ICLR 2019), by name.

Each constructor takes the channel count ``C`` and a stride and returns a module mapping
``(B, C, H, W)`` to ``(B, C, H / stride, W / stride)``: the operations' costs (node features of DARTS
operator graphs) and the cells of :mod:`tgnas.networks.darts`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from torch import nn

from tgnas.networks.nb201_ops import Zero
from tgnas.registry import Registry

DARTS_OPS: Registry[Callable[[int, int], nn.Module]] = Registry("DARTS operation")


def _dw_pw(c: int, kernel: int, stride: int, dilation: int) -> list[nn.Module]:
    """ReLU, depthwise ``kernel`` conv (``dilation``), pointwise 1x1 conv, BN."""
    pad = dilation * (kernel - 1) // 2
    return [
        nn.ReLU(inplace=False),
        nn.Conv2d(c, c, kernel, stride, pad, dilation=dilation, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False),
        nn.BatchNorm2d(c),
    ]


class FactorizedReduce(nn.Module):
    """Skip connection at stride 2: ReLU, two 1x1 stride-2 convolutions offset by one pixel and
    concatenated (``c_in -> c_out``), then BN."""

    def __init__(self, c: int, c_out: int | None = None) -> None:
        super().__init__()
        c_out = c if c_out is None else c_out
        self.relu = nn.ReLU(inplace=False)
        self.a = nn.Conv2d(c, c_out // 2, 1, 2, bias=False)
        self.b = nn.Conv2d(c, c_out - c_out // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        import torch

        x = self.relu(x)
        return self.bn(torch.cat([self.a(x), self.b(x[:, :, 1:, 1:])], dim=1))


@DARTS_OPS.register("none")
def _none(c: int, stride: int = 1) -> nn.Module:
    return Zero() if stride == 1 else nn.Sequential(nn.AvgPool2d(1, stride), Zero())


@DARTS_OPS.register("skip_connect")
def _skip(c: int, stride: int = 1) -> nn.Module:
    return nn.Identity() if stride == 1 else FactorizedReduce(c)


@DARTS_OPS.register("max_pool_3x3")
def _max_pool(c: int, stride: int = 1) -> nn.Module:
    return nn.MaxPool2d(3, stride, 1)


@DARTS_OPS.register("avg_pool_3x3")
def _avg_pool(c: int, stride: int = 1) -> nn.Module:
    return nn.AvgPool2d(3, stride, 1, count_include_pad=False)


@DARTS_OPS.register("sep_conv_3x3")
def _sep3(c: int, stride: int = 1) -> nn.Module:
    return nn.Sequential(*_dw_pw(c, 3, stride, 1), *_dw_pw(c, 3, 1, 1))


@DARTS_OPS.register("sep_conv_5x5")
def _sep5(c: int, stride: int = 1) -> nn.Module:
    return nn.Sequential(*_dw_pw(c, 5, stride, 1), *_dw_pw(c, 5, 1, 1))


@DARTS_OPS.register("dil_conv_3x3")
def _dil3(c: int, stride: int = 1) -> nn.Module:
    return nn.Sequential(*_dw_pw(c, 3, stride, 2))


@DARTS_OPS.register("dil_conv_5x5")
def _dil5(c: int, stride: int = 1) -> nn.Module:
    return nn.Sequential(*_dw_pw(c, 5, stride, 2))


@cache
def darts_op_costs(channels: int, size: int) -> dict[str, dict[str, float]]:
    """Parameters and FLOPs (per sample) of each operation at stride 1, ``C`` channels, ``size``^2 input."""
    from tgnas.cost import count_flops, count_params

    costs = {}
    for name in DARTS_OPS.names():
        mod = DARTS_OPS.get(name)(channels, 1)
        costs[name] = {
            "params": float(count_params(mod)),
            "flops": float(count_flops(mod, (channels, size, size))),
        }
    return costs
