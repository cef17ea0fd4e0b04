import numpy as np
import pytest
import torch

from tgnas.cost import count_flops, count_params
from tgnas.networks.nb201 import NB201Network
from tgnas.networks.nb201_ops import NB201_OPS
from tgnas.spaces import get_space
from tgnas.spaces.nb201 import OPS, parse

ALL_CONV = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
ALL_NONE = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"


def test_every_op_is_registered_and_keeps_shape():
    assert NB201_OPS.names() == sorted(OPS)
    x = torch.randn(2, 8, 6, 6)
    for name in NB201_OPS.names():
        assert NB201_OPS.get(name)(8)(x).shape == x.shape


@pytest.mark.parametrize("text, params_m", [(ALL_CONV, 1.531546), (ALL_NONE, 0.073306)])
def test_published_parameter_counts(text, params_m):
    assert count_params(NB201Network(parse(text))) == round(params_m * 1e6)


def test_parameter_and_flop_counts_match_the_table(nb201_bench):
    rng = np.random.default_rng(0)
    params_c10 = nb201_bench.column("cifar10", "params")
    have = np.flatnonzero(~np.isnan(params_c10))
    space = get_space("nb201")
    archs = nb201_bench.arch_strings()
    for i in rng.choice(have, size=12, replace=False):
        arch = space.parse(archs[i])
        for ds, classes, size in (("cifar10", 10, 32), ("imagenet16-120", 120, 16)):
            net = space.build(arch, num_classes=classes)
            assert count_params(net) / 1e6 == pytest.approx(nb201_bench.query(i, ds, "params"), abs=2e-6)
            flops = count_flops(net, (3, size, size)) / 1e6
            assert flops == pytest.approx(nb201_bench.query(i, ds, "flops"), rel=2e-4)


def test_forward_of_sampled_networks(rng):
    space = get_space("nb201")
    for _ in range(3):
        net = space.build(space.sample(rng), channels=8, cells_per_stage=1, num_classes=7)
        out = net(torch.randn(2, 3, 32, 32))
        assert out.shape == (2, 7) and torch.isfinite(out).all()
        out.sum().backward()
    big = space.build(parse(ALL_CONV), num_classes=120)
    assert big(torch.randn(1, 3, 16, 16)).shape == (1, 120)


def test_all_none_network_output_is_input_independent():
    net = NB201Network(parse(ALL_NONE), channels=4, cells_per_stage=1).eval()
    a, b = net(torch.randn(1, 3, 16, 16)), net(torch.randn(1, 3, 16, 16))
    assert torch.allclose(a, b)


def test_bad_sizes():
    with pytest.raises(ValueError):
        NB201Network(parse(ALL_NONE), channels=0)
