"""Judging a found architecture on a benchmark without leakage.

A predictor's card says which labels trained it (dataset, metric, the exact split, the protocol). A found
architecture's accuracy on dataset ``D`` is reported only if

- the scorer used no predictor, or
- the predictor was not trained on ``D``'s labels (cross-dataset, or labels of another space), or
- its training labels were a random few-shot sample (protocol ``random-N``): those ``N`` labels are then
  part of the search's cost, reported as ``notes["labels_used"]``;

and the found architecture is not one of a labelled file's that trained the predictor
(:func:`tgnas.predictor.seen.own_forms`; counted in ``labels_used`` too).

Otherwise ``D`` is withheld (named in ``notes["withheld"]`` with the reason) or, if asked for explicitly,
refused with a :class:`~tgnas.errors.TgnasError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from tgnas.errors import TgnasError
from tgnas.search.base import SearchResult


def reportable(card: dict | None, dataset: str, space: str = "nb201") -> tuple[bool, str]:
    """Whether ``dataset`` may be reported for a search driven by a predictor with this ``card``, and why."""
    if card is None:
        return True, "no predictor"
    if card.get("protocol") == "multi-space":  # a universal predictor: labels of several spaces
        rows = card.get("split", {}).get("rows", {})
        if space not in rows:
            return True, f"the predictor never trained on {space} labels"
        return False, (
            f"the predictor was trained on {len(rows[space])} labelled {space} architectures; its {dataset} "
            "accuracy would be judged on labels it has seen"
        )
    if card.get("space", space) != space:
        return True, f"predictor trained on {card['space']} labels only"
    trained_on = card.get("train_dataset")
    if trained_on is None or "split" not in card:
        return False, "the predictor's card does not say which labels trained it"
    if trained_on != dataset:
        return True, f"predictor trained on {trained_on} labels only"
    if str(card.get("protocol", "")).startswith("random-"):
        return True, "few-shot: the predictor's training labels are counted as search cost"
    return False, (
        f"the predictor was trained on {trained_on} {card.get('train_metric', '')} labels of "
        f"{len(card['split'].get('train', [])) + len(card['split'].get('val', []))} architectures "
        f"({card.get('protocol')}); its {dataset} accuracy would be judged on labels it has seen"
    )


def check_reportable(bench, card: dict | None, datasets: Sequence[str]) -> None:
    """Raises :class:`TgnasError` for the first of ``datasets`` whose accuracy :func:`judge` would refuse."""
    for ds in datasets:
        ok, why = reportable(card, bench.canonical_dataset(ds), bench.space)
        if not ok:
            raise TgnasError(f"refusing to report {bench.canonical_dataset(ds)} accuracy: {why}")


def judge(
    result: SearchResult,
    bench,
    card: dict | None,
    datasets: Sequence[str] | None = None,
    unseen: bool = False,
) -> SearchResult:
    """Fills ``result.truth`` with the found architecture's test and validation accuracy.

    Args:
        result: a search on ``bench``'s space.
        bench: the benchmark (``query(arch, dataset, metric)``).
        card: the driving predictor's card, ``None`` for proxy-only scorers.
        datasets: datasets asked for; ``None`` = every reportable one (the others noted as withheld).
        unseen: the search drew only from architectures whose labels the predictor never trained on
            (:mod:`tgnas.search.pool`): every dataset is reportable.

    Raises:
        TgnasError: a dataset asked for explicitly is not reportable (see the module docstring).
    """
    from tgnas.errors import ArchitectureError
    from tgnas.predictor.seen import own_forms
    from tgnas.spaces import get_space

    asked = datasets is not None
    names = [bench.canonical_dataset(d) for d in datasets] if asked else list(bench.datasets)
    withheld = {}
    own = {form for space, form in own_forms(card or {}) if space == bench.space}
    found = get_space(bench.space).canonical(get_space(bench.space).parse(result.arch))
    for ds in names:
        ok, why = (True, "an unseen architecture") if unseen else reportable(card, ds, bench.space)
        if ok and found in own:  # (a pool leaves these out)
            ok, why = False, "the architecture found is one of the labelled ones that trained the predictor"
        if not ok:
            if asked:
                raise TgnasError(f"refusing to report {ds} accuracy: {why}")
            withheld[ds] = why
            continue
        try:
            result.truth[ds] = {
                m: bench.query(result.arch, ds, m) for m in ("test", "valid") if m in bench.metrics(ds)
            }
        except ArchitectureError:  # a space sampled beyond its labelled rows (NAS-Bench-101, Accel-NASBench)
            withheld[ds] = f"the {bench.name} labels do not hold the architecture found"
    if card is not None:
        split = card.get("split", {})
        labels = len(split.get("train", [])) + len(split.get("val", []))
        labels += len(split.get("rows", {}).get(bench.space, []))
        if card.get("space", bench.space) != bench.space and card.get("protocol") != "multi-space":
            labels = 0  # labels of another space cost this search nothing
        result.notes["labels_used"] = labels + len(own)  # a labelled file's architectures of this space too
        result.notes["predictor_protocol"] = card.get("protocol")
    if withheld:
        result.notes["withheld"] = withheld
    return result
