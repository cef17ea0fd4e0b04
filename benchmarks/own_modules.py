"""Your own labelled modules: a predictor trained on traced ``nn.Module``\\ s of a family, judged on others.

Usage: ``.venv/bin/python benchmarks/own_modules.py [--labels 200] [--judged 500] [--seeds 0]
[--runs alone,finetune] [--epochs E]``

NAS-Bench-201 networks stand in for a family of the user's own: each row is built as the benchmark's network
(:meth:`tgnas.spaces.nb201.NB201Space.build`, ``C = 16``, ``N = 5``) and traced on a 32x32 input into its
whole-network graph, the graph a module is scored by (:func:`tgnas.api.module_graph`). The rows are seeded
draws from those neither the traced-graph predictor (``nb201_traced_1000``) nor, for the labelled ones,
anything else here trained or validated on: ``--labels`` labelled with their CIFAR-10 validation accuracy
and ``--judged`` others.

:func:`tgnas.predictor.own.labels_from_modules` turns the labelled modules into records, as a user does.
With ``alone`` among ``--runs`` (the default), :func:`tgnas.predictor.multispace.train_alone` trains the
shipped recipe on them alone (``tgnas train --labelled`` from Python; ``--epochs`` overrides its schedule);
with ``finetune``, the shipped universal checkpoint is fine-tuned on them
(:func:`tgnas.predictor.finetune.finetune`). Each predictor scores the judged modules' graphs directly
(:meth:`TrainedPredictor.score_graphs`; through the plug-in API these networks would be read back into their
cells and scored by the NAS-Bench-201 specialist instead). Printed:
Kendall tau against validation and test accuracy of the judged rows, beside the shipped traced-graph
predictor (trained on 1,000 networks of this very family: a reference with five times the labels, not a
baseline) and the networks' parameter counts.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tgnas.api import module_graph
from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau
from tgnas.predictor.config import FineTuneConfig
from tgnas.predictor.multispace import train_alone
from tgnas.predictor.own import labels_from_modules
from tgnas.predictor.predictor import load_checkpoint
from tgnas.protocols.crossspace import rows_without
from tgnas.spaces import get_space

SHAPE = (1, 3, 32, 32)
TRACED = "nb201_traced_1000"


def draw(card: dict, labels: int, judged: int, seed: int) -> tuple[list[int], list[int]]:
    """Seeded labelled and judged NAS-Bench-201 rows outside the split of the traced-graph predictor's
    ``card``."""
    free = rows_without("nb201", sorted(i for rows in card["split"].values() for i in rows))
    perm = np.random.default_rng(seed).permutation(free)
    return sorted(perm[:labels].tolist()), sorted(perm[labels : labels + judged].tolist())


def networks(rows: list[int]) -> list:
    space, strings = get_space("nb201"), get_benchmark("nb201").arch_strings()
    return [space.build(space.parse(strings[i])).eval() for i in rows]


def run(seed: int, labels: int, judged_n: int, epochs: int | None, runs: set[str]) -> list[tuple]:
    """One seed's rows: ``(predictor, labels, tau valid, tau test, seconds)``."""
    bench = get_benchmark("nb201")
    valid, test = bench.column("cifar10", "valid"), bench.column("cifar10", "test")
    traced = load_checkpoint(TRACED)
    labelled, judged = draw(traced.card, labels, judged_n, seed)
    start = time.perf_counter()
    own = labels_from_modules(networks(labelled), valid[labelled], SHAPE, group="cifar10", source="nb201")
    models = networks(judged)
    graphs = [module_graph(m, SHAPE) for m in models]
    print(
        f"(seed {seed}: traced {len(labelled) + len(judged)} networks in {time.perf_counter() - start:.0f} s)"
    )
    params = np.array([sum(p.numel() for p in m.parameters()) for m in models], dtype=float)
    scored = [("parameter count", params, 0, 0.0)]
    scored.append((f"{TRACED} (shipped)", traced.score_graphs(graphs), 1000, 0.0))
    config = FineTuneConfig(epochs=epochs, seed=seed)
    if "alone" in runs:
        start = time.perf_counter()
        alone = train_alone(own, config, progress=False).predictor
        scored.append(("alone", alone.score_graphs(graphs), len(own.records), time.perf_counter() - start))
    if "finetune" in runs:
        from tgnas.predictor.finetune import finetune

        start = time.perf_counter()
        tuned = finetune(load_checkpoint("universal"), own, config, "universal", progress=False).predictor
        name = "universal, fine-tuned"
        scored.append((name, tuned.score_graphs(graphs), len(own.records), time.perf_counter() - start))
    return [
        (name, n, kendall_tau(s, valid[judged]), kendall_tau(s, test[judged]), sec)
        for name, s, n, sec in scored
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--judged", type=int, default=500)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--epochs", type=int, default=None, help="override the fine-tuning schedule")
    parser.add_argument("--runs", default="alone", help="alone and/or finetune (the universal checkpoint)")
    args = parser.parse_args()
    runs = set(args.runs.split(","))
    if not runs <= {"alone", "finetune"}:
        parser.error(f"--runs takes alone and finetune, got {args.runs!r}")
    print("| seed | predictor | labels | tau (valid) | tau (test) | s |")
    print("|---|---|---|---|---|---|")
    for seed in (int(s) for s in args.seeds.split(",")):
        for name, n, tv, tt, sec in run(seed, args.labels, args.judged, args.epochs, runs):
            print(f"| {seed} | {name} | {n} | {tv:.3f} | {tt:.3f} | {sec:.0f} |", flush=True)


if __name__ == "__main__":
    main()
