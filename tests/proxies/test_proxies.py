import copy
import math

import numpy as np
import pytest
import torch
from torch import nn

from tgnas.errors import UnknownNameError
from tgnas.networks.nb201 import NB201Network
from tgnas.proxies import FAMILIES, PROXIES, WORST, ProxyBatch, ProxyError, compute_proxies
from tgnas.proxies.activation import nwot
from tgnas.proxies.aznas import aznas, feature_entropy
from tgnas.proxies.fisher import fisher
from tgnas.proxies.init import INITS, gaussian_initialise, initialise
from tgnas.proxies.synflow import synflow
from tgnas.proxies.zen import zen
from tgnas.spaces.nb201 import parse

CONV = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"
NONE = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"


def batch(b=8, size=16, classes=10, seed=0):
    g = torch.Generator().manual_seed(seed)
    return ProxyBatch(
        torch.randn(b, 3, size, size, generator=g), torch.randint(0, classes, (b,), generator=g), classes
    )


def tiny(arch=CONV):
    return NB201Network(parse(arch), channels=4, cells_per_stage=1)


@pytest.mark.parametrize("name", PROXIES.names())
def test_every_proxy_gives_a_finite_value_on_a_tiny_network(name):
    result = compute_proxies(tiny(), batch(), [name])
    assert set(result.values) == {name} and math.isfinite(result.values[name]), result.failures
    assert not result.failures


def test_runner_is_seeded_and_leaves_the_model_alone():
    net = tiny()
    before = [p.clone() for p in net.parameters()]
    a = compute_proxies(net, batch(), ["az", "snip"], seed=1)
    b = compute_proxies(net, batch(), ["az", "snip"], seed=1)
    assert a.values == b.values and set(a.values) == {
        "expressivity",
        "progressivity",
        "trainability",
        "complexity",
        "snip",
    }
    assert all(torch.equal(x, y) for x, y in zip(before, net.parameters(), strict=True))


def test_degenerate_network_maps_failures_to_worst():
    result = compute_proxies(tiny(NONE), batch(), ["az", "nwot"])
    assert result.values["expressivity"] == WORST and "expressivity" in result.failures
    assert result.values["complexity"] > 0 and "complexity" not in result.failures


def test_params_and_flops_closed_forms():
    net = nn.Sequential(nn.Conv2d(3, 2, 1, bias=False), nn.Flatten(), nn.Linear(2 * 16 * 16, 3))
    result = compute_proxies(net, batch(), ["params", "flops"])
    assert result.values["params"] == 6 + 512 * 3 + 3
    assert result.values["flops"] == 2 * 256 * 3 + 3 * (512 + 1)


def test_synflow_on_a_linear_chain_conserves_flow():
    net = nn.Sequential(nn.Flatten(), nn.Linear(12, 5, bias=False), nn.Linear(5, 1, bias=False))
    w1, w2 = net[1].weight.detach().abs().double(), net[2].weight.detach().abs().double()
    r = float((w2 @ w1 @ torch.ones(12, dtype=torch.float64)).sum())
    b = ProxyBatch(torch.randn(2, 3, 2, 2), torch.zeros(2, dtype=torch.long), 1)
    # each layer of a linear chain carries the whole synaptic flow R
    assert synflow(net, b)["synflow"] == pytest.approx(2 * r, rel=1e-9)


def test_fisher_closed_form_on_a_linear_classifier():
    # one linear layer: a = logits z, dL/dz = softmax(z) - onehot(y), each output unit has D = 12 weights,
    # so s = D / (2B) * sum_{b,k} (z_bk (p_bk - y_bk))^2
    net = nn.Sequential(nn.Flatten(), nn.Linear(12, 4))
    b = ProxyBatch(torch.randn(5, 3, 2, 2), torch.tensor([0, 1, 2, 3, 1]), 4)
    z = net(b.inputs).detach().double()
    d = torch.softmax(z, dim=1) - nn.functional.one_hot(b.targets, 4).double()
    expected = 12 / (2 * 5) * float(((z * d / 5) ** 2).sum())  # the loss averages over the batch: 1/B
    assert fisher(net, b)["fisher"] == pytest.approx(expected, rel=1e-5)


def test_fisher_weighs_each_channel_by_its_weight_count():
    # a 3x3 and a 1x1 convolution computing the same map (the identity) have the same channel saliencies;
    # the 3x3 one has 9 times as many weights per channel, so it scores 9 times as much
    def score(k):
        conv = nn.Conv2d(2, 2, k, padding=k // 2, bias=False)
        with torch.no_grad():
            conv.weight.zero_()
            conv.weight[:, :, k // 2, k // 2] = torch.eye(2)
        return fisher(nn.Sequential(conv, nn.AdaptiveAvgPool2d(1), nn.Flatten()), b)["fisher"]

    b = ProxyBatch(torch.randn(4, 2, 4, 4), torch.tensor([0, 1, 1, 0]), 2)
    assert score(1) > 0 and score(3) == pytest.approx(9 * score(1), rel=1e-6)


def test_nwot_known_value():
    class Codes(nn.Module):
        def __init__(self):
            super().__init__()
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(x.flatten(1))

    x = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0]]).reshape(3, 2, 1, 1)
    b = ProxyBatch(x, torch.zeros(3, dtype=torch.long), 2)
    codes = np.array([[1, 1], [1, 0], [0, 0]], dtype=float)
    k = codes @ codes.T + (1 - codes) @ (1 - codes).T
    assert nwot(Codes(), b)["nwot"] == pytest.approx(np.linalg.slogdet(k)[1])


def test_expressivity_entropy_of_isotropic_features_is_log_c():
    x = torch.randn(64, 8, 16, 16, generator=torch.Generator().manual_seed(0))
    assert feature_entropy(x) == pytest.approx(math.log(8), abs=0.01)
    collapsed = x[:, :1].expand(-1, 8, -1, -1)  # every channel identical: one non-zero eigenvalue
    assert feature_entropy(collapsed) == pytest.approx(0.0, abs=1e-6)


class Fn(nn.Module):
    """A block computing ``fn(x)``."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class Blocks(nn.Module):
    """A model that is a chain of blocks, exposing them as ``blocks()``."""

    def __init__(self, *fns):
        super().__init__()
        self.chain = nn.ModuleList(Fn(f) for f in fns)

    def blocks(self):
        return list(self.chain)

    def forward(self, x):
        for block in self.chain:
            x = block(x)
        return x


def one_channel(b=8, size=16):
    """Single-channel features: there M = mean of g v over positions is exactly the block's gain."""
    return ProxyBatch(torch.randn(b, 1, size, size, generator=torch.Generator().manual_seed(0)),
                      torch.zeros(b, dtype=torch.long), 1)  # fmt: skip


def test_trainability_is_zero_for_isometric_blocks():
    values = aznas(Blocks(lambda x: -x, lambda x: -x), one_channel())
    assert values["trainability"] == pytest.approx(0.0, abs=1e-12)
    assert values["progressivity"] == pytest.approx(0.0, abs=1e-9)


def test_trainability_reads_each_blocks_gain():
    # sigma = 2 and then 0.5: each block scores -sigma - 1/sigma + 2 = -0.5
    assert aznas(Blocks(lambda x: 2 * x, lambda x: 0.5 * x), one_channel())["trainability"] == pytest.approx(
        -0.5
    )


def test_trainability_aligns_positions_across_a_stride():
    # subsampling by 2 then doubling: space-to-depth puts every output position's own input pixel in one
    # channel, so sigma = 2 exactly (score -0.5); without the alignment the shapes would not even match
    net = Blocks(lambda x: 2 * x[:, :, ::2, ::2])
    assert aznas(net, one_channel())["trainability"] == pytest.approx(-0.5)
    # a 7x7 map subsampled to 4x4 (stride 2 with padding) is zero-padded to 8x8 first
    assert aznas(net, one_channel(size=7))["trainability"] == pytest.approx(-0.5)


def test_trainability_gives_identity_and_input_ignoring_blocks_the_worst_value():
    assert aznas(Blocks(lambda x: -x, lambda x: x), one_channel())["trainability"] == float("-inf")
    assert aznas(Blocks(lambda x: torch.zeros_like(x)), one_channel())["trainability"] == float("-inf")
    assert aznas(Blocks(lambda x: 0 * x), one_channel())["trainability"] == float("-inf")
    result = compute_proxies(Blocks(lambda x: x, lambda x: -x), one_channel(), ["trainability"])
    assert result.values["trainability"] == WORST and "trainability" in result.failures


def test_trainability_of_a_random_linear_block_is_its_spectral_norm():
    # a 1x1 convolution applies the same matrix W at every position; M estimates W^T up to the sampling
    # noise of (1/N) sum v v^T, about sqrt(C/N) relative for N = 8*16*16 positions and C = 4 channels
    w = torch.randn(4, 4, generator=torch.Generator().manual_seed(1))
    net = Blocks(lambda x: torch.einsum("oc,bchw->bohw", w, x))
    b = ProxyBatch(torch.randn(8, 4, 16, 16), torch.zeros(8, dtype=torch.long), 1)
    sigma = float(torch.linalg.matrix_norm(w, ord=2))
    assert aznas(net, b)["trainability"] == pytest.approx(-sigma - 1 / sigma + 2, rel=0.1)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: compute_proxies(tiny(), batch(), ["snap"]), UnknownNameError, "unknown proxy 'snap'"),
        (lambda: compute_proxies(nn.Sequential(nn.Flatten()), batch(), ["synflow"]), ProxyError, "synflow"),
        (lambda: compute_proxies(nn.Sequential(nn.Flatten()), batch(), ["az"]), ProxyError, "blocks"),
        (
            lambda: compute_proxies(nn.Sequential(nn.Flatten()), batch(), ["zen"]),
            ProxyError,
            "global pooling",
        ),
        (
            lambda: ProxyBatch(torch.zeros(4, 3, 8), torch.zeros(4, dtype=torch.long), 10),
            ProxyError,
            "B, C, H, W",
        ),
        (
            lambda: ProxyBatch(torch.zeros(4, 3, 8, 8), torch.zeros(3, dtype=torch.long), 10),
            ProxyError,
            "targets",
        ),
    ],
)
def test_bad_input_names_the_proxy_and_problem(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_families_cover_every_proxy():
    assert sorted(n for f in FAMILIES.names() for n in FAMILIES.get(f).outputs) == PROXIES.names()


def test_channels_last_layout_gives_the_same_values():
    a = compute_proxies(tiny(), batch(), ["az", "synflow", "nwot"], channels_last=True).values
    b = compute_proxies(tiny(), batch(), ["az", "synflow", "nwot"], channels_last=False).values
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=1e-4, abs=1e-6), k


def test_reusing_the_model_gives_the_same_values_as_copying_it():
    copied = compute_proxies(tiny(), batch(), ["az", "synflow"], seed=3).values
    net = tiny()
    reused = compute_proxies(net, batch(), ["az", "synflow"], seed=3, reuse_model=True).values
    assert copied == reused
    # the last family ran on the caller's network itself: its weights were re-drawn
    net = tiny()
    before = [p.detach().clone() for p in net.parameters()]
    compute_proxies(net, batch(), ["synflow"], seed=3, reuse_model=True)
    assert not all(torch.equal(x, y) for x, y in zip(before, net.parameters(), strict=True))


def test_initialisations_have_their_documented_scales():
    conv = nn.Sequential(nn.Conv2d(64, 64, 3), nn.BatchNorm2d(64))
    torch.manual_seed(0)
    assert float(INITS.get("gaussian")(conv)[0].weight.detach().std()) == pytest.approx(1.0, rel=0.02)
    assert float(INITS.get("kaiming")(conv)[0].weight.detach().std()) == pytest.approx(
        math.sqrt(2 / (64 * 9)), rel=0.02
    )
    assert torch.equal(conv[1].weight, torch.ones(64)) and torch.equal(conv[1].bias, torch.zeros(64))


def test_runner_initialises_zen_from_a_standard_normal_as_the_paper_does():
    net = tiny()
    got = compute_proxies(net, batch(), ["zen"], seed=3).values["zen"]
    torch.manual_seed(3)
    want = zen(gaussian_initialise(copy.deepcopy(net)).train(), batch())["zen"]
    torch.manual_seed(3)
    kaiming = zen(initialise(copy.deepcopy(net)).train(), batch())["zen"]
    assert got == pytest.approx(want, rel=1e-4) and abs(got - kaiming) > 1.0
