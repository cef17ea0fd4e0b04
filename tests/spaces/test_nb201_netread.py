"""Reading a traced NAS-Bench-201 network back into its cell."""

import numpy as np
import pytest
import space_nets
import zoo

from tgnas.api import module_graph
from tgnas.spaces import get_space
from tgnas.spaces.nb201 import canonical
from tgnas.spaces.nb201_netread import _without_zeros, cell_of

SHAPE = (1, 3, 32, 32)
BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


def traced(model):
    return module_graph(model.eval(), SHAPE)


def edges(arch):
    return {t: {s: arch.op(t, s) for s in range(t)} for t in (1, 2, 3)}


@pytest.mark.parametrize("cells", [5, 1, 3])
def test_the_spaces_network_reads_back_as_a_cell_with_its_unique_string(cells):
    space, rng = get_space("nb201"), np.random.default_rng(cells)
    for arch in [space.parse(BEST), *(space.sample(rng) for _ in range(6))]:
        got = cell_of(traced(space.build(arch, channels=4, cells_per_stage=cells)))
        assert canonical(got) == canonical(arch)


def test_the_read_cell_is_the_first_of_its_unique_string():
    """Node 2 is read by nothing but a zero: the cell computes what the first cell of its string does."""
    space = get_space("nb201")
    arch = space.parse(
        "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|none~2|"
    )
    got = cell_of(traced(space.build(arch, channels=4, cells_per_stage=1)))
    first = next(a for a in space.enumerate() if canonical(a) == canonical(arch))
    assert got == first != arch


def test_a_network_that_leaves_zero_operations_out_reads_back():
    space = get_space("nb201")
    for text in [
        BEST,
        "|avg_pool_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_3x3~1|skip_connect~2|",
        # node 2 is x + x
        "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_3x3~2|",
        # node 1 has no input: NB201Like draws it as one multiplication by zero, which later edges read
        "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|",
        "|avg_pool_3x3~0|+|none~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|",
    ]:
        arch = space.parse(text)
        got = cell_of(traced(space_nets.NB201Like(edges(arch), width=4)))
        assert _without_zeros(canonical(got)) == _without_zeros(canonical(arch))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_authors_layout_reads_back_with_its_own_unique_string(seed):
    """Skips leave no node there, so a node read through a skip is an addition inside the next sum: each
    sum is read as one term per edge, not as every addition flattened."""
    space, rng = get_space("nb201"), np.random.default_rng(seed)
    tricky = "|skip_connect~0|+|none~0|skip_connect~1|+|nor_conv_3x3~0|nor_conv_1x1~1|skip_connect~2|"
    for arch in [space.parse(tricky), space.parse(BEST), *(space.sample(rng) for _ in range(5))]:
        genotype = [[(arch.op(t, s), s) for s in range(t)] for t in (1, 2, 3)]
        assert canonical(cell_of(traced(space_nets.NATSLike(genotype, width=4, cells=1)))) == canonical(arch)


def test_without_zeros_drops_zero_terms_at_every_depth():
    assert _without_zeros("#+((0)@nor_conv_3x3)@avg_pool_3x3+(#+0)@nor_conv_1x1") == (
        "((0)@nor_conv_3x3)@avg_pool_3x3+(0)@nor_conv_1x1"
    )
    assert _without_zeros("#+#") == ""


@pytest.mark.parametrize(
    "model",
    [
        lambda: zoo.ResNetLike(8, 1),
        lambda: zoo.MobileNetLike(8, 1),
        lambda: zoo.vgg_like(8, 2),
        lambda: space_nets.NB101Like(
            [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "maxpool3x3", "output"], width=8
        ),
        lambda: get_space("darts").build(get_space("darts").sample(np.random.default_rng(0)), channels=4),
        lambda: get_space("anb").build(get_space("anb").sample(np.random.default_rng(0))),
    ],
    ids=["resnet", "mobilenet", "vgg", "nb101", "darts", "anb"],
)
def test_other_networks_are_no_cell(model):
    assert cell_of(traced(model())) is None


def test_stages_that_differ_are_no_cell():
    space = get_space("nb201")
    a, b = space.parse(BEST), space.sample(np.random.default_rng(9))
    model = space_nets.NB201Like(edges(a), width=4, cells=1)
    other = space_nets.NB201Like(edges(b), width=4, cells=1)
    assert canonical(cell_of(traced(model))) == canonical(a)
    model.blocks[-1], model.ops[-1] = other.blocks[-1], other.ops[-1]  # the last stage's cell: another one
    assert cell_of(traced(model)) is None
