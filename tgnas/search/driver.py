"""One call that loads a scorer, runs a searcher and judges the result honestly (the CLI's ``search``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tgnas.search.base import SEARCHERS, SearchResult, check_budget
from tgnas.search.judge import check_reportable, judge
from tgnas.search.pool import PoolSpace, unseen_pool

POOLS = ("space", "unseen")  # what a search draws from (tgnas.search.pool)


@dataclass(frozen=True)
class SearchConfig:
    """What ``tgnas search`` runs."""

    space: str = "nb201"
    scorer: str = "predictor"  # predictor | proxies[:NAMES] | ensemble[:NAMES]
    searcher: str | None = None  # random | evolution | prune | hybrid | cascade; None: default_searcher
    budget: int = 1000  # distinct architectures scored
    seed: int = 0  # seeds the search's generator
    checkpoint: str | None = None  # predictor checkpoint (default: the shipped one)
    weight: float | None = None  # the predictor's weight in the ensemble (default: 2 x number of proxies)
    pool: str = "space"  # space | unseen (the benchmark's labelled architectures no predictor saw)


def default_searcher(space) -> str:
    """The searcher a search runs when none is named: TG-NAS's pruning-evolution ``hybrid`` where the space
    has a supernet to prune (:class:`~tgnas.spaces.base.PrunableSpace`), else aging ``evolution``."""
    from tgnas.spaces.base import PrunableSpace

    return "hybrid" if isinstance(space, PrunableSpace) else "evolution"


def search(config: SearchConfig, datasets: Sequence[str] | None = None, scorer=None) -> SearchResult:
    """Runs ``config``; on a benchmark space fills the found architecture's accuracies (see
    :func:`tgnas.search.judge.judge`). A ready ``scorer`` may be passed to reuse its caches."""
    from tgnas.benchmarks import BENCHMARKS, get_benchmark
    from tgnas.errors import TgnasError
    from tgnas.score import make_scorer
    from tgnas.spaces import get_space

    check_budget(config.budget)
    space = get_space(config.space)
    if config.pool not in POOLS:
        raise TgnasError(f"unknown pool {config.pool!r}; choose one of: {', '.join(POOLS)}")
    name = config.searcher or (default_searcher(space) if config.pool == "space" else "random")
    searcher = SEARCHERS.get(name)()
    if config.pool == "unseen" and name != "random":
        raise TgnasError(f"--pool unseen is searched by the random searcher; {name} moves outside the pool")
    if datasets and config.space not in BENCHMARKS:
        raise TgnasError(f"space {config.space} has no benchmark ground truth to report accuracies from")
    if scorer is None:
        scorer = make_scorer(config.scorer, space, checkpoint=config.checkpoint, weight=config.weight)
    card = _card_of(scorer)
    bench = get_benchmark(config.space) if config.space in BENCHMARKS else None
    unseen = config.pool == "unseen"
    if unseen:
        pool, left_out = unseen_pool(config.space, [card] if card is not None else [])
        if not pool:
            raise TgnasError(f"the predictor trained on every labelled {config.space} architecture: no pool")
        space = PoolSpace(space, pool)
    elif datasets and bench is not None:  # refused before the search, not after
        check_reportable(bench, card, datasets)
    result = searcher.run(space, scorer, config.budget, np.random.default_rng(config.seed))
    result.seed = config.seed
    if unseen:
        result.notes["pool"] = {"unseen": len(pool), "left_out_as_seen": left_out}
    if bench is not None:
        judge(result, bench, card, datasets, unseen=unseen)
    return result


def _card_of(scorer) -> dict | None:
    """The card of the predictor behind ``scorer`` (the ensemble holds a PredictorScorer); ``None`` for
    proxies alone."""
    card = getattr(getattr(scorer, "predictor", None), "card", None)
    if card is None and hasattr(scorer, "predictor"):
        card = getattr(scorer.predictor.predictor, "card", None)
    return card
