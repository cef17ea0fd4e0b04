"""Scorers: predictor, proxies and the ensemble behind one protocol."""

import numpy as np
import pytest

from tgnas.aggregate import aggregate
from tgnas.errors import TgnasError, UnknownNameError
from tgnas.proxies.sweep import SweepConfig
from tgnas.score import SCORERS, EnsembleScorer, PredictorScorer, ProxyScorer, Scorer, make_scorer
from tgnas.spaces import get_space


@pytest.fixture(scope="module")
def predictor():
    from tgnas.predictor.predictor import load_checkpoint

    return load_checkpoint()


@pytest.fixture
def space():
    return get_space("nb201")


def tiny(proxies):
    return SweepConfig(proxies=proxies, batch_size=4, channels=4, cells=1)


def test_predictor_scorer_matches_the_predictor_and_caches(space, predictor, rng):
    archs = [space.sample(rng) for _ in range(20)]
    scorer = PredictorScorer(space, predictor)
    expected = predictor.score_graphs([space.to_graph(a) for a in archs])
    np.testing.assert_allclose(scorer.score(archs), expected, rtol=1e-6)
    np.testing.assert_allclose(scorer.score(archs[::-1]), expected[::-1], rtol=1e-6)
    assert isinstance(scorer, Scorer) and not scorer.relative


def test_predictor_scores_partial_cells(space, predictor):
    scorer = PredictorScorer(space, predictor)
    supernet = space.supernet()
    assert np.isfinite(scorer.score([supernet, supernet.without(0, "nor_conv_3x3")])).all()


def test_single_proxy_is_absolute_and_counts_params(space, rng):
    from tgnas.cost import count_params

    scorer = ProxyScorer(space, ("params",), tiny(("params",)))
    archs = [space.sample(rng) for _ in range(3)]
    want = [count_params(space.build(a, channels=4, cells_per_stage=1)) for a in archs]
    np.testing.assert_allclose(scorer.score(archs), want)
    assert not scorer.relative


def test_proxies_score_a_partial_supernet(space):
    scorer = ProxyScorer(space, ("params",), tiny(("params",)))
    full = scorer.score([space.supernet()])[0]
    less = scorer.score([space.supernet().without(0, "nor_conv_3x3")])[0]
    assert full > less > 0


def test_several_proxies_aggregate_log_ranks(space, rng):
    scorer = ProxyScorer(space, ("params", "flops"), tiny(("params", "flops")))
    archs = [space.sample(rng) for _ in range(4)]
    assert scorer.relative
    np.testing.assert_allclose(scorer.score(archs), aggregate(scorer.values(archs)))


def test_ensemble_weights_the_predictor(space, predictor, rng):
    proxies = ProxyScorer(space, ("params", "flops"), tiny(("params", "flops")))
    pred = PredictorScorer(space, predictor)
    archs = [space.sample(rng) for _ in range(5)]
    ens = EnsembleScorer(pred, proxies)
    assert ens.weight == 4.0 and ens.relative  # twice the number of proxies
    members = {**proxies.values(archs), "predictor": pred.score(archs)}
    np.testing.assert_allclose(ens.score(archs), aggregate(members, weights={"predictor": 4.0}))
    # with a huge weight the ensemble orders like the predictor
    heavy = EnsembleScorer(pred, proxies, weight=1e6)
    assert list(np.argsort(heavy.score(archs))) == list(np.argsort(pred.score(archs)))
    with pytest.raises(TgnasError, match="weight"):
        EnsembleScorer(pred, proxies, weight=-1)


def test_make_scorer_specs(space):
    assert make_scorer("proxies:params", space, proxy_config=tiny(("params",))).names == ("params",)
    assert make_scorer("proxies:az", space).names == (
        "expressivity",
        "progressivity",
        "trainability",
        "complexity",
    )
    with pytest.raises(UnknownNameError, match="unknown scorer 'oracle'"):
        make_scorer("oracle", space)
    with pytest.raises(TgnasError, match="no proxy names"):
        make_scorer("predictor:az", space)
    with pytest.raises(UnknownNameError, match="proxy"):
        make_scorer("proxies:nonsense", space)
    with pytest.raises(TgnasError, match="'predictor' has no use for weight"):  # not silently dropped
        make_scorer("predictor", space, weight=3.0)
    with pytest.raises(TgnasError, match="'proxies' has no use for checkpoint"):
        make_scorer("proxies:params", space, checkpoint="nb201_cifar10_156")
    assert set(SCORERS.names()) == {"ensemble", "predictor", "proxies"}


def test_scorers_accept_architecture_strings():
    from tgnas.errors import ArchitectureError
    from tgnas.spaces import get_space

    space = get_space("nb201")
    text = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"
    for spec in ("proxies:params", "predictor"):
        scorer = make_scorer(spec, space)
        assert scorer.score([text]).tolist() == scorer.score([space.parse(text)]).tolist()
        with pytest.raises(ArchitectureError, match="architecture 1"):
            scorer.score([text, "|bad|"])
