"""Training predictors on NAS-Bench-201 under a protocol, with a card that records the exact split."""

from __future__ import annotations

import datetime

from tgnas.benchmarks.nb201 import NB201Benchmark
from tgnas.predictor.config import TrainConfig
from tgnas.predictor.graphs import graphs_for
from tgnas.predictor.train import TrainResult, train_predictor
from tgnas.protocols.judge import evaluate_judged, score_unseen
from tgnas.protocols.nb201 import Split


def train_on_split(
    bench: NB201Benchmark,
    split: Split,
    config: TrainConfig,
    train_metric: str = "valid",
    evaluate: bool = True,
    graph_kind: str = "cell",
) -> TrainResult:
    """Trains on ``split.train`` (labels: ``train_metric`` on ``split.train_dataset``) and fills the card.

    With ``evaluate``, the card also gets Kendall tau etc. on ``split.evaluate`` for each of
    ``split.eval_datasets`` (test accuracy), measured here. ``graph_kind`` names the graph kind
    (:data:`tgnas.predictor.graphs.GRAPH_KINDS`: ``cell`` or ``traced``), recorded in the card.
    """
    archs = bench.arch_strings()
    graphs = graphs_for(graph_kind, bench.space, [archs[i] for i in split.train])
    targets = bench.column(split.train_dataset, train_metric)[split.train]
    result = train_predictor(graphs, targets, config)
    card = result.predictor.card
    card.update(
        {
            "space": bench.space,
            "protocol": split.name,
            "protocol_notes": split.notes,
            "train_dataset": split.train_dataset,
            "train_metric": train_metric,
            "graphs": graph_kind,
            "split": {
                "train": sorted(int(split.train[p]) for p in result.train_positions),
                "val": sorted(int(split.train[p]) for p in result.val_positions),
            },
            "created": datetime.date.today().isoformat(),
        }
    )
    if evaluate:
        judged = score_unseen(result.predictor, bench, split.evaluate)
        card["evaluation"] = {ds: evaluate_judged(judged, bench, ds).to_dict() for ds in split.eval_datasets}
    card["hyperparameters"] = config.to_dict()
    return result
