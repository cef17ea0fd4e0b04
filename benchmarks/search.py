"""Search benchmark on NAS-Bench-201: every scorer x searcher over 10 seeds, honest settings only.

Usage: ``.venv/bin/python benchmarks/search.py [--seeds 10] [--budget 300] [--proxy-budget 100]
[--settings few-shot,cross-dataset] [--cross-checkpoints nb201_cifar10_half,nb201_cifar10_90]
[--json FILE] [--plot FILE]``

Settings (no leakage; see ``tgnas.search.judge``):

- **few-shot**: for seed ``s`` a predictor is trained on the CIFAR-10 *validation* accuracy of 156
  randomly labelled architectures (1 %, seed ``s``); those labels are the search's cost. Scorers:
  ``predictor``, ``proxies:az`` (no labels), ``ensemble`` (that predictor + AZ-NAS). Judged on the test
  accuracy of all three datasets. The ``cascade`` searcher (ensemble only) runs evolution on the predictor
  for ``--budget`` architectures and lets the whole ensemble pick among the predictor's 50 best.
- **cross-dataset**: a predictor trained on CIFAR-10 labels only drives the search; judged on CIFAR-100 and
  ImageNet16-120 only (CIFAR-10 is withheld). One row group per ``--cross-checkpoints`` entry: the shipped
  default (a seeded half of the space labelled) and ``nb201_cifar10_90`` (a seeded 90 %). There the
  ``cascade`` searcher pairs the CIFAR-10 predictor with AZ-NAS.

Proxies use a Gaussian batch of 16 images at 32x32 (seed 0), the benchmark's network (C=16, N=5); their
values are cached across seeds and searchers (a proxy value does not depend on the search). Wall seconds
are the search itself (predictor training excluded; it is printed separately).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from tgnas.benchmarks import get_benchmark
from tgnas.predictor.config import TrainConfig
from tgnas.predictor.predictor import load_checkpoint
from tgnas.protocols.nb201 import random_split
from tgnas.protocols.training import train_on_split
from tgnas.proxies.sweep import SweepConfig
from tgnas.score import EnsembleScorer, PredictorScorer, ProxyScorer
from tgnas.search import SEARCHERS
from tgnas.search.judge import judge
from tgnas.spaces import get_space

CACHE = Path(__file__).parent / ".cache"
DATASETS = ("cifar10", "cifar100", "imagenet16-120")


def few_shot_predictor(bench, seed: int):
    """The 156-label predictor of ``seed`` (trained once, then loaded from the cache folder)."""
    path = CACHE / f"fewshot156_s{seed}.pt"
    if path.is_file():
        return load_checkpoint(path), json.loads(path.with_suffix(".json").read_text())["training_seconds"]
    split = random_split(bench, n=156, seed=seed)
    # text_noise 0: the recipe of the cached predictors behind the reported search figures
    config = TrainConfig(epochs=300, val_fraction=0.0, text_noise=0.0, seed=seed, accelerator="cpu")
    result = train_on_split(bench, split, config, evaluate=False)
    result.predictor.save(path)
    return result.predictor, result.seconds


def run(setting, scorer, searcher, budget, seed, bench, space, card) -> dict:
    result = SEARCHERS.get(searcher)().run(space, scorer, budget, np.random.default_rng(seed))
    judge(result, bench, card)
    return {
        "setting": setting,
        "scorer": scorer.name.split(":")[0],
        "searcher": searcher,
        "seed": seed,
        "arch": result.arch,
        "scored": result.scored,
        "seconds": result.seconds,
        **{ds: result.truth.get(ds, {}).get("test", float("nan")) for ds in DATASETS},
        **({"full_scored": result.notes["full_scored"]} if "full_scored" in result.notes else {}),
    }


def summarise(rows: list[dict]) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["setting"], r["scorer"], r["searcher"]), []).append(r)
    out = []
    for (setting, scorer, searcher), rs in groups.items():
        line = {"setting": setting, "scorer": scorer, "searcher": searcher, "runs": len(rs)}
        for ds in DATASETS:
            vals = [r[ds] for r in rs if not np.isnan(r[ds])]
            line[f"{ds}_mean"] = float(np.mean(vals)) if vals else float("nan")
            line[f"{ds}_best"] = float(np.max(vals)) if vals else float("nan")
        line["scored"] = float(np.mean([r["scored"] for r in rs]))
        line["median_s"] = float(statistics.median(r["seconds"] for r in rs))
        out.append(line)
    return out


def plot(summary: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, ds in zip(axes, DATASETS, strict=True):
        for s in summary:
            if np.isnan(s[f"{ds}_mean"]):
                continue
            ax.scatter(s["median_s"], s[f"{ds}_mean"], label=f"{s['setting']}/{s['scorer']}/{s['searcher']}")
        ax.set_xscale("log")
        ax.set_xlabel("median search wall seconds (2 CPU cores)")
        ax.set_ylabel(f"mean {ds} test accuracy (%)")
        ax.set_title(ds)
    axes[-1].legend(fontsize=6, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--budget", type=int, default=1000, help="architectures per predictor search")
    ap.add_argument("--proxy-budget", type=int, default=100, help="architectures per proxy/ensemble search")
    ap.add_argument("--settings", default="few-shot,cross-dataset")
    ap.add_argument("--cross-checkpoints", default="nb201_cifar10_half,nb201_cifar10_90")
    ap.add_argument("--scorers", default="predictor,proxies,ensemble")
    ap.add_argument("--searchers", default="random,evolution,prune,hybrid")
    ap.add_argument("--json", default=None)
    ap.add_argument("--plot", default=str(Path(__file__).parent / "search.png"))
    args = ap.parse_args()
    bench, space = get_benchmark("nb201"), get_space("nb201")
    searchers = args.searchers.split(",")
    scorers = args.scorers.split(",")
    proxies = ProxyScorer(space, ("az",), SweepConfig(proxies=("az",), batch_size=16))
    names = args.cross_checkpoints.split(",") if "cross-dataset" in args.settings else []
    cross = {name: load_checkpoint(name) for name in names if name}
    rows: list[dict] = []
    train_s = []
    for seed in range(args.seeds):
        if "few-shot" in args.settings:
            predictor, seconds = few_shot_predictor(bench, seed)
            train_s.append(seconds)
            pred = PredictorScorer(space, predictor)
            kinds = {
                "predictor": (pred, args.budget, predictor.card),
                "proxies": (proxies, args.proxy_budget, None),
                "ensemble": (EnsembleScorer(pred, proxies), args.proxy_budget, predictor.card),
            }
            for name in scorers:
                scorer, budget, card = kinds[name]
                for searcher in searchers:
                    if searcher == "cascade" and name != "ensemble":  # cascade: ensemble only
                        continue
                    # cascade: predictor evaluations (the proxies score its shortlist only)
                    n = args.budget if searcher == "cascade" else budget
                    rows.append(run("few-shot", scorer, searcher, max(n, 85), seed, bench, space, card))
                    print(json.dumps(rows[-1]), flush=True)
        if "cross-dataset" in args.settings:
            for name, predictor in cross.items():
                pred = PredictorScorer(space, predictor)
                for searcher in searchers:
                    # cascade needs the ensemble: this CIFAR-10-trained predictor + AZ-NAS (data-free)
                    scorer = EnsembleScorer(pred, proxies) if searcher == "cascade" else pred
                    card = predictor.card
                    rows.append(run(f"cross/{name}", scorer, searcher, args.budget, seed, bench, space, card))
                    print(json.dumps(rows[-1]), flush=True)
    summary = summarise(rows)
    head = f"{'setting':24} {'scorer':10} {'searcher':10} {'runs':>4} {'scored':>7} {'med s':>7}"
    head += "".join(f" {ds[:8]:>8} mean/best" for ds in DATASETS)
    print(head)
    for s in summary:
        line = f"{s['setting']:24} {s['scorer']:10} {s['searcher']:10} {s['runs']:4d} {s['scored']:7.0f} "
        line += f"{s['median_s']:7.2f}"
        line += "".join(f" {s[f'{ds}_mean']:8.2f} / {s[f'{ds}_best']:5.2f}" for ds in DATASETS)
        print(line)
    if train_s:
        print(f"few-shot predictor training: median {statistics.median(train_s):.1f} s per seed (156 labels)")
    plot(summary, Path(args.plot))
    print(f"plot: {args.plot}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "summary": summary}, indent=1))


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - start:.0f} s")
