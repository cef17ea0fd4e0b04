"""Reading a traced NAS-Bench-101 network back into its cell."""

import json

import numpy as np
import pytest
import space_nets
import torch
import zoo
from torch import nn

from tgnas.api import module_graph
from tgnas.benchmarks import get_benchmark
from tgnas.opgraph import OpGraph
from tgnas.spaces import get_space
from tgnas.spaces.nb101 import canonical
from tgnas.spaces.nb101_netread import cell_of

SHAPE = (1, 3, 32, 32)
C3, C1, MP = "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"
CELLS = {
    "branches, input to output": ([[0, 1, 1, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 1],
                                   [0, 0, 0, 0, 0]], ["input", C3, MP, C1, "output"]),
    "chain": ([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]], ["input", C1, C3, "output"]),
    "input to output only": ([[0, 1], [0, 0]], ["input", "output"]),
    "one pooling vertex and a skip": ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", MP, "output"]),
}  # fmt: skip


def arch_of(matrix, ops):
    return get_space("nb101").parse(json.dumps({"matrix": matrix, "ops": ops}))


def traced(model) -> OpGraph:
    return module_graph(model.eval(), SHAPE)


@pytest.mark.parametrize("name", CELLS)
def test_both_implementations_read_back_as_their_cell(name):
    arch = arch_of(*CELLS[name])
    own = traced(get_space("nb101").build(arch, stem_channels=8))
    other = traced(space_nets.NB101Like(arch.matrix, arch.ops, width=8))
    assert canonical(cell_of(own)) == canonical(arch)
    assert canonical(cell_of(other)) == canonical(arch)


def test_labelled_cells_read_back():
    space = get_space("nb101")
    for s in get_benchmark("nb101").arch_strings()[:40:4]:
        arch = space.parse(s)
        assert canonical(cell_of(traced(space.build(arch, stem_channels=8)))) == canonical(arch)


@pytest.mark.parametrize(
    "model",
    [
        lambda: zoo.ResNetLike(8, 1),
        lambda: zoo.MobileNetLike(8, 1),
        lambda: zoo.vgg_like(8, 3),  # a chain of 3x3 convolutions, three poolings
        lambda: space_nets.NB101Like(*CELLS["chain"], width=8, cells=2),  # two cells per stack
        lambda: get_space("nb201").build(get_space("nb201").sample(np.random.default_rng(0))),
        lambda: get_space("anb").build(get_space("anb").sample(np.random.default_rng(0))),
    ],
    ids=["resnet", "mobilenet", "vgg", "two-cells-per-stack", "nb201", "anb"],
)
def test_other_networks_are_no_cell(model):
    assert cell_of(traced(model())) is None


class Plain(nn.Module):
    """Stem, then 3 x 3 plain 3x3 convolutions with two poolings: the skeleton, but no input projections."""

    def __init__(self) -> None:
        super().__init__()
        layers = [nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU()]
        for stack in range(3):
            if stack:
                layers.append(nn.MaxPool2d(2, 2))
            for _ in range(3):
                layers += [nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU()]
        self.body, self.fc = nn.Sequential(*layers), nn.Linear(8, 10)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


class Mixed(space_nets.NB101Like):
    """``NB101Like`` with its last cell another cell's: nine cells that do not agree."""

    def __init__(self) -> None:
        super().__init__(*CELLS["branches, input to output"], width=8)
        other = space_nets.NB101Like(*CELLS["chain"], width=8)
        self.matrices = [self.matrix] * 8 + [other.matrix]
        self.blocks[8] = other.blocks[8]

    def _cell(self, block, x):
        k = next(i for i, b in enumerate(self.blocks) if b is block)
        self.matrix = self.matrices[k]
        try:
            return super()._cell(block, x)
        finally:
            self.matrix = self.matrices[0]


def test_a_chain_without_projections_or_cells_that_differ_are_no_cell():
    assert cell_of(traced(Plain())) is None
    model = Mixed()
    model(torch.zeros(SHAPE))  # it runs: the cells differ, the shapes agree
    assert cell_of(traced(model)) is None


class FeaturesAndLogits(nn.Module):
    """The space's network returning the pooled features beside the logits."""

    def __init__(self, net) -> None:
        super().__init__()
        self.net = net

    def forward(self, x):
        pooled = self.net.cells(self.net.stem(x)).mean((2, 3))
        return pooled, self.net.classifier(pooled)


def test_a_network_returning_its_features_too_reads_back():
    arch = arch_of(*CELLS["branches, input to output"])
    model = FeaturesAndLogits(get_space("nb101").build(arch, stem_channels=8))
    assert canonical(cell_of(traced(model))) == canonical(arch)
