"""Pruning search (TE-NAS, Chen et al., ICLR 2021; used by TG-NAS with its predictor as the score).

Start from the space's supernet: every candidate operation on every decision (edge). In each round, for
every decision that still has several candidates, score the supernet with each candidate removed in turn
and remove the candidate whose removal leaves the *highest* score (the one the score misses least). Rounds
repeat until one candidate per decision is left. All removals of a round are scored in one call, so a
relative scorer compares them with each other. On NAS-Bench-201 (6 edges x 5 operations) this scores
30 + 24 + 18 + 12 = 84 partial cells, then the final cell.
"""

from __future__ import annotations

import numpy as np

from tgnas.errors import TgnasError
from tgnas.score import Scorer
from tgnas.search.base import SEARCHERS, SearchResult, Tracker
from tgnas.spaces.base import PartialArch, PrunableSpace, SearchSpace


def pruning_cost(start: PartialArch) -> int:
    """Architectures the pruning search scores from ``start`` (partial ones and the final one)."""
    sizes = [len(c) for c in start.choices]
    total = 0
    while any(s > 1 for s in sizes):
        total += sum(s for s in sizes if s > 1)
        sizes = [s - 1 if s > 1 else s for s in sizes]
    return total + 1


@SEARCHERS.register("prune")
class PruningSearch:
    """Removes the least-missed candidate of every decision per round until one is left (see above)."""

    def run(
        self,
        space: SearchSpace,
        scorer: Scorer,
        budget: int,
        rng: np.random.Generator,
        tracker: Tracker | None = None,
    ) -> SearchResult:
        if not isinstance(space, PrunableSpace):
            raise TgnasError(
                f"the pruning search needs a space with a supernet; {space.name} has none "
                "(evolution or random search need none)"
            )
        tracker = tracker or Tracker(scorer, budget)
        current = space.supernet()
        need = pruning_cost(current)
        if need > tracker.left:
            raise TgnasError(
                f"pruning {space.name} scores {need} architectures; the budget leaves {tracker.left}"
            )
        while not current.done:
            moves = [(d, op) for d, ops in enumerate(current.choices) if len(ops) > 1 for op in ops]
            candidates = [current.without(d, op) for d, op in moves]
            scores = tracker.score(candidates)
            removal = {}
            for (d, op), s in zip(moves, scores, strict=True):
                if d not in removal or s > removal[d][1]:
                    removal[d] = (op, s)
            for d, (op, _) in removal.items():
                current = current.without(d, op)
        arch = space.from_partial(current)
        score = float(tracker.score([arch])[0])
        return tracker.result(space, "prune", arch, score)
