import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from tgnas.embed import default_embedder
from tgnas.opgraph import OpGraph
from tgnas.predictor.features import STRUCTURAL, GraphFeaturizer, structural_features
from tgnas.spaces import get_space
from tgnas.spaces.nb201 import parse, to_graph


@pytest.fixture(scope="module")
def featurizer():
    return GraphFeaturizer(default_embedder())


def small_graphs():
    chain = OpGraph(("input", "nor_conv_3x3", "output"), ((0, 1), (1, 2)))
    diamond = OpGraph(
        ("input", "sep_conv_3x3", "max_pool_3x3", "skip_connect", "output"),
        ((0, 1), (0, 2), (1, 3), (2, 4), (3, 4)),
    )
    texted = OpGraph(
        ("input", "mystery", "output"), ((0, 1), (1, 2)), texts=(None, "a 3x3 convolution", None)
    )
    return [chain, diamond, texted]


def test_batches_of_different_sizes(featurizer):
    graphs = small_graphs()
    batch = featurizer.batch(graphs)
    assert batch.x.shape == (3 + 5 + 3, featurizer.num_features) == (11, 384 + len(STRUCTURAL))
    assert batch.batch.tolist() == [0] * 3 + [1] * 5 + [2] * 3
    assert batch.edge_index.max() == 10 and batch.ptr.tolist() == [0, 3, 8, 11]
    ref = Batch.from_data_list(featurizer.data_list(graphs))
    assert torch.equal(ref.x, batch.x) and torch.equal(ref.edge_index, batch.edge_index)


def test_node_text_overrides_description(featurizer):
    texted = small_graphs()[2]
    expected = featurizer.embedder.embed_texts(["a 3x3 convolution"])[0]
    assert np.allclose(featurizer.data(texted).x[1, :384].numpy(), expected)


def test_structural_features_of_a_diamond():
    f = structural_features(small_graphs()[1])
    assert f[:, 0].tolist() == pytest.approx([0, 1 / 3, 1 / 3, 2 / 3, 1])  # depth / max depth
    assert f[0, 3] == 1 and f[-1, 4] == 1 and f[:, 7].sum() == 0  # no costs given
    costly = to_graph(parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2|"))
    assert costly.ops == ("input", "none", "output")  # no path from input to output survives pruning
    f2 = structural_features(
        to_graph(parse("|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|"))
    )
    assert f2[1, 5] == pytest.approx(np.log1p(2336) / 10) and f2[1, 7] == 1


def test_nb201_graphs_label_targets(featurizer):
    space = get_space("nb201")
    g = space.to_graph(space.sample(np.random.default_rng(0)))
    d = featurizer.data(g, y=91.5)
    assert d.y.item() == pytest.approx(91.5) and d.x.shape[0] == g.num_nodes
