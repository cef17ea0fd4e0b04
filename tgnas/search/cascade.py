"""Cascade search for the ensemble: the cheap member searches, the whole ensemble picks.

The ensemble scorer's predictor costs microseconds per architecture, its zero-cost proxies ~0.2 s. The
cascade runs aging evolution on the predictor alone for ``budget`` distinct architectures, takes the
``shortlist`` best of that history by predicted accuracy, scores them together with the whole ensemble (the
predictor as one more member of the proxies' log-rank aggregation) and answers the best of them. The
proxies run on ``shortlist`` architectures only (recorded as ``notes["full_scored"]``).

``shortlist = 50`` was chosen on CIFAR-10 *validation* accuracy of the found cell (10 seeds of the
few-shot setting, from 1, 5, 10, 20, 30, 50, 75, 100, 150); see the README for the test figures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tgnas.errors import TgnasError
from tgnas.score import Scorer
from tgnas.search.base import SEARCHERS, SearchResult, Tracker, best_index, ranked
from tgnas.search.evolution import RegularizedEvolution, _is_partial
from tgnas.spaces.base import SearchSpace


@SEARCHERS.register("cascade")
@dataclass
class Cascade:
    """Evolution on the ensemble's predictor, then the whole ensemble re-ranks a shortlist.

    Attributes:
        shortlist: how many of the predictor's best architectures the whole ensemble scores.
        population, tournament: of the evolution on the predictor.
    """

    shortlist: int = 50
    population: int = 20
    tournament: int = 5

    def run(self, space: SearchSpace, scorer: Scorer, budget: int, rng: np.random.Generator) -> SearchResult:
        cheap = getattr(scorer, "predictor", None)
        if cheap is None or not hasattr(scorer, "proxies"):
            raise TgnasError(
                f"the cascade searcher needs the ensemble scorer (a predictor plus proxies), got "
                f"{getattr(scorer, 'name', type(scorer).__name__)!r}: use --scorer ensemble"
            )
        if self.shortlist < 1:
            raise TgnasError(f"the cascade's shortlist must be at least 1, got {self.shortlist}")
        start = time.perf_counter()
        tracker = Tracker(cheap, budget)  # checks the budget
        RegularizedEvolution(self.population, self.tournament).run(space, cheap, budget, rng, tracker=tracker)
        seen = [a for a in tracker.seen if not _is_partial(a)]
        predicted = cheap.score(seen)
        order = np.argsort(-ranked(predicted), kind="stable")
        shortlist = [seen[i] for i in order[: self.shortlist]]
        scores = scorer.score(shortlist)
        best = best_index(scores)
        result = SearchResult(
            space=space.name,
            searcher="cascade",
            scorer=scorer.name,
            arch=space.format(shortlist[best]),
            score=float(scores[best]),
            scored=len(tracker.seen),
            seconds=time.perf_counter() - start,
        )
        result.notes["full_scored"] = len(shortlist)
        result.notes["predictor_pick"] = space.format(shortlist[0])
        return result
