import math

import pytest
import torch
from torch import nn

from tgnas.proxies import ProxyBatch, ProxyError, compute_proxies
from tgnas.proxies.swap import pattern_count, swap
from tgnas.proxies.zico import zico, zico_score


def batch(b=8, size=4, classes=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return ProxyBatch(
        torch.randn(b, 3, size, size, generator=g), torch.randint(0, classes, (b,), generator=g), classes
    )


def test_zico_closed_form():
    # per weight: mean |g| = 2, population std = 1 -> inner sum 4 over two weights -> log 4
    g1, g2 = torch.tensor([1.0, 3.0]), torch.tensor([3.0, 1.0])
    assert zico_score([[g1, g2]]) == pytest.approx(math.log(4))
    # a second layer with identical gradients on both halves has no varying weight: skipped
    same = torch.tensor([0.5, -0.5])
    assert zico_score([[g1, g2], [same, same]]) == pytest.approx(math.log(4))


def test_zico_needs_two_halves():
    net = nn.Sequential(nn.Flatten(), nn.Linear(48, 3))
    with pytest.raises(ProxyError, match="at least 4"):
        zico(net, batch(b=2))


def test_zico_runs_and_is_seeded():
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(16, 3))
    a = compute_proxies(net, batch(), ["zico"], seed=3).values["zico"]
    assert a == compute_proxies(net, batch(), ["zico"], seed=3).values["zico"] and math.isfinite(a)


@pytest.mark.parametrize("b", [3, 64, 70, 130])
def test_pattern_count_equals_a_naive_count(b):
    g = torch.Generator().manual_seed(b)
    codes = torch.rand(b, 500, generator=g) > 0.5
    codes[:, 250:] = codes[:, :250]  # every pattern at least twice
    codes[:, 10] = codes[:, 11]
    naive = {tuple(codes[:, u].tolist()) for u in range(codes.shape[1])}
    assert pattern_count(codes) == len(naive)


def test_swap_counts_distinct_unit_patterns_of_a_known_layer():
    # 1x1 conv copying channel 0 to units 0 and 1 and channel 1 to unit 2: two distinct patterns per pixel
    conv = nn.Conv2d(2, 3, 1, bias=False)
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[0, 0] = conv.weight[1, 0] = conv.weight[2, 1] = 1.0
    net = nn.Sequential(conv, nn.ReLU())
    x = torch.randn(5, 2, 1, 1, generator=torch.Generator().manual_seed(0))
    value = swap(net, ProxyBatch(x, torch.zeros(5, dtype=torch.long), 1))["swap"]
    expected = len({tuple((x[:, 0, 0, 0] > 0).tolist()), tuple((x[:, 1, 0, 0] > 0).tolist())})
    assert value == expected


def test_swap_without_activations_is_a_clear_error():
    with pytest.raises(ProxyError, match="activation"):
        swap(nn.Sequential(nn.Conv2d(3, 2, 1)), batch())
