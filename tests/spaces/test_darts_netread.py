"""Reading a traced DARTS network back into its genotype."""

import numpy as np
import pytest
import space_nets
import torch
import zoo
from torch import nn

from tgnas.api import module_graph
from tgnas.spaces import get_space
from tgnas.spaces.darts_netread import genotype_of

SHAPE = (1, 3, 32, 32)
DARTS_V2 = space_nets.DARTS_V2


def traced(model):
    return module_graph(model.eval(), SHAPE)


def same(a, b) -> bool:
    space = get_space("darts")
    return b is not None and space.canonical(a) == space.canonical(b)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_both_implementations_read_back_as_their_genotype(seed):
    space = get_space("darts")
    genotype = space.sample(np.random.default_rng(seed))
    assert same(genotype, genotype_of(traced(space.build(genotype, channels=4, layers=8))))
    assert same(genotype, genotype_of(traced(space_nets.DartsLike(genotype, width=4, layers=5))))


def test_a_published_genotype_in_the_papers_twenty_cells_reads_back():
    """DARTS (second order): skip connections at stride 2, 20 cells as the paper's CIFAR-10 network."""
    space = get_space("darts")
    genotype = space.parse(DARTS_V2)
    got = genotype_of(traced(space.build(genotype, channels=2, layers=20)))
    assert same(genotype, got)
    assert got.normal_concat == got.reduce_concat == (2, 3, 4, 5)


def test_a_concat_of_three_states_reads_back():
    """State 2 is left out of the output but read by state 5 (a state read by nothing is not in the network
    at all, and a genotype with one cannot be read back)."""
    space = get_space("darts")
    genotype = space.parse(DARTS_V2)
    fewer = type(genotype)(genotype.normal, genotype.reduce, normal_concat=(3, 4, 5))
    got = genotype_of(traced(space.build(fewer, channels=4, layers=5)))
    assert same(fewer, got) and got.normal_concat == (3, 4, 5)


@pytest.mark.parametrize(
    "model",
    [
        lambda: zoo.ResNetLike(8, 1),
        lambda: zoo.MobileNetLike(8, 1),
        lambda: space_nets.NB101Like(
            [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "maxpool3x3", "output"], width=8
        ),
        lambda: get_space("nb201").build(get_space("nb201").sample(np.random.default_rng(0))),
        lambda: get_space("anb").build(get_space("anb").sample(np.random.default_rng(0))),
    ],
    ids=["resnet", "mobilenet", "nb101", "nb201", "anb"],
)
def test_other_networks_are_no_genotype(model):
    assert genotype_of(traced(model())) is None


def test_cells_that_differ_are_no_genotype():
    """A network whose last normal cell is another genotype's."""
    space = get_space("darts")
    a, b = (space.sample(np.random.default_rng(s)) for s in (7, 8))
    model, other = space_nets.DartsLike(a, width=4, layers=5), space_nets.DartsLike(b, width=4, layers=5)
    model.cells[4], model.genotypes[4] = other.cells[4], b
    assert genotype_of(traced(model)) is None
    model.cells[4], model.genotypes[4] = space_nets.DartsLike(a, width=4, layers=5).cells[4], a
    assert same(a, genotype_of(traced(model)))  # the same network with its own cell back


class FeaturesAndLogits(nn.Module):
    """The space's network returning the pooled features beside the logits."""

    def __init__(self, net) -> None:
        super().__init__()
        self.net = net

    def forward(self, x):
        pooled = self.net.pool(self.net.features(x)).flatten(1)
        return pooled, self.net.classifier(pooled)


def test_a_network_returning_its_features_too_reads_back():
    space = get_space("darts")
    genotype = space.sample(np.random.default_rng(11))
    assert same(genotype, genotype_of(traced(FeaturesAndLogits(space.build(genotype, channels=4, layers=5)))))


def test_a_network_in_training_mode_with_an_auxiliary_head_reads_back():
    """Traced as it infers: the auxiliary head and drop-path, taken only in training, are not drawn."""
    space = get_space("darts")
    genotype = space.sample(np.random.default_rng(12))
    model = space_nets.DartsLike(genotype, width=4, layers=5, auxiliary=True)
    model(torch.zeros(2, 3, 32, 32))  # materialises the auxiliary head; the model stays in training mode
    assert model.training and same(genotype, genotype_of(module_graph(model, SHAPE)))
