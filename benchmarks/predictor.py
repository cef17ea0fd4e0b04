"""Predictor benchmark: one row per protocol and dataset (Kendall tau, Spearman, seconds).

Usage: ``.venv/bin/python benchmarks/predictor.py [--rows a,b,c] [--seeds 0,1,2] [--json FILE]``

- (a) random split, N labelled architectures (N = 50, 156, 1000, 7812), judged on all the others; trained
  on CIFAR-10 *validation* accuracy (what a searcher observes) and, for comparison, on test accuracy.
- (b) unseen operator: 1,000 labelled architectures drawn (per seed) from those that never use operator X,
  judged on every architecture that uses X; trained on validation and, for comparison, test accuracy
  (``--metrics``); printed with the unseen-operator cost prior off (``w=0``) and at the default weight.
- select-b: how (b)'s settings were chosen without looking at the architectures that (b)'s row for X
  judges (only that row's: the rows for Y judge some of the same cells): among those
  that never use X (``--select-op``), train on the ones that also never use Y and judge the ones that do,
  against CIFAR-10 *validation* accuracy, for each other operator Y (``nested-unseen-op`` protocol); each
  predictor is judged with every weight of ``--prior-weights`` for the unseen-operator cost prior
  (``tgnas.predictor.prior``; 0 = the GCN alone, 1 = the prior alone), and the mean over Y is printed;
  ``--text-noise`` trains these predictors with another text noise.
- (c) cross-dataset: the shipped checkpoint (CIFAR-10 labels of a seeded half) judged on the other half
  against CIFAR-10, CIFAR-100 and ImageNet16-120 test accuracy.
- traced: the shipped traced-graph predictor (whole NB201 networks traced by torch.fx, 1,000 CIFAR-10
  validation labels) judged on a seeded sample of architectures outside its training split (tracing is
  ~0.1 s per network, so not the whole space).
- scoring: seconds to build the graphs of all 15,625 architectures and score them with the loaded shipped
  specialist and with the universal checkpoint (embeddings cached, CPU), and how many of those seconds
  built the graphs.
- ceiling: Kendall tau between CIFAR-10 validation and test accuracy over the whole space (0.882): what a
  predictor trained on validation labels could reach against test accuracy if it were perfect.
Every figure is measured on architectures whose labels the predictor never saw.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

import numpy as np
import torch

from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau
from tgnas.predictor.config import TrainConfig, schedule_for
from tgnas.predictor.predictor import load_checkpoint
from tgnas.protocols.judge import evaluate_judged, evaluate_predictor, score_unseen
from tgnas.protocols.nb201 import Split, nested_unseen_op, random_split, unseen_op
from tgnas.protocols.training import train_on_split
from tgnas.spaces import get_space
from tgnas.spaces.nb201 import _cached_graph


def config_for(n: int, seed: int, ensemble: int = 1, accelerator: str = "cpu") -> TrainConfig:
    """The library's schedule for the label budget (:func:`tgnas.predictor.config.schedule_for`);
    ``ensemble`` independently seeded GCNs are trained on the same labels and averaged. Every schedule
    keeps TrainConfig's text noise of 0.1, chosen on the ``select-b`` rows. ``accelerator`` is
    Lightning's (``cpu`` for the figures in the README; ``auto`` or ``gpu`` to time a GPU)."""
    return replace(schedule_for(n, seed), ensemble=ensemble, accelerator=accelerator)


def row(name: str, labels: str, ev: dict, train_s: float, n_train: int, device: str = "cpu") -> dict:
    return {
        "protocol": name,
        "labels": labels,
        "n_train": n_train,
        "dataset": ev["dataset"],
        "n_judged": ev["n"],
        "kendall_tau": ev["kendall_tau"],
        "spearman": ev["spearman_rho"],
        "train_s": train_s,
        "device": device,
    }


def run_split(
    bench,
    split: Split,
    metric: str,
    seed: int,
    ensemble: int = 1,
    prior_weights: tuple = (None,),
    accelerator: str = "cpu",
) -> list[dict]:
    """Trains on ``split`` and judges it once per unseen-operator prior weight (``None``: the card's)."""
    config = config_for(len(split.train), seed, ensemble, accelerator)
    result = train_on_split(bench, split, config, train_metric=metric, evaluate=False)
    out = []
    for w in prior_weights:
        judged = score_unseen(result.predictor, bench, split.evaluate, prior_weight=w)
        labels = metric if w is None else f"{metric} w={w:g}"
        for ds in split.eval_datasets:
            ev = evaluate_judged(judged, bench, ds).to_dict()
            out.append(row(split.name, labels, ev, result.seconds, len(split.train), result.device))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="a,b,select-b,c,score,traced")
    parser.add_argument("--traced-sample", type=int, default=2000, help="architectures judged for 'traced'")
    parser.add_argument("--sizes", default="50,156,1000,7812")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--ensemble", type=int, default=1, help="GCNs averaged per predictor (rows a, b)")
    parser.add_argument(
        "--metrics", default="valid,test", help="label kinds for rows b and for rows a at N = 156, 1000"
    )
    parser.add_argument("--select-op", default="avg_pool_3x3", help="select-b: the operation (b) holds out")
    parser.add_argument("--prior-weights", default="0,0.5,0.7,0.9,1", help="select-b: cost-prior weights")
    parser.add_argument("--text-noise", type=float, default=None, help="select-b: text noise to try")
    parser.add_argument(
        "--accelerator", default="cpu", help="Lightning accelerator for rows a, b, select-b (cpu, gpu, auto)"
    )
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    torch.set_num_threads(2)
    bench = get_benchmark("nb201")
    rows = set(args.rows.split(","))
    seeds = [int(s) for s in args.seeds.split(",")]
    out: list[dict] = []

    def emit(r: dict) -> None:
        out.append(r)
        print(
            f"{r['protocol']:<24} {r.get('labels', ''):<6} {r.get('dataset', ''):<15} "
            f"n_train={r.get('n_train', '-'):<5} n_judged={r.get('n_judged', '-'):<6} "
            f"tau={r.get('kendall_tau', float('nan')):.4f} rho={r.get('spearman', float('nan')):.4f} "
            f"train_s={r.get('train_s', float('nan')):.1f} score_s={r.get('score_s', float('nan')):.2f}"
            + (f" (graphs {r['graphs_s']:.2f})" if "graphs_s" in r else "")
            + (f" device={r['device']}" if r.get("device", "cpu") != "cpu" else ""),
            flush=True,
        )

    if "a" in rows:
        tau = kendall_tau(bench.column("cifar10", "valid"), bench.column("cifar10", "test"))
        emit({"protocol": "ceiling valid->test", "labels": "all", "dataset": "cifar10", "kendall_tau": tau})
        for n in [int(s) for s in args.sizes.split(",")]:
            for metric in args.metrics.split(",") if n in (156, 1000) else ("valid",):
                per_seed = [
                    run_split(
                        bench,
                        random_split(bench, n, seed=s),
                        metric,
                        s,
                        args.ensemble,
                        accelerator=args.accelerator,
                    )[0]
                    for s in seeds
                ]
                r = dict(per_seed[0])
                r["kendall_tau"] = float(np.mean([p["kendall_tau"] for p in per_seed]))
                r["spearman"] = float(np.mean([p["spearman"] for p in per_seed]))
                r["train_s"] = float(np.mean([p["train_s"] for p in per_seed]))
                r["seeds"] = seeds
                r["ensemble"] = args.ensemble
                r["per_seed_tau"] = [p["kendall_tau"] for p in per_seed]
                emit(r)
    if "b" in rows:  # per seed: the 1,000 labelled cells are drawn and the GCN trained with it
        for op in ("avg_pool_3x3", "nor_conv_1x1", "skip_connect"):
            full = unseen_op(bench, op)
            per_weight: dict[str, list[float]] = {}
            for metric in args.metrics.split(","):
                for seed in seeds:
                    rng = np.random.default_rng(seed)
                    sub = Split(
                        full.name,
                        np.sort(rng.choice(full.train, 1000, replace=False)),
                        full.evaluate,
                        full.train_dataset,
                        full.eval_datasets,
                        full.notes,
                    )
                    runs = run_split(bench, sub, metric, seed, args.ensemble, (0.0, None), args.accelerator)
                    for r in runs:
                        r["seed"] = seed
                        per_weight.setdefault(r["labels"], []).append(r["kendall_tau"])
                        emit(r)
            if len(seeds) > 1:
                for labels, taus in per_weight.items():
                    emit(
                        {
                            "protocol": f"{full.name} mean",
                            "labels": labels,
                            "kendall_tau": float(np.mean(taus)),
                        }
                    )
    if "select-b" in rows:  # judged against validation accuracy, inside (b)'s training pool
        weights = [float(w) for w in args.prior_weights.split(",")]
        taus: dict[float, list[float]] = {w: [] for w in weights}
        for seed in seeds:
            for inner in ("skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"):
                if inner == args.select_op:
                    continue
                split = nested_unseen_op(bench, args.select_op, inner)
                config = config_for(len(split.train), seed, args.ensemble, args.accelerator)
                if args.text_noise is not None:
                    config = replace(config, text_noise=args.text_noise)
                result = train_on_split(bench, split, config, train_metric="valid", evaluate=False)
                for w in weights:
                    judged = score_unseen(result.predictor, bench, split.evaluate, prior_weight=w)
                    ev = evaluate_judged(judged, bench, "cifar10", "valid").to_dict()
                    r = row(split.name, f"w={w:g}", ev, result.seconds, len(split.train), result.device)
                    r["seed"], r["prior_weight"] = seed, w
                    taus[w].append(r["kendall_tau"])
                    emit(r)  # labels column: the prior weight; trained on and judged against valid
        for w in weights:
            emit({"protocol": "select-b mean", "labels": f"w={w:g}", "kendall_tau": float(np.mean(taus[w]))})
    if (
        "traced" in rows
    ):  # the shipped traced-graph predictor on a seeded sample of architectures it never saw
        traced = load_checkpoint("nb201_traced_1000")
        unseen = np.array(sorted(set(range(len(bench))) - traced.training_indices()))
        sample = np.sort(np.random.default_rng(1).choice(unseen, size=args.traced_sample, replace=False))
        for ds in ("cifar10", "cifar100", "imagenet16-120"):
            ev = evaluate_predictor(traced, bench, ds, "test", sample).to_dict()
            r = row(
                "traced whole networks",
                traced.card.get("train_metric", "?"),
                ev,
                traced.card.get("training_seconds", float("nan")),
                len(traced.training_indices()),
            )
            r["score_s"] = ev["seconds"]  # tracing + scoring the sample
            emit(r)
    if "c" in rows or "score" in rows:
        predictor = load_checkpoint()
        card = predictor.card
        if "c" in rows:
            judged = np.array(sorted(set(range(len(bench))) - predictor.training_indices()))
            for ds in ("cifar10", "cifar100", "imagenet16-120"):
                ev = evaluate_predictor(predictor, bench, ds, "test", judged).to_dict()
                emit(
                    row(
                        "cross-dataset (shipped)",
                        card.get("train_metric", "?"),
                        ev,
                        card.get("training_seconds", float("nan")),
                        len(predictor.training_indices()),
                    )
                )
        if "score" in rows:
            space = get_space("nb201")
            strings = bench.arch_strings()
            for name, scorer in (("specialist", predictor), ("universal", load_checkpoint("universal"))):
                scorer.score_graphs([space.to_graph(space.parse(s)) for s in strings[:10]])  # warm-up
                _cached_graph.cache_clear()  # time graph building too, from scratch
                start = time.perf_counter()
                graphs = [space.to_graph(space.parse(s)) for s in strings]
                built = time.perf_counter()
                scorer.score_graphs(graphs)
                end = time.perf_counter()
                emit(
                    {
                        "protocol": f"score all 15,625 ({name})",
                        "score_s": end - start,
                        "graphs_s": built - start,
                    }
                )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
