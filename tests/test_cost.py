import torch
from torch import nn

from tgnas.cost import count_flops, count_params


def test_closed_forms_on_a_tiny_net():
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1, bias=False),  # 8*8*4*(3*9) = 6912
        nn.BatchNorm2d(4),  # 2*256 = 512, params 8
        nn.ReLU(),  # 256
        nn.AvgPool2d(2),  # 4*4*4 * 4 = 256
        nn.Flatten(),
        nn.Linear(64, 5),  # 5*(64+1) = 325, params 325
    )
    assert count_params(net) == 3 * 4 * 9 + 8 + 325
    assert count_flops(net, (3, 8, 8)) == 6912 + 512 + 256 + 256 + 325


def test_flop_count_restores_mode_and_counts_per_sample():
    net = nn.Sequential(nn.Conv2d(1, 2, 1, groups=1, bias=True))
    net.train()
    assert count_flops(net, (1, 5, 5)) == 25 * 2 * 2
    assert net.training
    grouped = nn.Conv2d(4, 4, 3, padding=1, groups=4, bias=False)
    assert count_flops(grouped, (4, 2, 2)) == 4 * 4 * 9
    assert torch.is_grad_enabled()
