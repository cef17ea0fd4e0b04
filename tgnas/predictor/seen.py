"""Which benchmark architectures a predictor's labels covered: what no honest figure may be judged on.

A card names the rows that trained it: a multi-space predictor's ``split.rows`` per space (the rows of the
checkpoint it was fine-tuned from and those it replayed included), a one-space predictor's ``split``
``train`` and ``val`` indices of its space (NAS-Bench-201 unless the card says otherwise). An architecture is
*seen* if a row of it is, up to the space's canonical form (isomorphic NAS-Bench-101 cells are one).
"""

from __future__ import annotations

from collections.abc import Iterable


def seen_rows(card: dict) -> dict[str, set[int]]:
    """Benchmark rows per space whose labels trained a predictor with this ``card``."""
    split = card.get("split") or {}
    if card.get("protocol") == "multi-space":
        return {space: {int(i) for i in idx} for space, idx in (split.get("rows") or {}).items()}
    rows = {int(i) for i in split.get("train", [])} | {int(i) for i in split.get("val", [])}
    return {card.get("space", "nb201"): rows} if rows else {}


def seen_forms(cards: Iterable[dict], spaces: Iterable[str]) -> set[tuple[str, str]]:
    """``(space, canonical form)`` of every row of ``spaces`` the predictors with these ``cards`` trained
    on."""
    from tgnas.benchmarks import BENCHMARKS, get_benchmark
    from tgnas.spaces import get_space

    rows: dict[str, set[int]] = {}
    for card in cards:
        for space, idx in seen_rows(card).items():
            rows.setdefault(space, set()).update(idx)
    out = set()
    for space in set(spaces) & set(rows) & set(BENCHMARKS.names()):
        sp, strings = get_space(space), get_benchmark(space).arch_strings()
        out |= {(space, sp.canonical(sp.parse(strings[i]))) for i in rows[space]}
    return out
