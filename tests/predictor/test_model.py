import pytest
import torch

from tgnas.errors import UnknownNameError
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
    with pytest.raises(UnknownNameError, match="convolution"):
        GCNConfig(conv="gat")
    with pytest.raises(ValueError):
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
