"""Regularised (aging) evolution (Real et al., "Regularized Evolution for Image Classifier Architecture
Search", AAAI 2019).

A population of ``population`` architectures starts random (plus any ``seeds``). Each step draws
``tournament`` members uniformly, mutates the best-scored of them (one decision changed, see the space's
``mutate``), scores the child, appends it and removes the *oldest* member. The answer is the best-scored
architecture of the whole history, scored together (so relative scorers compare like with like).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from tgnas.score import Scorer
from tgnas.search.base import SEARCHERS, SearchResult, Tracker, best_index, fresh
from tgnas.spaces.base import SearchSpace


@SEARCHERS.register("evolution")
@dataclass
class RegularizedEvolution:
    """Aging evolution.

    Attributes:
        population: size of the population.
        tournament: members drawn per step; the best one is mutated.
    """

    population: int = 20
    tournament: int = 5

    def run(
        self,
        space: SearchSpace,
        scorer: Scorer,
        budget: int,
        rng: np.random.Generator,
        seeds: Sequence[Hashable] = (),
        tracker: Tracker | None = None,
    ) -> SearchResult:
        """Evolves for ``budget`` scored architectures; ``seeds`` join the initial population, the rest
        of which is drawn at random (diversity is kept: a population of one cell's mutants stalls)."""
        tracker = tracker or Tracker(scorer, budget)
        size = max(1, min(self.population, tracker.left))
        pop: deque = deque(maxlen=size)
        for s in seeds:
            if len(pop) < size:
                pop.append(s)
        while len(pop) < size:
            pop.append(fresh(tracker.seen, lambda: space.sample(rng)))
        tracker.score(list(pop))
        k = min(self.tournament, len(pop))
        stale = 0  # consecutive steps whose child had been scored before (a nearly exhausted space)
        while tracker.left > 0 and stale < 1000:
            picks = [pop[i] for i in rng.choice(len(pop), size=k, replace=False)]
            scores = tracker.score(picks)
            parent = picks[best_index(scores)]
            child = fresh(tracker.seen, lambda p=parent: space.mutate(p, rng))
            stale = stale + 1 if child in tracker.seen else 0
            tracker.score([child])
            pop.append(child)  # the deque drops the oldest member
        arch, score = tracker.best([a for a in tracker.seen if not _is_partial(a)])
        return tracker.result(space, "evolution", arch, score)


def _is_partial(arch: Hashable) -> bool:
    from tgnas.spaces.base import PartialArch

    return isinstance(arch, PartialArch)
