import pytest
import torch
from torch import nn

from tgnas.networks.nb201 import NB201Network
from tgnas.proxies import ProxyBatch, ProxyError, compute_proxies
from tgnas.proxies.blocks import find_blocks
from tgnas.spaces.nb201 import parse

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.conv(x) + x)


class ResNetLike(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv, self.bn, self.relu = nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU()
        self.stage1 = nn.Sequential(Residual(4), Residual(4))
        self.down = nn.Conv2d(4, 8, 3, stride=2, padding=1)
        self.stage2 = nn.Sequential(Residual(8))
        self.pool, self.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(8, 3)

    def forward(self, x):
        x = self.relu(self.bn(self.conv(x)))
        x = self.stage2(self.down(self.stage1(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


class NoBlocks(NB201Network):
    blocks = None  # hides the network's own blocks(): found automatically


def batch(b=4, size=8):
    x = torch.randn(b, 3, size, size, generator=torch.Generator().manual_seed(0))
    return ProxyBatch(x, torch.zeros(b, dtype=torch.long), 3)


def test_residual_units_and_stages_are_found_by_tracing():
    net = ResNetLike()
    blocks = find_blocks(net, torch.randn(2, 3, 8, 8))
    # the stem's layers form one block (ending at its ReLU), each residual unit is one, the strided conv
    # changes the resolution and closes its own block; pooling and the classifier are left out
    assert blocks == [net.relu, net.stage1[0], net.stage1[1], net.down, net.stage2[0]]


def test_found_blocks_give_nb201_the_same_az_values_as_its_own_blocks():
    arch = parse(CELL)
    own = NB201Network(arch, channels=4, cells_per_stage=1)
    found = NoBlocks(arch, channels=4, cells_per_stage=1)
    found.load_state_dict(own.state_dict())
    blocks = find_blocks(found, torch.randn(2, 3, 8, 8))
    assert len(blocks) == len(own.blocks()) and blocks[1:] == list(found.cells)
    a = compute_proxies(own, batch(), ["az"]).values
    b = compute_proxies(found, batch(), ["az"]).values
    assert a == b


def test_a_module_without_findable_blocks_is_a_clear_error():
    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.randn(3, 192))

        def forward(self, x):
            return x.flatten(1) @ self.w.T

    with pytest.raises(ProxyError, match="blocks"):
        compute_proxies(Functional(), batch(), ["az"])


def test_a_blocks_method_overrides_the_search():
    net = ResNetLike()
    net.blocks = lambda: [net.stage1, net.stage2]
    assert find_blocks(net, torch.randn(2, 3, 8, 8)) == [net.stage1, net.stage2]


def test_plain_layers_at_one_resolution_split_at_each_convolution():
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
        nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3),
    )  # fmt: skip
    assert find_blocks(net, torch.randn(2, 3, 8, 8)) == [net[2], net[5]]
    values = compute_proxies(net, batch(), ["az"]).values
    assert all(torch.isfinite(torch.tensor(v)) for v in values.values())


def test_one_convolution_is_still_too_few_blocks():
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(256, 3))
    with pytest.raises(ProxyError, match=r"found 1\)"):
        find_blocks(net, torch.randn(2, 3, 8, 8))
