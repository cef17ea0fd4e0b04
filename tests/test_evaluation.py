import numpy as np
import pytest

from tgnas.errors import TgnasError
from tgnas.evaluation import (
    best_ranked_truth,
    evaluate_ranking,
    kendall_tau,
    precision_at_k,
    spearman_rho,
)


def test_known_values():
    truth = [1, 2, 3, 4, 5]
    assert kendall_tau(truth, truth) == pytest.approx(1.0)
    assert kendall_tau(truth[::-1], truth) == pytest.approx(-1.0)
    # one swapped adjacent pair out of 10: (9 - 1) / 10
    assert kendall_tau([1, 2, 3, 5, 4], truth) == pytest.approx(0.8)
    # Spearman: 1 - 6 * sum d^2 / (n (n^2 - 1)) = 1 - 6 * 2 / 120
    assert spearman_rho([1, 2, 3, 5, 4], truth) == pytest.approx(0.9)
    assert kendall_tau([3, 3, 3, 3, 3], truth) == 0.0


def test_precision_and_best_ranked():
    scores = [0.9, 0.8, 0.1, 0.7]
    truth = [90.0, 10.0, 95.0, 80.0]
    assert precision_at_k(scores, truth, 1) == 0.0
    assert precision_at_k(scores, truth, 2) == 0.5
    assert precision_at_k(scores, truth, 4) == 1.0
    assert best_ranked_truth(scores, truth) == 90.0
    assert best_ranked_truth([1, 1, 0, 0], truth) == 50.0  # mean over tied best


def test_report():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=200)
    report = evaluate_ranking(truth + 0.1 * rng.normal(size=200), truth)
    assert report.n == 200 and report.kendall_tau > 0.8 and set(report.precision) == {2, 10, 20}
    assert report.oracle == truth.max() and report.best_ranked <= report.oracle
    assert report.to_dict()["precision"]["2"] == report.precision[2]


@pytest.mark.parametrize(
    "scores, truth, message",
    [([1, 2], [1, 2, 3], "length"), ([1], [1], "at least 2"), ([1, np.nan], [1, 2], "NaN")],
)
def test_bad_inputs(scores, truth, message):
    with pytest.raises(TgnasError, match=message):
        kendall_tau(scores, truth)
    with pytest.raises(TgnasError, match="k must be"):
        precision_at_k([1, 2], [1, 2], 3)
