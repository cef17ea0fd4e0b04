import pytest
import torch

from tgnas.errors import TgnasError, UnknownNameError
from tgnas.predictor.model import CONVS, READOUTS, GCNConfig, GCNPredictor


def four_node_batch():
    x = torch.randn(7, 10)
    edge_index = torch.tensor([[0, 0, 1, 2, 4, 5], [1, 2, 3, 3, 5, 6]])  # a diamond and a chain
    batch = torch.tensor([0, 0, 0, 0, 1, 1, 1])
    return x, edge_index, batch


@pytest.mark.parametrize("readout", READOUTS)
@pytest.mark.parametrize("conv", sorted(CONVS))
@pytest.mark.parametrize("direction", ["forward", "both"])
def test_every_variant_scores_each_graph(readout, conv, direction):
    model = GCNPredictor(
        GCNConfig(in_dim=10, hidden=16, layers=2, readout=readout, conv=conv, direction=direction)
    )
    model.eval()
    x, ei, b = four_node_batch()
    out = model(x, ei, b)
    assert out.shape == (2,) and torch.isfinite(out).all()
    # a graph's score does not depend on the other graphs of its batch
    alone = model(x[4:], ei[:, 4:] - 4, torch.zeros(3, dtype=torch.long))
    assert torch.allclose(out[1:], alone, atol=1e-5)


def test_bad_config():
    with pytest.raises(UnknownNameError, match="readout"):
        GCNConfig(readout="attention")
    with pytest.raises(UnknownNameError, match="unknown conv 'gat'"):
        GCNConfig(conv="gat")
    with pytest.raises(TgnasError, match="layers must be a positive integer"):
        GCNConfig(layers=0)


@pytest.mark.parametrize("direction", ["forward", "both"])
def test_cpu_inference_path_matches_the_training_path(direction):
    # without gradients on a CPU the GCN propagates through a sparse CSR product instead of scatter
    model = GCNPredictor(GCNConfig(in_dim=10, hidden=16, layers=3, direction=direction)).eval()
    x, ei, b = four_node_batch()
    with torch.enable_grad():
        trained_path = model(x, ei, b)
    with torch.inference_mode():
        inference_path = model(x, ei, b)
    assert torch.allclose(trained_path, inference_path, atol=1e-5)


def test_total_cost_recovers_the_graph_totals():
    from tgnas.opgraph import OpGraph
    from tgnas.predictor.features import structural_features
    from tgnas.predictor.model import total_cost

    costs = (None, {"params": 432.0, "flops": 442_368.0}, {"params": 0.0, "flops": 0.0}, None)
    graph = OpGraph(
        ("input", "nor_conv_3x3", "skip_connect", "output"), ((0, 1), (0, 2), (1, 3), (2, 3)), costs=costs
    )
    x = torch.from_numpy(structural_features(graph))  # the cost features are the last three columns
    u = total_cost(x, torch.zeros(4, dtype=torch.long), 1)
    expected = torch.tensor(
        [[torch.log1p(torch.tensor(432.0)) / 15, torch.log1p(torch.tensor(442_368.0)) / 20, 0.5]]
    )
    assert torch.allclose(u, expected, atol=1e-5)  # two of four nodes carry a cost (one of them zero)


def test_global_cost_head_reads_the_total_cost():
    model = GCNPredictor(GCNConfig(in_dim=10, hidden=16, layers=2, global_cost=True)).eval()
    x, ei, b = four_node_batch()
    x[:, -3:] = 0.0
    cheap = model(x, ei, b)
    x[0, -3:] = torch.tensor([0.5, 0.5, 1.0])  # one node of graph 0 gains a cost
    dearer = model(x, ei, b)
    assert (
        dearer.shape == (2,)
        and not torch.allclose(cheap[0], dearer[0])
        and torch.allclose(cheap[1], dearer[1])
    )
