"""The DARTS / NAS-Bench-301 CIFAR-10 evaluation network for one genotype (Liu et al., ICLR 2019;
Siems et al., NAS-Bench-301, 2020).

Stem: 3x3 conv to ``3C`` channels + BN. ``L`` cells; the cells at depths ``L // 3`` and ``2L // 3`` are
reduction cells (stride 2 on the edges from the two cell inputs, channels doubled), the others normal.
Cell ``k`` reads the outputs of cells ``k - 2`` and ``k - 1`` (both the stem's output for the first cell),
each preprocessed to ``C_k`` channels by ReLU-1x1 conv-BN (a factorized reduction when the previous cell
reduced); intermediate node ``i`` sums its two operations on earlier states; the output concatenates the
``concat`` states. Global average pooling and a linear classifier follow. NAS-Bench-301 trained ``C = 32``,
``L = 8``; the DARTS paper's CIFAR-10 network is ``C = 36``, ``L = 20`` (the auxiliary head and drop-path,
training-only, are left out).
"""

from __future__ import annotations

import torch
from torch import nn

from tgnas.networks.darts_ops import DARTS_OPS, FactorizedReduce
from tgnas.spaces.darts import DartsArch

NB301_CHANNELS = 32
NB301_LAYERS = 8


class ReLUConvBN(nn.Sequential):
    """ReLU, 1x1 conv (no bias), BN: a cell's input preprocessing."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out))


class DartsCell(nn.Module):
    """One normal or reduction cell.

    Shapes:
        ``(B, C_pp, H', W'), (B, C_p, H, W) -> (B, len(concat) * C, H / s, W / s)``, ``s = 2`` for a
        reduction cell (``H' = 2H`` after a reduction cell).
    """

    def __init__(
        self, arch: DartsArch, c_pp: int, c_p: int, c: int, reduction: bool, reduction_prev: bool
    ) -> None:
        super().__init__()
        self.pre0 = FactorizedReduce(c_pp, c) if reduction_prev else ReLUConvBN(c_pp, c)
        self.pre1 = ReLUConvBN(c_p, c)
        edges = arch.reduce if reduction else arch.normal
        self.sources = tuple(src for _, src in edges)
        self.ops = nn.ModuleList(DARTS_OPS.get(op)(c, 2 if reduction and src < 2 else 1) for op, src in edges)
        self.concat = arch.reduce_concat if reduction else arch.normal_concat

    def forward(self, s0: torch.Tensor, s1: torch.Tensor) -> torch.Tensor:
        states = [self.pre0(s0), self.pre1(s1)]
        for k in range(0, len(self.ops), 2):
            states.append(self.ops[k](states[self.sources[k]]) + self.ops[k + 1](states[self.sources[k + 1]]))
        return torch.cat([states[i] for i in self.concat], dim=1)


class DartsNetwork(nn.Module):
    """The evaluation network of one genotype.

    Args:
        arch: the genotype.
        channels: ``C``, the channels of the first cells (the stem has ``3C``).
        layers: ``L``, the number of cells.
        num_classes: outputs of the classifier.

    Shapes:
        ``(B, 3, H, W) -> (B, num_classes)`` for any ``H, W >= 4``.
    """

    def __init__(
        self,
        arch: DartsArch,
        channels: int = NB301_CHANNELS,
        layers: int = NB301_LAYERS,
        num_classes: int = 10,
    ) -> None:
        super().__init__()
        if channels < 2 or layers < 3 or num_classes < 1:
            raise ValueError("a DARTS network needs channels >= 2, layers >= 3 and num_classes >= 1")
        c_stem = 3 * channels
        self.stem = nn.Sequential(nn.Conv2d(3, c_stem, 3, padding=1, bias=False), nn.BatchNorm2d(c_stem))
        c_pp, c_p, c = c_stem, c_stem, channels
        cells, reduction_prev = [], False
        for k in range(layers):
            reduction = k in (layers // 3, 2 * layers // 3)
            if reduction:
                c *= 2
            cell = DartsCell(arch, c_pp, c_p, c, reduction, reduction_prev)
            cells.append(cell)
            reduction_prev = reduction
            c_pp, c_p = c_p, len(cell.concat) * c
        self.cells = nn.ModuleList(cells)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_p, num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The last feature map, ``(B, C_last, H / 4, W / 4)``."""
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return s1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.features(x)).flatten(1))  # (B, num_classes)
