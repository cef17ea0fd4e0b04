"""Judging a predictor on NAS-Bench-201 without leakage: training architectures are never scored."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tgnas.benchmarks.nb201 import NB201Benchmark
from tgnas.errors import TgnasError
from tgnas.evaluation import RankingReport, evaluate_ranking
from tgnas.predictor.graphs import graphs_for
from tgnas.predictor.predictor import TrainedPredictor


@dataclass(frozen=True)
class PredictorEvaluation:
    """A ranking report plus how it was obtained.

    Attributes:
        report: the ranking metrics.
        dataset, metric: ground truth judged against.
        excluded: architectures left out because the predictor was trained on them.
        seconds: wall time to build the graphs and score the judged architectures.
    """

    report: RankingReport
    dataset: str
    metric: str
    excluded: int
    seconds: float

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "metric": self.metric,
            "excluded": self.excluded,
            "seconds": self.seconds,
            **self.report.to_dict(),
        }


@dataclass(frozen=True)
class Judged:
    """A predictor's scores of the architectures outside its training split.

    Attributes:
        indices: benchmark indices scored (none of them trained the predictor).
        scores: predicted accuracy of each, same order.
        excluded: architectures of the pool left out because the predictor was trained on them.
        seconds: wall time to build their graphs and score them.
    """

    indices: np.ndarray
    scores: np.ndarray
    excluded: int
    seconds: float


def score_unseen(
    predictor: TrainedPredictor,
    bench: NB201Benchmark,
    indices: np.ndarray | None = None,
    prior_weight: float | None = None,
) -> Judged:
    """Scores ``indices`` (default: the whole space) minus the predictor's training split (from its card);
    ``prior_weight`` overrides the card's unseen-operator prior weight
    (:meth:`TrainedPredictor.score_graphs`).

    Raises:
        TgnasError: if the card does not say which architectures trained the predictor on this benchmark,
            or fewer than 2 architectures are left.
    """
    rows = predictor.card.get("split", {}).get("rows", {})
    if isinstance(rows, dict) and bench.space in rows:  # a multi-space card: rows per space
        seen = {int(i) for i in rows[bench.space]}
    elif predictor.card.get("space") == bench.space and "split" in predictor.card:
        seen = predictor.training_indices()
    else:
        raise TgnasError(
            f"this predictor's card does not record its {bench.space} training split, so its figures on "
            f"{bench.space} could include architectures it was trained on; evaluate a checkpoint with a card"
        )
    pool = np.arange(len(bench)) if indices is None else np.asarray(indices)
    judged = np.array([i for i in pool.tolist() if i not in seen], dtype=int)
    if judged.size < 2:
        raise TgnasError(
            f"fewer than 2 architectures remain outside the predictor's training split ({len(seen)} of the "
            f"{len(bench)} {bench.space} architectures trained it)"
        )
    archs = bench.arch_strings()
    kind = predictor.card.get("graphs", "cell")
    start = time.perf_counter()
    graphs = graphs_for(kind, bench.space, [archs[i] for i in judged])
    scores = predictor.score_graphs(graphs, prior_weight=prior_weight)
    return Judged(judged, scores, int(pool.size - judged.size), time.perf_counter() - start)


def evaluate_judged(
    judged: Judged, bench: NB201Benchmark, dataset: str, metric: str = "test"
) -> PredictorEvaluation:
    """Ranking metrics of already computed scores against ``metric`` on ``dataset``."""
    ds = bench.canonical_dataset(dataset)
    truth = bench.column(ds, metric)[judged.indices]
    return PredictorEvaluation(
        evaluate_ranking(judged.scores, truth), ds, metric, judged.excluded, judged.seconds
    )


def evaluate_predictor(
    predictor: TrainedPredictor,
    bench: NB201Benchmark,
    dataset: str = "cifar10",
    metric: str = "test",
    indices: np.ndarray | None = None,
) -> PredictorEvaluation:
    """:func:`score_unseen` then :func:`evaluate_judged` on one dataset."""
    return evaluate_judged(score_unseen(predictor, bench, indices), bench, dataset, metric)
