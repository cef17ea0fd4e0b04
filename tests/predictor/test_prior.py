"""The unseen-operator cost prior: its fit, its blend, and how a predictor applies it."""

import math

import numpy as np
import pytest
import torch

from tgnas.embed import default_embedder, describe_op
from tgnas.errors import TgnasError
from tgnas.opgraph import OpGraph
from tgnas.predictor.config import TrainConfig
from tgnas.predictor.features import GraphFeaturizer
from tgnas.predictor.model import GCNConfig, GCNPredictor
from tgnas.predictor.novelty import has_unseen, node_texts
from tgnas.predictor.predictor import TrainedPredictor, load_checkpoint
from tgnas.predictor.prior import NOVEL_COSINE, CostPrior, fit_cost_prior, total_params
from tgnas.predictor.train import train_predictor


def chain(*ops, params=None, texts=None):
    """input -> ops -> output; ``params`` gives each operation's parameter count (costs on op nodes)."""
    costs = None if params is None else (None, *({"params": p, "flops": 10.0 * p} for p in params), None)
    edges = tuple((i, i + 1) for i in range(len(ops) + 1))
    return OpGraph(("input", *ops, "output"), edges, texts=texts, costs=costs)


def test_total_params_sums_the_nodes_and_is_nan_without_costs():
    assert total_params(chain("nor_conv_3x3", "nor_conv_1x1", params=(90.0, 10.0))) == 100.0
    assert math.isnan(total_params(chain("nor_conv_3x3")))


def test_fit_recovers_a_known_line_in_log_params():
    # log(1 + P) = 0, 1, 2 and y = 1 + 2 log(1 + P)
    graphs = [chain("nor_conv_3x3", params=(math.e**k - 1,)) for k in range(3)]
    prior = fit_cost_prior(graphs, [1.0, 3.0, 5.0], weight=0.7)
    assert prior.intercept == pytest.approx(1.0) and prior.slope == pytest.approx(2.0)
    assert prior.predict([chain("skip_connect", params=(math.e**3 - 1,))])[0] == pytest.approx(7.0)
    assert math.isnan(prior.predict([chain("skip_connect")])[0])


def test_fit_gives_none_where_no_line_exists():
    assert fit_cost_prior([chain("nor_conv_3x3"), chain("skip_connect")], [1.0, 2.0], 0.7) is None
    same = [chain("nor_conv_3x3", params=(5.0,)), chain("nor_conv_1x1", params=(5.0,))]
    assert fit_cost_prior(same, [1.0, 2.0], 0.7) is None


@pytest.mark.parametrize("weight", [-0.1, 1.5])
def test_weight_outside_unit_interval_is_refused(weight):
    with pytest.raises(TgnasError, match="prior weight"):
        CostPrior(0.0, 1.0, weight)
    with pytest.raises(TgnasError, match="prior weight"):
        fit_cost_prior([chain("nor_conv_3x3")], [1.0], weight)
    graphs = [chain("nor_conv_3x3", params=(9.0,)), chain("nor_conv_1x1", params=(1.0,))]
    with pytest.raises(TgnasError, match="prior_weight must be in"):  # refused before any training starts
        train_predictor(graphs, [2.0, 1.0], TrainConfig(unseen_prior_weight=weight, accelerator="cpu"))


def test_blend_touches_only_unseen_graphs_with_costs():
    prior = CostPrior(intercept=10.0, slope=0.0, weight=0.7)  # prior(g) = 10 wherever costs are known
    graphs = [chain("a", params=(1.0,)), chain("b", params=(1.0,)), chain("c")]
    gcn = np.array([20.0, 20.0, 20.0])
    out = prior.blend(graphs, gcn, np.array([False, True, True]))
    assert out.tolist() == pytest.approx([20.0, 0.3 * 20.0 + 0.7 * 10.0, 20.0])
    assert CostPrior(10.0, 0.0, 0.0).blend(graphs, gcn, np.ones(3, bool)) is gcn
    with pytest.raises(TgnasError, match="malformed cost prior"):
        CostPrior.from_dict({"intercept": 1.0})


def test_has_unseen_compares_node_texts():
    emb = default_embedder()
    training = node_texts([chain("nor_conv_3x3", "skip_connect")], emb)
    graphs = [
        chain("skip_connect", "nor_conv_3x3"),
        chain("avg_pool_3x3"),
        chain("nor_conv_3x3", texts=(None, "3x3 convolution, 64 groups", None)),
    ]
    assert has_unseen(graphs, training, emb).tolist() == [False, True, True]
    # a known operator at a new width (cosine 0.95 to its description) is not a new operator
    wider = chain("nor_conv_3x3", texts=(None, describe_op("nor_conv_3x3") + ", 64 channels", None))
    assert has_unseen([wider, *graphs], training, emb).tolist() == [True, False, True, True]
    assert has_unseen([wider, *graphs], training, emb, NOVEL_COSINE).tolist() == [False, False, True, True]
    assert has_unseen([], training, emb, NOVEL_COSINE).tolist() == []


def tiny_predictor(card: dict) -> TrainedPredictor:
    emb = default_embedder()
    torch.manual_seed(0)
    config = GCNConfig(in_dim=GraphFeaturizer(emb).num_features, hidden=8, layers=2)
    return TrainedPredictor([GCNPredictor(config)], emb, y_mean=90.0, y_std=2.0, card=card)


def test_predictor_shrinks_only_graphs_with_unseen_operators():
    emb = default_embedder()
    seen = chain("nor_conv_3x3", "skip_connect", params=(100.0, 0.0))
    unseen = chain("avg_pool_3x3", "nor_conv_3x3", params=(0.0, 100.0))
    prior = CostPrior(intercept=50.0, slope=2.0, weight=0.7)
    card = {"training_texts": sorted(node_texts([seen], emb)), "cost_prior": prior.to_dict()}
    predictor = tiny_predictor(card)
    gcn = predictor.score_graphs([seen, unseen], prior_weight=0.0)
    out = predictor.score_graphs([seen, unseen])
    line = 50.0 + 2.0 * math.log1p(100.0)  # prior of the unseen graph (100 parameters)
    assert out[0] == pytest.approx(gcn[0]) and out[1] == pytest.approx(0.3 * gcn[1] + 0.7 * line, rel=1e-6)
    assert predictor.score_graphs([unseen], prior_weight=1.0)[0] == pytest.approx(line)
    assert [u.prior_weight for u in predictor.unseen_operators([seen, unseen])] == [0.7]
    wider = chain("nor_conv_3x3", params=(400.0,), texts=(None, describe_op("nor_conv_3x3") + ", wide", None))
    assert predictor.score_graphs([wider])[0] == predictor.score_graphs([wider], prior_weight=0.0)[0]
    assert [u.prior_weight for u in predictor.unseen_operators([wider])] == [0.0]  # noted, not shrunk
    # without training texts nothing can be called unseen, so the prior stays off
    old = tiny_predictor({"cost_prior": prior.to_dict()})
    assert old.cost_prior is None
    assert old.score_graphs([unseen], prior_weight=0.0)[0] == pytest.approx(gcn[1])
    with pytest.raises(TgnasError, match="no cost prior"):
        old.score_graphs([unseen], prior_weight=0.5)
    with pytest.raises(TgnasError, match="prior weight"):
        predictor.score_graphs([unseen], prior_weight=1.5)


def test_predictor_card_round_trip_keeps_the_prior(tmp_path):
    card = {"training_texts": ["x"], "cost_prior": CostPrior(1.0, 2.0, 0.7).to_dict()}
    path, _ = tiny_predictor(card).save(tmp_path / "p.pt")
    assert load_checkpoint(path).cost_prior == CostPrior(1.0, 2.0, 0.7)


def test_shipped_predictor_keeps_nb201_scores_and_shrinks_darts_cells():
    from tgnas.spaces import get_space

    predictor = load_checkpoint()
    assert predictor.cost_prior is not None and predictor.cost_prior.weight == 0.7
    nb201 = get_space("nb201")
    cell = nb201.to_graph(nb201.sample(np.random.default_rng(0)))
    assert predictor.score_graphs([cell])[0] == predictor.score_graphs([cell], prior_weight=0.0)[0]
    darts = get_space("darts")
    genotype = darts.to_graph(darts.sample(np.random.default_rng(0)))  # sep/dil convs: never seen
    assert predictor.score_graphs([genotype])[0] != predictor.score_graphs([genotype], prior_weight=0.0)[0]
