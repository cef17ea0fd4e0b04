"""Judging a predictor on a user's own labelled architectures (``tgnas evaluate --labelled FILE``).

Each group of the file (:mod:`tgnas.predictor.own`) is judged on its own: Kendall tau, Spearman and top-k
precision of the scores against the file's accuracies, beside the graphs' total parameter count where every
graph of the group carries costs. A file whose digest a checkpoint's card records (or the card of one it was
fine-tuned from) trained it, and is marked ``in_sample``; records the loaded predictors trained on (their
benchmark rows, or the architectures of a labelled file that trained them, up to the space's canonical form:
:func:`tgnas.predictor.seen.seen_forms`) are counted as ``seen``.
"""

from __future__ import annotations

import time

import numpy as np

from tgnas.evaluation import evaluate_ranking, kendall_tau
from tgnas.predictor.finetune import own_digests
from tgnas.predictor.own import GROUP_PREFIX, OwnLabels
from tgnas.predictor.prior import total_params
from tgnas.predictor.seen import seen_forms


def evaluate_own(predictor, own: OwnLabels) -> dict[str, dict]:
    """Per group of ``own``: the ranking report of ``predictor`` (a :class:`tgnas.api.Predictor`, which
    scores each record as ``tgnas score`` would: a space's architecture as that, a graph as a graph).

    Returns:
        ``{group: {"dataset": group, "metric": "accuracy", "in_sample": bool, "seen": int,
        "params_tau": float | None, "seconds": float, **RankingReport.to_dict()}}`` (``dataset`` names the
        group for the CLI's table).
    """
    from tgnas.spaces import get_space

    loaded = (predictor.predictor, predictor.universal)
    in_sample = any(own.sha256 in own_digests(p.card) for p in loaded)
    trained = seen_forms((p.card for p in loaded), {r.space for r in own.records if r.space is not None})
    out = {}
    for group in dict.fromkeys(r.group for r in own.records):
        records = [r for r in own.records if r.group == group]
        start = time.perf_counter()
        scores = predictor.score_many([r.arch if r.space is not None else r.graph for r in records])
        seconds = time.perf_counter() - start
        y = np.array([r.accuracy for r in records])
        params = np.array([total_params(r.graph) for r in records])
        name = group.removeprefix(GROUP_PREFIX)
        seen = sum(
            (r.space, get_space(r.space).canonical(r.arch)) in trained for r in records if r.space is not None
        )
        out[name] = {
            "dataset": name,
            "metric": "accuracy",
            "in_sample": in_sample,
            "seen": seen,
            "params_tau": kendall_tau(params, y) if np.isfinite(params).all() else None,
            "seconds": seconds,
            **evaluate_ranking(scores, y).to_dict(),
        }
    return out
