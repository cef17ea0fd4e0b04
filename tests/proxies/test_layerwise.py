import math

import numpy as np
import pytest
import torch
from torch import nn

from tgnas.proxies import ProxyBatch, compute_proxies
from tgnas.proxies.layerwise import OUTPUTS, code_logdet, combine, layerwise, saliency_snr


def batch(b=6, size=4, classes=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return ProxyBatch(
        torch.randn(b, 3, size, size, generator=g), torch.randint(0, classes, (b,), generator=g), classes
    )


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(48, 16), nn.ReLU(), nn.Linear(16, 3))


def test_nwot_kernel_of_distinct_one_hot_codes_is_diagonal():
    # B one-hot codes over U = B units: K = (U - 2) + ... ; each pair differs in 2 places -> K_ij = U - 2
    b = 4
    codes = torch.eye(b, dtype=torch.bool)
    kernel = np.full((b, b), b - 2.0) + 2 * np.eye(b)
    assert code_logdet(codes) == pytest.approx(np.linalg.slogdet(kernel)[1], rel=1e-12)
    # two complementary codes of 2 units: K = diag(2, 2)
    assert code_logdet(torch.tensor([[True, False], [False, True]])) == pytest.approx(math.log(4))


def test_nwot_of_identical_codes_is_zero_not_minus_infinity():
    assert code_logdet(torch.ones(3, 5, dtype=torch.bool)) == 0.0


def test_snr_closed_forms_and_degenerate_layers():
    assert saliency_snr(torch.tensor([1.0, 2.0, 3.0])) == pytest.approx(6.0)  # sum 6 / std 1
    assert saliency_snr(torch.full((7,), 0.5)) == pytest.approx(3.5)  # zero spread: the sum
    assert saliency_snr(torch.tensor([2.5])) == pytest.approx(2.5)  # one weight: the sum
    assert saliency_snr(torch.zeros(4)) == 0.0  # a layer with zero weights


def test_tcet_variants_closed_forms():
    n, s = [2.0, 3.0], [math.e, -1.0]
    assert combine(n, s, "") == pytest.approx(2 * math.e - 3)
    assert combine(n, s, "_log") == pytest.approx(2.0)  # log e = 1; non-positive S gives 0
    assert combine(n, s, "_log1p") == pytest.approx(2 * math.log1p(math.e))
    spread = float(np.std(s))
    assert combine(n, s, "_norm") == pytest.approx((2 * math.e - 3) / spread)
    assert combine([1.0, 1.0], [2.0, 2.0], "_norm") == 4.0  # no spread between layers: S itself


def test_layerwise_on_an_mlp_matches_the_direct_computation():
    net, b = mlp(), batch()
    net.eval()
    with torch.no_grad():
        z1 = net[1](b.inputs.flatten(1))
        z2 = net[3](torch.relu(z1))
    expected = code_logdet(z1 > 0) + code_logdet(z2 > 0)
    values = layerwise(net, b)
    assert set(values) == set(OUTPUTS)
    assert values["lnwot"] == pytest.approx(expected)
    assert values["cet_global"] == pytest.approx(values["lnwot"] * values["snr_synflow"])
    # T-CET weighs each layer's NWOT by its own SNR: between min and max SNR times the total NWOT
    assert all(math.isfinite(v) for v in values.values())


def test_layer_by_layer_differs_from_the_network_wide_product():
    values = compute_proxies(mlp(), batch(), ["layerwise"]).values
    assert values["tcet"] != pytest.approx(values["cet_global"])
    assert values["tcet_log"] < values["tcet"]


def test_a_network_with_zero_weights_scores_zero_not_nan():
    net = mlp()
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
    net.eval()
    values = layerwise(net, batch())
    assert values["lnwot"] == 0.0  # every code is all-zero: singular kernels count 0
    assert values["tcet"] == 0.0 and values["snr_snip"] == 0.0
    assert all(math.isfinite(v) for v in values.values())
