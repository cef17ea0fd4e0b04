import space_nets
import torch

from tgnas.cost import count_params
from tgnas.networks.darts import DartsCell, DartsNetwork
from tgnas.proxies import compute_proxies
from tgnas.proxies.blocks import find_blocks
from tgnas.proxies.data import gaussian_batch
from tgnas.spaces import get_space

DARTS_V2 = space_nets.DARTS_V2


def test_darts_v2_at_the_papers_size_has_its_published_parameter_count():
    # DARTS (second order), CIFAR-10, C = 36, 20 cells: 3,349,342 parameters without the auxiliary head
    net = get_space("darts").build(get_space("darts").parse(DARTS_V2), channels=36, layers=20)
    assert count_params(net) == 3_349_342


def test_nb301_network_shapes_and_reduction_cells():
    net = get_space("darts").build(get_space("darts").parse(DARTS_V2))
    assert isinstance(net, DartsNetwork) and len(net.cells) == 8
    assert [k for k, c in enumerate(net.cells) if c.ops[0].__class__.__name__ == "MaxPool2d"] == [2, 5]
    assert net.features(torch.randn(2, 3, 32, 32)).shape == (2, 4 * 128, 8, 8)
    assert net(torch.randn(2, 3, 32, 32)).shape == (2, 10)


def test_proxies_run_on_a_small_darts_network():
    net = DartsNetwork(get_space("darts").parse(DARTS_V2), channels=4, layers=3)
    blocks = find_blocks(net, torch.randn(2, 3, 16, 16))
    assert blocks[1:] == list(net.cells) and all(isinstance(b, DartsCell) for b in blocks[1:])
    result = compute_proxies(net, gaussian_batch(4, 16), ["az", "synflow", "swap"])
    assert not result.failures, result.failures
