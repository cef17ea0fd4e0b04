"""Multi-space training: v2 features, per-group standardisation and ranking, the fixed cost term, views."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from tgnas.embed import default_embedder, wordings
from tgnas.errors import TgnasError
from tgnas.opgraph import OpGraph
from tgnas.predictor.config import GCNConfig, TrainConfig
from tgnas.predictor.features import GraphFeaturizer, structural_features
from tgnas.predictor.lightning import pairwise_rank_loss
from tgnas.predictor.multispace import VIEWS, labelled_set, train_on_spaces
from tgnas.predictor.train import within_group_slope
from tgnas.spaces import get_space

CHAIN = OpGraph(
    ("input", "nor_conv_3x3", "skip_connect", "output"),
    ((0, 1), (1, 2), (2, 3)),
    costs=(None, {"params": 300.0, "flops": 900.0}, {"params": 100.0, "flops": 100.0}, None),
)


def test_v2_features_are_shares_and_totals():
    f = structural_features(CHAIN, "v2")  # topology(5), shares(2), log totals(2), has_cost
    assert f.shape == (4, 10)
    assert f[:, 5].sum() == pytest.approx(1.0) and f[1, 5] == pytest.approx(0.75)
    assert f[:, 6].sum() == pytest.approx(1.0) and f[1, 6] == pytest.approx(0.9)
    assert np.allclose(f[:, 7], np.log1p(400) / 20) and np.allclose(f[:, 8], np.log1p(1000) / 25)
    assert f[:, 9].tolist() == [0, 1, 1, 0]
    bare = structural_features(OpGraph(CHAIN.ops, CHAIN.edges), "v2")
    assert not bare[:, 5:].any()  # no costs: every cost column is zero


@pytest.mark.parametrize("features", ["v1", "v2"])
def test_stacked_features_equal_each_graphs_own(features):
    """Many graphs featurised in one pass (totals per graph, not over the stack) equal one at a time."""
    from tgnas.predictor.features import _structural_many

    partial = OpGraph(CHAIN.ops, CHAIN.edges, costs=(None, {"params": 5.0}, None, None))
    graphs = [CHAIN, OpGraph(CHAIN.ops, CHAIN.edges), partial, CHAIN]
    stacked = _structural_many(graphs, features)
    assert stacked.shape == (16, len(structural_features(CHAIN, features)[0]))
    assert np.array_equal(stacked, np.concatenate([structural_features(g, features) for g in graphs]))
    if features == "v2":
        assert stacked[9, 5] == 1.0 and stacked[9, 6] == 0.0  # all of the partial graph's params, no FLOPs


def test_scaling_a_space_leaves_shares_unchanged():
    scaled = OpGraph(
        CHAIN.ops, CHAIN.edges, costs=tuple(c and {k: v * 1000 for k, v in c.items()} for c in CHAIN.costs)
    )
    a, b = structural_features(CHAIN, "v2"), structural_features(scaled, "v2")
    assert np.allclose(a[:, :7], b[:, :7]) and not np.allclose(a[:, 7], b[:, 7])


def test_rank_loss_only_pairs_within_a_group():
    pred = torch.tensor([0.0, 1.0, 5.0, -5.0])
    target = torch.tensor([0.0, 1.0, -1.0, 1.0])
    group = torch.tensor([0, 0, 1, 1])
    # across groups the order is wrong (5 > -5 but targets -1 < 1); within group 0 right, group 1 wrong
    within = pairwise_rank_loss(pred, target, group)
    softplus = torch.nn.functional.softplus
    # mean over the 4 ordered same-group pairs: two right by a margin of 1, two wrong by 10
    manual = (softplus(torch.tensor(-1.0)) + softplus(torch.tensor(10.0))) / 2
    assert within == pytest.approx(float(manual), rel=1e-5)
    assert pairwise_rank_loss(pred, target) != pytest.approx(float(within))


def test_within_group_slope_ignores_group_offsets():
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0, np.nan])
    y = np.array([5.0, 7.0, 9.0, -3.0, -1.0, 1.0, 100.0])  # slope 2 in each group, offsets differ
    assert within_group_slope(x, y, np.array([0, 0, 0, 1, 1, 1, 1])) == pytest.approx(2.0)
    assert within_group_slope(np.ones(4), np.arange(4.0), np.zeros(4)) == 0.0


@pytest.mark.parametrize("space", VIEWS.names())
def test_views_keep_the_architecture_and_vary_the_text(space):
    sp = get_space(space)
    rng = np.random.default_rng(0)
    arch = sp.sample(rng)
    views = [VIEWS.get(space)(arch, rng) for _ in range(12)]
    texts = {v.texts for v in views}
    assert len(texts) > 1
    for v in views:
        assert all(t for t in v.texts)  # every node has a text
        assert v.costs is not None


@pytest.mark.parametrize("space", ["nb201", "nb101"])
def test_wordings_cover_every_op_of_the_labelled_spaces(space):
    for op in (*get_space(space).ops, "input", "output"):
        assert len(wordings(op)) >= 3, op


def test_labelled_set_merges_isomorphic_rows_and_groups_by_space():
    data = labelled_set({"nb101": list(range(60)), "anb": [0, 1, 2]}, views=2)
    groups = set(data.groups)
    assert groups == {"nb101/cifar10/valid", "anb/imagenet/valid"}
    n101 = sum(g.startswith("nb101") for g in data.groups)
    assert n101 % 2 == 0 and n101 < 120  # two views each, duplicates merged
    with pytest.raises(TgnasError, match="no labels"):
        labelled_set({"darts": [0]})


def test_multi_space_training_standardises_per_group_and_scores_in_standard_units():
    config = TrainConfig(
        model=GCNConfig(features="v2", global_cost=True, cost_path="prior", hidden=16, layers=2),
        epochs=2,
        cost_dropout=0.2,
        val_fraction=0.2,
    )
    result = train_on_spaces({"nb201": list(range(0, 15625, 250)), "nb101": list(range(40))}, config, views=1)
    p = result.predictor
    assert (p.y_mean, p.y_std) == (0.0, 1.0)
    scaling = p.card["group_scaling"]
    assert set(scaling) == {"nb201/cifar10/valid", "nb101/cifar10/valid"}
    assert 80 < scaling["nb101/cifar10/valid"]["mean"] < 95
    slope = p.card["cost_slope"]
    assert slope > 0  # larger networks rank higher in both spaces
    assert p.models[0].cost_linear.weight[0, 0].item() == pytest.approx(20 * slope)
    # its unseen-operator prior is its own size term: intercept 0, the same slope (scale-free)
    assert (p.cost_prior.intercept, p.cost_prior.slope, p.cost_prior.weight) == (0.0, slope, 0.7)
    assert p.card["split"]["rows"]["nb101"] == list(range(40))
    scores = p.score_graphs([get_space("anb").to_graph(get_space("anb").sample(np.random.default_rng(1)))])
    assert np.isfinite(scores).all()


def test_featurizer_feature_sets():
    emb = default_embedder()
    assert GraphFeaturizer(emb, "v2").num_features == emb.dim + 10
    with pytest.raises(KeyError):
        GraphFeaturizer(emb, "v9")


def test_an_ensemble_recipe_trains_one_member_per_config_on_the_same_rows():
    base = TrainConfig(
        model=GCNConfig(features="v2", global_cost=True, cost_path="prior", hidden=8, layers=1),
        epochs=1,
        val_fraction=0.2,
    )
    rows = {"nb201": list(range(0, 15625, 500)), "nb101": list(range(20))}
    result = train_on_spaces(rows, [base, replace(base, group_power=0.5)], views=1)
    p = result.predictor
    assert len(p.models) == 2 and [m["group_power"] for m in p.card["members"]] == [None, 0.5]
    assert len(p.card["best_val_tau"]) == 2 and p.card["split"]["rows"]["nb201"] == rows["nb201"]
    with pytest.raises(TgnasError, match="share one seed"):
        train_on_spaces(rows, [base, replace(base, seed=1)], views=1)


def test_universal_rows_cap_each_space():
    from tgnas.predictor.multispace import shipped_rows, universal_rows

    rows = universal_rows(["nb201", "nb101"], nb201_labels=50, limit=30, seed=1)
    assert [len(r) for r in rows.values()] == [30, 30] and list(rows) == ["nb201", "nb101"]
    assert universal_rows(["nb101"], seed=1)["nb101"] == sorted(universal_rows(["nb101"], seed=1)["nb101"])
    assert len(universal_rows(["nb101"])["nb101"]) == 500  # every label without a limit
    assert {s: len(r) for s, r in shipped_rows().items()} == {"nb201": 3000, "nb101": 500, "anb": 4138}
    for bad in ([], ["nb101", "nb101"], ["darts"]):
        with pytest.raises(TgnasError, match="distinct labelled spaces"):
            universal_rows(bad)


def test_train_universal_names_an_unknown_recipe():
    from tgnas.predictor.multispace import train_universal

    with pytest.raises(TgnasError, match="unknown recipe 'fancy'; choose one of: .*ensemble"):
        train_universal(["nb101"], recipe="fancy", limit=10)
