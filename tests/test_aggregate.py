import numpy as np
import pytest

from tgnas.aggregate import AGGREGATIONS, aggregate, finite_scores, log_rank, rank_sum, ranks
from tgnas.errors import TgnasError, UnknownNameError


def test_ranks_ties_and_failures():
    assert ranks([0.1, 0.5, 0.3]).tolist() == [1, 3, 2]
    assert ranks([2.0, 2.0, 1.0]).tolist() == [2.5, 2.5, 1]
    assert ranks([np.nan, 1.0, -np.inf, np.inf]).tolist() == [2, 4, 2, 2]  # non-finite = worst, tied


def test_log_rank_known_values():
    scores = {"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]}
    expected = np.log(np.array([1, 2, 3]) / 3) + np.log(np.array([3, 2, 1]) / 3)
    assert np.allclose(log_rank(scores), expected)
    # the balanced architecture (ranks 2 and 2) beats the lopsided ones (1 and 3)
    assert np.argmax(log_rank(scores)) == 1
    assert np.allclose(rank_sum(scores), [4 / 3, 4 / 3, 4 / 3])


def test_weights_subsets_and_members():
    scores = {"p": [1.0, 2.0], "q": [2.0, 1.0], "predictor": [0.0, 5.0]}
    both = aggregate(scores, members=["p", "predictor"])
    assert np.allclose(both, np.log([0.5, 1.0]) + np.log([0.5, 1.0]))
    weighted = aggregate(scores, weights={"q": 0.0, "predictor": 2.0})
    assert np.allclose(weighted, np.log([0.5, 1.0]) + 2 * np.log([0.5, 1.0]))
    assert sorted(AGGREGATIONS.names()) == ["log-rank", "orthogonal", "rank-sum"]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"scores": {}}, TgnasError, "at least one"),
        ({"scores": {"a": [1, 2], "b": [1]}}, TgnasError, "different numbers"),
        ({"scores": {"a": [1, 2]}, "members": ["zen"]}, UnknownNameError, "zen"),
        ({"scores": {"a": [1, 2]}, "method": "median"}, UnknownNameError, "log-rank"),
        ({"scores": {"a": [1, 2]}, "weights": {"b": 1.0}}, UnknownNameError, "not aggregated"),
    ],
)
def test_bad_inputs(kwargs, error, message):
    with pytest.raises(error, match=message):
        aggregate(**kwargs)


def test_finite_scores_keep_the_ranking():
    v = [2.0, -np.inf, np.nan, 5.0]
    f = finite_scores(v)
    assert np.isfinite(f).all() and f[1] == f[2] < 2.0 and np.array_equal(ranks(f), ranks(v))
    assert finite_scores([np.nan, np.nan]).tolist() == [0.0, 0.0]


def test_orthogonal_weights_share_a_vote_between_duplicates_and_drop_contrarians():
    from tgnas.aggregate import orthogonal_weights

    rng = np.random.default_rng(0)
    truth = rng.normal(size=300)
    views = {k: truth + 0.5 * rng.normal(size=300) for k in "abc"}
    alone = orthogonal_weights(views)
    w = orthogonal_weights({**views, "a_twice": 2 * views["a"]})
    assert w["a"] == pytest.approx(w["a_twice"])
    # a's vote is shared with its duplicate: each copy weighs much less than a alone
    assert 0 < w["a"] < 0.75 * alone["a"]
    assert orthogonal_weights({**views, "contrarian": -truth})["contrarian"] == 0.0


def test_orthogonal_aggregation_beats_the_plain_log_rank_when_one_view_is_repeated():
    from scipy.stats import kendalltau

    rng = np.random.default_rng(1)
    truth = rng.normal(size=400)
    weak = truth + 1.5 * rng.normal(size=400)
    scores = {f"weak{k}": weak * (k + 1) for k in range(4)}  # four copies of one weak view
    scores["good"] = truth + 0.3 * rng.normal(size=400)
    tau = {m: kendalltau(aggregate(scores, m), truth)[0] for m in ("log-rank", "orthogonal")}
    assert tau["orthogonal"] > tau["log-rank"] + 0.02


def test_orthogonal_aggregation_needs_agreeing_members():
    with pytest.raises(TgnasError, match="agrees"):
        aggregate({"x": [1.0, 2.0, 3.0, 4.0], "y": [4.0, 3.0, 2.0, 1.0]}, "orthogonal")
