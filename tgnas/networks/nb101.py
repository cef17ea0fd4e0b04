"""The NAS-Bench-101 network and its per-vertex costs.

Stem: 3x3 conv (128 channels) + BN + ReLU; 3 stacks of 3 cells, a 2x2 max-pool with stride 2 and doubled
channels between stacks; global average pooling and a 10-way linear classifier (CIFAR-10, 32x32 input).

Inside a cell of ``C_in -> C_out`` channels (the benchmark's channel rule): the vertices feeding the output
split ``C_out`` between them (the first ``C_out mod k`` get one more), every other vertex takes the largest
width among its successors. A vertex sums its inputs: the cell input through a 1x1 conv-BN-ReLU projection,
other vertices truncated to its width; then applies its operation. The output concatenates the vertices that
feed it and adds a projection of the cell input when the input feeds it directly.
"""

from __future__ import annotations

from functools import lru_cache

import torch
from torch import nn

from tgnas.spaces.nb101 import NB101Arch

STEM_CHANNELS = 128
STACKS = 3
CELLS_PER_STACK = 3
NUM_CLASSES = 10
INPUT_SIZE = 32


def vertex_channels(c_in: int, c_out: int, matrix: tuple[tuple[int, ...], ...]) -> list[int]:
    """Width of every vertex of a cell (the rule in the module docstring)."""
    n = len(matrix)
    ch = [0] * n
    ch[0], ch[-1] = c_in, c_out
    if n == 2:
        return ch
    feeding = [v for v in range(1, n - 1) if matrix[v][n - 1]]
    base, extra = divmod(c_out, len(feeding))
    for k, v in enumerate(feeding):
        ch[v] = base + (1 if k < extra else 0)
    for v in range(n - 2, 0, -1):
        if not matrix[v][n - 1]:
            ch[v] = max(ch[w] for w in range(v + 1, n - 1) if matrix[v][w])
    return ch


class ConvBNReLU(nn.Sequential):
    """``ReLU(BN(Conv(x)))`` with no conv bias, 'same' padding."""

    def __init__(self, c_in: int, c_out: int, kernel: int) -> None:
        super().__init__(
            nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=False),
        )


def _op(name: str, channels: int) -> nn.Module:
    if name == "conv3x3-bn-relu":
        return ConvBNReLU(channels, channels, 3)
    if name == "conv1x1-bn-relu":
        return ConvBNReLU(channels, channels, 1)
    return nn.MaxPool2d(3, stride=1, padding=1)


class Cell(nn.Module):
    """One NAS-Bench-101 cell. Shapes: ``(B, C_in, H, W) -> (B, C_out, H, W)``."""

    def __init__(self, arch: NB101Arch, c_in: int, c_out: int) -> None:
        super().__init__()
        self.matrix = arch.matrix
        n = arch.num_vertices
        self.ch = vertex_channels(c_in, c_out, arch.matrix)
        self.ops = nn.ModuleList(
            nn.Identity() if v in (0, n - 1) else _op(arch.ops[v], self.ch[v]) for v in range(n)
        )
        self.proj = nn.ModuleList(
            ConvBNReLU(c_in, self.ch[v], 1) if arch.matrix[0][v] else nn.Identity() for v in range(n)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = len(self.matrix)
        states = [x]
        for v in range(1, n - 1):
            parts = [states[u][:, : self.ch[v]] for u in range(1, v) if self.matrix[u][v]]
            if self.matrix[0][v]:
                parts.append(self.proj[v](x))
            states.append(self.ops[v](sum(parts)))
        feeding = [states[u] for u in range(1, n - 1) if self.matrix[u][n - 1]]
        out = torch.cat(feeding, 1) if feeding else None
        if self.matrix[0][n - 1]:
            skip = self.proj[n - 1](x)
            out = skip if out is None else out + skip
        return out


class NB101Network(nn.Module):
    """The benchmark network of a cell (module docstring). Shapes: ``(B, 3, H, W) -> (B, num_classes)``.

    Args:
        arch: the cell.
        stem_channels: width of the stem and the first stack.
        num_classes: classifier outputs.
    """

    def __init__(self, arch: NB101Arch, stem_channels: int = STEM_CHANNELS, num_classes: int = NUM_CLASSES):
        super().__init__()
        self.stem = ConvBNReLU(3, stem_channels, 3)
        layers: list[nn.Module] = []
        c_in = c_out = stem_channels
        for stack in range(STACKS):
            if stack > 0:
                layers.append(nn.MaxPool2d(2, stride=2))
                c_out *= 2
            for _ in range(CELLS_PER_STACK):
                layers.append(Cell(arch, c_in, c_out))
                c_in = c_out
        self.cells = nn.Sequential(*layers)
        self.classifier = nn.Linear(c_out, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.cells(self.stem(x))
        return self.classifier(h.mean((2, 3)))


def _conv_cost(c_in: int, c_out: int, kernel: int, hw: int) -> tuple[float, float]:
    """Parameters (conv weights + BN scale and shift) and multiply-accumulates of a conv-BN unit."""
    weights = kernel * kernel * c_in * c_out
    return float(weights + 2 * c_out), float(weights * hw * hw)


@lru_cache(maxsize=65536)
def _vertex_costs(matrix: tuple[tuple[int, ...], ...], ops: tuple[str, ...]) -> tuple[dict | None, ...]:
    n = len(ops)
    totals = [[0.0, 0.0] for _ in range(n)]
    c_in = c_out = STEM_CHANNELS
    hw = INPUT_SIZE
    for stack in range(STACKS):
        if stack > 0:
            c_out *= 2
            hw //= 2
        for _ in range(CELLS_PER_STACK):
            ch = vertex_channels(c_in, c_out, matrix)
            for v in range(1, n):
                parts = []
                if matrix[0][v]:
                    parts.append(_conv_cost(c_in, ch[v], 1, hw))
                if v < n - 1 and ops[v] != "maxpool3x3":
                    parts.append(_conv_cost(ch[v], ch[v], 3 if ops[v] == "conv3x3-bn-relu" else 1, hw))
                elif v < n - 1:
                    parts.append((0.0, float(9 * ch[v] * hw * hw)))  # comparisons, counted like MACs
                for p, f in parts:
                    totals[v][0] += p
                    totals[v][1] += f
            c_in = c_out
    out: list[dict | None] = [None]
    for v in range(1, n):
        p, f = totals[v]
        out.append({"params": p, "flops": f} if (p or f or v < n - 1) else None)
    return tuple(out)


def vertex_costs(arch: NB101Arch) -> tuple[dict | None, ...]:
    """Per vertex, ``{"params", "flops"}`` summed over the network's 9 cells (its operation plus its input
    projection); ``None`` for the input, and for the output when the input does not feed it."""
    return _vertex_costs(arch.matrix, arch.ops)
