"""Judging a predictor on NAS-Bench-201 without leakage: training architectures are never scored."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tgnas.benchmarks.nb201 import NB201Benchmark, canonical_dataset
from tgnas.errors import TgnasError
from tgnas.evaluation import RankingReport, evaluate_ranking
from tgnas.predictor.predictor import Predictor
from tgnas.spaces import get_space


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


def evaluate_predictor(
    predictor: Predictor,
    bench: NB201Benchmark,
    dataset: str = "cifar10",
    metric: str = "test",
    indices: np.ndarray | None = None,
) -> PredictorEvaluation:
    """Ranks ``indices`` (default: the whole space) minus the predictor's training split (from its card).

    Raises:
        TgnasError: if the card does not say which architectures trained the predictor on this benchmark,
            or nothing is left to judge.
    """
    ds = canonical_dataset(dataset)
    if predictor.card.get("space") != bench.space or "split" not in predictor.card:
        raise TgnasError(
            f"this predictor's card does not record its {bench.space} training split, so its figures on "
            f"{bench.space} could include architectures it was trained on; evaluate a checkpoint with a card"
        )
    seen = predictor.training_indices()
    pool = np.arange(len(bench)) if indices is None else np.asarray(indices)
    judged = np.array([i for i in pool.tolist() if i not in seen], dtype=int)
    if judged.size < 2:
        raise TgnasError("fewer than 2 architectures remain outside the predictor's training split")
    space = get_space(bench.space)
    archs = bench.arch_strings()
    start = time.perf_counter()
    graphs = [space.to_graph(space.parse(archs[i])) for i in judged]
    scores = predictor.score_graphs(graphs)
    seconds = time.perf_counter() - start
    truth = bench.column(ds, metric)[judged]
    return PredictorEvaluation(
        evaluate_ranking(scores, truth), ds, metric, int(pool.size - judged.size), seconds
    )
