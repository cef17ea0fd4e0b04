import math

import pytest
import torch
from torch import nn

import tgnas.proxies
from tgnas.errors import ArchitectureError, TgnasError
from tgnas.proxies import WORST, ProxyError

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"
NONE = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"


def cnn():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5),
    )  # fmt: skip


def test_score_a_module_in_one_call_leaves_it_untouched():
    net = cnn()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    result = tgnas.proxies.score(net, ["az", "tcet", "zico", "swap"], (3, 16, 16), batch_size=8)
    assert set(result.values) == {
        "expressivity",
        "progressivity",
        "trainability",
        "complexity",
        "tcet",
        "zico",
        "swap",
    }
    assert all(math.isfinite(v) for v in result.values.values()) and not result.failures
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # BN statistics too
    again = tgnas.proxies.score(net, ["az", "tcet", "zico", "swap"], (1, 3, 16, 16), batch_size=8)
    assert again.values == result.values  # seeded; the batch size in input_shape is ignored


def test_score_an_architecture_string_equals_the_sweep_value():
    from tgnas.proxies.sweep import SweepConfig, proxy_batch, proxy_row

    one = tgnas.proxies.score(CELL, ["synflow", "nwot"], batch_size=8)
    config = SweepConfig(proxies=("synflow", "nwot"), batch_size=8)
    row = proxy_row(CELL, config, *proxy_batch(config))
    assert one.values == row["values"]


def test_a_degenerate_architecture_is_a_recorded_failure_ranked_worst():
    result = tgnas.proxies.score(NONE, ["expressivity", "params"], batch_size=4)
    assert result.values["expressivity"] == WORST and "expressivity" in result.failures
    assert result.values["params"] > 0


def test_bad_inputs_are_clear_errors():
    with pytest.raises(TgnasError, match="input_shape"):
        tgnas.proxies.score(cnn(), ["params"])
    with pytest.raises(ProxyError, match="rejects inputs"):
        tgnas.proxies.score(cnn(), ["params"], (1, 16, 16))
    with pytest.raises(ProxyError, match="logits"):
        tgnas.proxies.score(nn.Conv2d(3, 2, 1), ["params"], (3, 8, 8))
    with pytest.raises(TgnasError, match="input_shape"):
        tgnas.proxies.score(cnn(), ["params"], (3, 0, 8))
    with pytest.raises(ArchitectureError):
        tgnas.proxies.score("not an architecture", ["params"])
    with pytest.raises(TgnasError, match="square RGB"):
        tgnas.proxies.score(CELL, ["params"], (1, 32, 32))
