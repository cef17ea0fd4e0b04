"""Pruning-evolution hybrid: prune first, then spend the rest of the budget on aging evolution whose
initial population holds the pruned architecture (the rest random); the better of the two is kept (both are
in the history the final choice is scored over)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tgnas.score import Scorer
from tgnas.search.base import SEARCHERS, SearchResult, Tracker
from tgnas.search.evolution import RegularizedEvolution
from tgnas.search.prune import PruningSearch
from tgnas.spaces.base import SearchSpace


@SEARCHERS.register("hybrid")
@dataclass
class PruneThenEvolve:
    """Pruning search, then :class:`RegularizedEvolution` seeded with its result."""

    population: int = 20
    tournament: int = 5

    def run(self, space: SearchSpace, scorer: Scorer, budget: int, rng: np.random.Generator) -> SearchResult:
        tracker = Tracker(scorer, budget)
        pruned = PruningSearch().run(space, scorer, budget, rng, tracker=tracker)
        seed = space.parse(pruned.arch)
        if tracker.left > 0:
            evo = RegularizedEvolution(self.population, self.tournament)
            result = evo.run(space, scorer, budget, rng, seeds=[seed], tracker=tracker)
        else:
            result = pruned
        result.searcher = "hybrid"
        result.notes["pruned"] = pruned.arch
        return result
