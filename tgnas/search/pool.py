"""Searching a benchmark's labelled architectures that the scorer's predictor never trained on.

A space such as NAS-Bench-101 or Accel-NASBench is far larger than its labelled file, so an architecture a
search finds there almost never has a label to judge it by. ``--pool unseen`` searches the *unseen pool*
instead: the benchmark's labelled architectures, one per canonical form, less every architecture whose row
trained a loaded predictor (:mod:`tgnas.predictor.seen`). Whatever the search finds there is judged on a
label no predictor saw, on every dataset, so the search's accuracy is an honest figure even for a predictor
trained on other labels of the same benchmark (the NAS-Bench-201 specialist's CIFAR-10 included).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from tgnas.errors import TgnasError
from tgnas.spaces.base import SearchSpace


class PoolSpace:
    """``space`` restricted to ``pool``, a list of its architectures: :meth:`sample` draws them in a seeded
    random order without replacement (then again in that order), :meth:`size` is the pool's; everything
    else is the space's."""

    def __init__(self, space: SearchSpace, pool: Iterable) -> None:
        self.space, self.pool = space, list(pool)
        if not self.pool:
            raise TgnasError(f"the pool of {space.name} architectures is empty")
        self._order: list[int] = []

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("space", "pool", "_order"):  # (copying, before __init__ ran)
            raise AttributeError(name)
        return getattr(self.space, name)

    def sample(self, rng: np.random.Generator):
        if not self._order:
            self._order = [int(i) for i in rng.permutation(len(self.pool))][::-1]
        return self.pool[self._order.pop()]

    def size(self) -> int:
        return len(self.pool)


def unseen_pool(space_name: str, cards: Iterable[dict]) -> tuple[list, int]:
    """The benchmark's labelled architectures of ``space_name`` (one per canonical form, in row order)
    that no predictor with these ``cards`` trained on, and how many distinct ones were left out as seen.

    Raises:
        TgnasError: a space without a benchmark.
    """
    from tgnas.benchmarks import BENCHMARKS, get_benchmark
    from tgnas.predictor.seen import seen_forms
    from tgnas.spaces import get_space

    if space_name not in BENCHMARKS:
        raise TgnasError(f"space {space_name} has no labelled benchmark to draw an unseen pool from")
    space, strings = get_space(space_name), get_benchmark(space_name).arch_strings()
    seen = {form for s, form in seen_forms(cards, [space_name])}
    distinct: dict[str, object] = {}
    for text in strings:
        arch = space.parse(text)
        distinct.setdefault(space.canonical(arch), arch)
    pool = [arch for form, arch in distinct.items() if form not in seen]
    return pool, len(distinct) - len(pool)
