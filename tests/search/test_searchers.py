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


GENERAL = [n for n in SEARCHERS.names() if n != "cascade"]  # cascade needs an ensemble (tested below)


class FakeEnsemble:
    """An ensemble stand-in: ``predictor`` (cheap, OpSum) and a full score that prefers 1x1 convolutions;
    records every list the full score is asked for."""

    name = "ensemble"
    relative = True

    def __init__(self):
        self.predictor = OpSum()
        self.proxies = object()
        self.full_calls = []

    def score(self, archs):
        self.full_calls.append(list(archs))
        return np.array([a.ops.count("nor_conv_1x1") + 0.01 * sum(VALUE[o] for o in a.ops) for a in archs])


@pytest.fixture
def space():
    return get_space("nb201")


@pytest.mark.parametrize("name", GENERAL)
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


@pytest.mark.parametrize("name", GENERAL)
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


def test_cascade_searches_on_the_predictor_and_lets_the_ensemble_pick(space):
    ens = FakeEnsemble()
    result = SEARCHERS.get("cascade")(shortlist=30).run(space, ens, 400, np.random.default_rng(0))
    assert result.searcher == "cascade" and result.scored == 400 and result.notes["full_scored"] == 30
    assert len(ens.full_calls) == 1 and len(ens.full_calls[0]) == 30  # the costly members score 30 only
    shortlist = ens.full_calls[0]
    cheap = [sum(VALUE[o] for o in a.ops) for a in shortlist]
    assert cheap == sorted(cheap, reverse=True) and min(cheap) >= 13.0  # the predictor's best, best first
    best = max(shortlist, key=lambda a: ens.score([a])[0])
    assert result.arch == space.format(best) and result.notes["predictor_pick"] == space.format(shortlist[0])
    again = SEARCHERS.get("cascade")(shortlist=30).run(space, FakeEnsemble(), 400, np.random.default_rng(0))
    assert again.arch == result.arch


def test_cascade_refuses_a_scorer_without_a_predictor_member(space):
    with pytest.raises(TgnasError, match="needs the ensemble scorer"):
        SEARCHERS.get("cascade")().run(space, OpSum(), 100, np.random.default_rng(0))
    with pytest.raises(TgnasError, match="shortlist"):
        SEARCHERS.get("cascade")(shortlist=0).run(space, FakeEnsemble(), 100, np.random.default_rng(0))


@pytest.mark.parametrize(
    "space, searcher",
    [("nb201", "hybrid"), ("nb101", "evolution"), ("anb", "evolution"), ("darts", "evolution")],
)
def test_the_default_searcher_prunes_only_where_a_supernet_exists(space, searcher):
    from tgnas.search.driver import default_searcher

    assert default_searcher(get_space(space)) == searcher
    assert searcher in SEARCHERS.names()
