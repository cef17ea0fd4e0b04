"""The NAS-Bench-201 macro network.

Stem (3x3 conv + BN), three stages of ``N`` cells with ``C``, ``2C`` and ``4C`` channels separated by
residual reduction blocks, then BN + ReLU, global average pooling and a linear classifier. With the
defaults (``C=16, N=5``) it is the network the benchmark trained (Dong & Yang, ICLR 2020).
"""

from __future__ import annotations

import torch
from torch import nn

from tgnas.errors import ArchitectureError
from tgnas.networks.nb201_ops import NB201_OPS, ReLUConvBN
from tgnas.spaces.base import PartialArch
from tgnas.spaces.nb201 import EDGES, NUM_NODES, NB201Arch


class MixedOp(nn.Module):
    r"""The sum of several candidate operations on one edge (a pruning-search supernet edge).

    .. math::
        y = \sum_{o \in O} o(x)
    """

    def __init__(self, ops: tuple[str, ...], channels: int) -> None:
        super().__init__()
        self.ops = nn.ModuleList(NB201_OPS.get(op)(channels) for op in ops)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return sum(op(x) for op in self.ops)


def _edge(ops: tuple[str, ...], channels: int) -> nn.Module:
    return NB201_OPS.get(ops[0])(channels) if len(ops) == 1 else MixedOp(ops, channels)


class Cell(nn.Module):
    """One NAS-Bench-201 cell: node ``j`` is the sum over ``i < j`` of ``op_{j<-i}(node_i)``; output node 3.

    A :class:`~tgnas.spaces.base.PartialArch` puts a :class:`MixedOp` on edges with several candidates.

    Shapes:
        ``(B, C, H, W) -> (B, C, H, W)``.
    """

    def __init__(self, arch: NB201Arch | PartialArch, channels: int) -> None:
        super().__init__()
        choices = arch.choices if isinstance(arch, PartialArch) else tuple((op,) for op in arch.ops)
        if len(choices) != len(EDGES):
            raise ArchitectureError(f"a NAS-Bench-201 cell has {len(EDGES)} edges, got {len(choices)}")
        self.edges = nn.ModuleList(_edge(ops, channels) for ops in choices)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for target in range(1, NUM_NODES):
            nodes.append(
                sum(self.edges[k](nodes[source]) for k, (t, source) in enumerate(EDGES) if t == target)
            )
        return nodes[-1]


class ResidualReduction(nn.Module):
    """The benchmark's reduction block between stages.

    .. math::
        y = \\mathrm{Conv}_{1\\times1}(\\mathrm{AvgPool}_{2\\times2}(x))
            + \\mathrm{RCB}_{3\\times3}(\\mathrm{RCB}_{3\\times3, s=2}(x))

    Shapes:
        ``(B, C_in, H, W) -> (B, C_out, H/2, W/2)``.
    """

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, 2, 1)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, 1)
        self.downsample = nn.Sequential(
            nn.AvgPool2d(2, stride=2, padding=0), nn.Conv2d(c_in, c_out, 1, stride=1, padding=0, bias=False)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class NB201Network(nn.Module):
    """The benchmark's network for one cell.

    Args:
        arch: the cell (a :class:`~tgnas.spaces.base.PartialArch` builds the pruning supernet).
        channels: ``C``, channels of the first stage (the others have ``2C`` and ``4C``).
        cells_per_stage: ``N``, cells in each of the three stages.
        num_classes: outputs of the classifier (10 for CIFAR-10, 100 for CIFAR-100, 120 for ImageNet16-120).

    Shapes:
        ``(B, 3, H, W) -> (B, num_classes)`` for any ``H, W >= 4``.
    """

    def __init__(
        self,
        arch: NB201Arch | PartialArch,
        channels: int = 16,
        cells_per_stage: int = 5,
        num_classes: int = 10,
    ) -> None:
        super().__init__()
        if channels < 1 or cells_per_stage < 1 or num_classes < 1:
            raise ValueError("channels, cells_per_stage and num_classes must all be positive")
        self.arch = arch
        self.stem = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels))
        blocks: list[nn.Module] = []
        c_prev = channels
        for stage in range(3):
            c = channels * 2**stage
            if stage > 0:
                blocks.append(ResidualReduction(c_prev, c))
            blocks.extend(Cell(arch, c) for _ in range(cells_per_stage))
            c_prev = c
        self.cells = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.BatchNorm2d(c_prev), nn.ReLU(inplace=False))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def blocks(self) -> list[nn.Module]:
        """The sequential feature blocks (stem, every cell and reduction block) that zero-cost proxies
        inspect: composing them maps the input to the last feature map before the head."""
        return [self.stem, *self.cells]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.head(self.cells(self.stem(x)))  # (B, 4C, H/4, W/4)
        return self.classifier(self.pool(x).flatten(1))  # (B, num_classes)
