"""Which benchmark architectures a predictor's labels covered: what no honest figure may be judged on.

A card names the rows that trained it: a multi-space predictor's ``split.rows`` per space (the rows of the
checkpoint it was fine-tuned from and those it replayed included), a one-space predictor's ``split``
``train`` and ``val`` indices of its space (NAS-Bench-201 unless the card says otherwise). A labelled file
that trained it (or a checkpoint it was fine-tuned from, along ``fine_tuned_from``) is recorded by the
canonical forms of its architectures of benchmark spaces (``own_labels.benchmark_forms``). An architecture
is *seen* if a row of it is, or its form is recorded, up to the space's canonical form (isomorphic
NAS-Bench-101 cells are one).
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
    """``(space, canonical form)`` of every architecture of ``spaces`` the predictors with these ``cards``
    trained on: their benchmark rows and their labelled files' architectures."""
    from tgnas.benchmarks import BENCHMARKS, get_benchmark
    from tgnas.spaces import get_space

    cards, spaces = list(cards), set(spaces)
    rows: dict[str, set[int]] = {}
    for card in cards:
        for space, idx in seen_rows(card).items():
            rows.setdefault(space, set()).update(idx)
    out = {(space, form) for card in cards for space, form in own_forms(card) if space in spaces}
    for space in spaces & set(rows) & set(BENCHMARKS.names()):
        sp, strings = get_space(space), get_benchmark(space).arch_strings()
        out |= {(space, sp.canonical(sp.parse(strings[i]))) for i in rows[space]}
    return out


def own_forms(card: dict) -> set[tuple[str, str]]:
    """``(space, canonical form)`` of the benchmark-space architectures of every labelled file that trained a
    card's weights, along its fine-tuning chain."""
    out: set[tuple[str, str]] = set()
    while card:
        forms = (card.get("own_labels") or {}).get("benchmark_forms") or {}
        out |= {(space, form) for space, found in forms.items() for form in found}
        card = card.get("fine_tuned_from") or {}
    return out
