"""The five NAS-Bench-201 cell operations, registered by name.

Each constructor takes the channel count ``C`` and returns a module mapping ``(B, C, H, W)`` to
``(B, C, H, W)``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import torch
from torch import nn

from tgnas.registry import Registry

NB201_OPS: Registry[Callable[[int], nn.Module]] = Registry("NAS-Bench-201 operation")


class ReLUConvBN(nn.Sequential):
    """``BN(Conv(ReLU(x)))``: the benchmark's convolution unit (no conv bias, affine BN)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int) -> None:
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, bias=False),
            nn.BatchNorm2d(c_out),
        )


class Zero(nn.Module):
    """The ``none`` operation: ``x * 0`` (keeps shape, dtype and the autograd graph)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul(0.0)


@NB201_OPS.register("none")
def _none(c: int) -> nn.Module:
    return Zero()


@NB201_OPS.register("skip_connect")
def _skip(c: int) -> nn.Module:
    return nn.Identity()


@NB201_OPS.register("nor_conv_1x1")
def _conv1x1(c: int) -> nn.Module:
    return ReLUConvBN(c, c, 1, 1, 0)


@NB201_OPS.register("nor_conv_3x3")
def _conv3x3(c: int) -> nn.Module:
    return ReLUConvBN(c, c, 3, 1, 1)


@NB201_OPS.register("avg_pool_3x3")
def _avg_pool(c: int) -> nn.Module:
    return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)


@cache
def op_costs(channels: int = 16, size: int = 32) -> dict[str, dict[str, float]]:
    """Parameters and FLOPs of each operation in a cell of the first stage (``C`` channels, ``size``^2).

    Counted on the built module with :func:`tgnas.cost.count_flops` (per sample).
    """
    from tgnas.cost import count_flops, count_params

    costs = {}
    for name in NB201_OPS.names():
        mod = NB201_OPS.get(name)(channels)
        costs[name] = {
            "params": float(count_params(mod)),
            "flops": float(count_flops(mod, (channels, size, size))),
        }
    return costs
