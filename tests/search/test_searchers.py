"""Searchers on NAS-Bench-201 with tiny, exact scorers (no predictor, no proxies)."""

import numpy as np
import pytest

from tgnas.errors import TgnasError
from tgnas.search import SEARCHERS, Tracker
from tgnas.search.prune import pruning_cost
from tgnas.spaces import PartialArch, get_space

VALUE = {"none": 0.0, "skip_connect": 1.0, "avg_pool_3x3": 0.5, "nor_conv_1x1": 2.0, "nor_conv_3x3": 3.0}
OPTIMUM = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"


class OpSum:
    """Score = sum of operation values (a partial cell counts its best candidate per edge, minus a penalty
    per extra candidate): the optimum is all nor_conv_3x3."""

    name = "opsum"
    relative = False

    def __init__(self):
        self.calls = 0

    def score(self, archs):
        self.calls += 1
        out = []
        for a in archs:
            if isinstance(a, PartialArch):
                out.append(sum(max(VALUE[o] for o in c) - 0.1 * (len(c) - 1) for c in a.choices))
            else:
                out.append(sum(VALUE[o] for o in a.ops))
        return np.array(out)


class RankWithin(OpSum):
    """The same preference as a relative scorer: ranks within each call only."""

    relative = True

    def score(self, archs):
        from scipy.stats import rankdata

        return rankdata(super().score(archs)) / len(archs)


@pytest.fixture
def space():
    return get_space("nb201")


@pytest.mark.parametrize("name", SEARCHERS.names())
@pytest.mark.parametrize("scorer_cls", [OpSum, RankWithin])
def test_every_searcher_finds_a_good_cell_within_budget(name, scorer_cls, space):
    result = SEARCHERS.get(name)().run(space, scorer_cls(), 400, np.random.default_rng(0))
    assert result.scored <= 400 and result.searcher == name
    found = space.parse(result.arch)
    assert sum(VALUE[o] for o in found.ops) >= 15.0  # the optimum is 18; a random cell averages 9.9
    assert result.seconds >= 0


@pytest.mark.parametrize("name", ["prune", "hybrid"])
def test_pruning_finds_the_exact_optimum(name, space):
    assert SEARCHERS.get(name)().run(space, OpSum(), 300, np.random.default_rng(1)).arch == OPTIMUM


def test_pruning_cost_and_budget_check(space):
    assert pruning_cost(space.supernet()) == 30 + 24 + 18 + 12 + 1
    with pytest.raises(TgnasError, match="scores 85 architectures"):
        SEARCHERS.get("prune")().run(space, OpSum(), 50, np.random.default_rng(0))


@pytest.mark.parametrize("name", SEARCHERS.names())
def test_same_seed_same_result(name, space):
    a = SEARCHERS.get(name)().run(space, OpSum(), 120, np.random.default_rng(7))
    b = SEARCHERS.get(name)().run(space, OpSum(), 120, np.random.default_rng(7))
    assert (a.arch, a.scored) == (b.arch, b.scored)


def test_random_search_scores_distinct_archs_and_exhausts_small_budgets(space):
    scorer = OpSum()
    result = SEARCHERS.get("random")().run(space, scorer, 50, np.random.default_rng(0))
    assert result.scored == 50


@pytest.mark.parametrize("budget", [0, -3, 2.5, True])
def test_bad_budget(budget):
    with pytest.raises(TgnasError, match="budget"):
        Tracker(OpSum(), budget)


def test_tracker_counts_distinct(space, rng):
    t = Tracker(OpSum(), 10)
    a = space.sample(rng)
    t.score([a, a])
    t.score([a])
    assert len(t.seen) == 1 and t.left == 9
