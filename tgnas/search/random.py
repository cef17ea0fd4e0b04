"""Random search: score ``budget`` distinct uniformly drawn architectures, keep the best."""

from __future__ import annotations

import numpy as np

from tgnas.score import Scorer
from tgnas.search.base import SEARCHERS, SearchResult, Tracker, fresh
from tgnas.spaces.base import SearchSpace


@SEARCHERS.register("random")
class RandomSearch:
    """Draws architectures uniformly (distinct while the space allows) and returns the best-scored one."""

    def run(self, space: SearchSpace, scorer: Scorer, budget: int, rng: np.random.Generator) -> SearchResult:
        tracker = Tracker(scorer, budget)
        size = space.size()
        target = budget if size is None else min(budget, size)
        drawn: dict = {}
        while len(drawn) < target:
            arch = fresh(drawn, lambda: space.sample(rng))
            if arch in drawn:  # the space is (nearly) exhausted
                break
            drawn[arch] = None
        tracker.score(list(drawn))
        arch, score = tracker.best()
        return tracker.result(space, "random", arch, score)
