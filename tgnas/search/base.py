"""What every searcher shares: the protocol, the result, and budget accounting.

A searcher is ``run(space, scorer, budget, rng) -> SearchResult``. The budget counts *distinct*
architectures scored (partial architectures of the pruning search included); re-scoring an architecture
already seen is free because scorers cache raw values.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol

import numpy as np

from tgnas.errors import TgnasError
from tgnas.registry import Registry
from tgnas.score import Scorer
from tgnas.spaces.base import SearchSpace


@dataclass
class SearchResult:
    """The outcome of one search.

    Attributes:
        space, searcher, scorer: names.
        arch: the found architecture in the space's string form.
        score: its score (for a relative scorer: its aggregate among every architecture the search saw).
        scored: distinct architectures (and partial architectures) scored.
        seconds: wall time of the search (scorer loading excluded).
        seed: seed of the generator the search drew from.
        truth: ``{dataset: {"test": ..., "valid": ...}}`` on a benchmark (see :mod:`tgnas.search.judge`).
        notes: how the truth was judged: label cost, withheld datasets and why.
    """

    space: str
    searcher: str
    scorer: str
    arch: str
    score: float
    scored: int
    seconds: float
    seed: int | None = None
    truth: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class Searcher(Protocol):
    """``run(space, scorer, budget, rng)``: search ``space`` with ``scorer`` for ``budget`` evaluations."""

    def run(self, space: SearchSpace, scorer: Scorer, budget: int, rng: np.random.Generator) -> SearchResult:
        """Runs one search; every random choice comes from ``rng``."""


SEARCHERS: Registry = Registry("searcher")


def ranked(scores: Sequence[float]) -> np.ndarray:
    """``scores`` with NaN as ``-inf``: an architecture whose score failed never wins."""
    values = np.asarray(scores, dtype=float)
    return np.where(np.isnan(values), -np.inf, values)


def best_index(scores: Sequence[float]) -> int:
    """The position of the highest score, NaN counting as the lowest; an error if every score is NaN."""
    raw = np.asarray(scores, dtype=float)
    if raw.size == 0 or np.isnan(raw).all():
        raise TgnasError("no architecture has a score (every score is NaN)")
    return int(np.argmax(ranked(raw)))


class Tracker:
    """Scores architectures through a scorer while counting the distinct ones against a budget."""

    def __init__(self, scorer: Scorer, budget: int) -> None:
        check_budget(budget)
        self.scorer = scorer
        self.budget = budget
        self.seen: dict[Hashable, None] = {}  # insertion-ordered set of everything scored
        self.start = time.perf_counter()

    @property
    def left(self) -> int:
        return self.budget - len(self.seen)

    def score(self, archs: Sequence[Hashable]) -> np.ndarray:
        """Scores ``archs`` together (a relative scorer ranks them among each other)."""
        for a in archs:
            self.seen.setdefault(a, None)
        return self.scorer.score(list(archs))

    def best(self, candidates: Sequence[Hashable] | None = None) -> tuple[Hashable, float]:
        """The best-scoring of ``candidates`` (default: every complete architecture seen), scored together."""
        pool = list(candidates) if candidates is not None else list(self.seen)
        if not pool:
            raise TgnasError("the search scored no architecture")
        scores = self.scorer.score(pool)
        k = best_index(scores)
        return pool[k], float(scores[k])

    def result(self, space: SearchSpace, searcher: str, arch: Hashable, score: float) -> SearchResult:
        return SearchResult(
            space=space.name,
            searcher=searcher,
            scorer=self.scorer.name,
            arch=space.format(arch),
            score=score,
            scored=len(self.seen),
            seconds=time.perf_counter() - self.start,
        )


def check_budget(budget: int) -> None:
    if isinstance(budget, bool) or not isinstance(budget, int | np.integer) or budget <= 0:
        raise TgnasError(f"the search budget must be a positive number of architectures, got {budget!r}")


def fresh(seen: dict, draw, tries: int = 50) -> Hashable:
    """``draw()`` until an architecture not yet in ``seen`` comes up (the last draw after ``tries``)."""
    arch = draw()
    for _ in range(tries):
        if arch not in seen:
            break
        arch = draw()
    return arch
