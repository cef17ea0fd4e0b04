"""Search in a benchmark's unseen pool: what a scorer picks among drawn candidates, judged on their labels.

Usage: ``.venv/bin/python benchmarks/pool_search.py --space anb --checkpoint A.pt [--checkpoint B.pt ...]
[--seeds 10] [--budget 100] [--json FILE]``

The pool is the benchmark's labelled architectures (one per canonical form) that none of the checkpoints
trained on (:func:`tgnas.search.pool.unseen_pool`), as ``tgnas search --pool unseen`` draws from. Each seed
draws ``--budget`` candidates from it in the seeded order of :class:`tgnas.search.pool.PoolSpace` (the
random searcher's first draws, the same for every scorer), and each scorer picks the best-scored one:

- each checkpoint, as ``tgnas search --checkpoint`` scores (:func:`tgnas.score.make_scorer`);
- ``params``: the graph's parameter count (the baseline of the ranking protocols).

Printed per scorer, over seeds: the mean and best accuracy of the pick on each dataset the benchmark labels
(test accuracy where it has one, else its one accuracy), beside the candidates' mean (a random pick) and
best (the oracle of the draw). No scorer sees a label; the accuracies are looked up after the pick.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from tgnas.benchmarks import get_benchmark
from tgnas.predictor.prior import total_params
from tgnas.score import make_scorer
from tgnas.search.pool import PoolSpace, unseen_pool
from tgnas.spaces import get_space


def accuracies(bench, archs: list) -> dict[str, np.ndarray]:
    """Per dataset, the test accuracy of each architecture where the benchmark has one, else its one
    accuracy (NAS-Bench-101's and Accel-NASBench's)."""
    out = {}
    for ds in bench.datasets:
        metric = "test" if "test" in bench.metrics(ds) else bench.default_metric
        out[f"{ds} {metric}"] = np.array([bench.query(a, ds, metric) for a in archs])
    return out


def run(space_name: str, checkpoints: list[str], seeds: int, budget: int) -> tuple[list[dict], dict]:
    """One row per scorer and seed: the pick's accuracies (and the draw's mean and best)."""
    space, bench = get_space(space_name), get_benchmark(space_name)
    scorers = {f"predictor {c}": make_scorer("predictor", space, checkpoint=c) for c in checkpoints}
    pool, left_out = unseen_pool(space_name, [s.predictor.card for s in scorers.values()])
    rows = []
    for seed in range(seeds):
        rng, pool_space = np.random.default_rng(seed), PoolSpace(space, pool)
        drawn = list(dict.fromkeys(pool_space.sample(rng) for _ in range(min(budget, len(pool)))))
        truth = accuracies(bench, drawn)
        picks = {"params": int(np.argmax([total_params(space.to_graph(a)) for a in drawn]))}
        for name, scorer in scorers.items():
            start = time.perf_counter()
            picks[name] = int(np.nanargmax(scorer.score(drawn)))
            picks[f"{name} seconds"] = time.perf_counter() - start
        for name in [n for n in picks if not n.endswith("seconds")]:
            row = {"scorer": name, "seed": seed, "arch": space.format(drawn[picks[name]])}
            row |= {ds: float(v[picks[name]]) for ds, v in truth.items()}
            rows.append(row | {"seconds": picks.get(f"{name} seconds", 0.0)})
        for name, summary in (("random pick (draw mean)", np.mean), ("oracle (draw best)", np.max)):
            rows.append({"scorer": name, "seed": seed} | {d: float(summary(v)) for d, v in truth.items()})
    return rows, {"space": space_name, "pool": len(pool), "left_out_as_seen": left_out, "budget": budget}


def markdown(rows: list[dict], about: dict) -> str:
    datasets = [k for k in rows[0] if k not in ("scorer", "seed", "arch", "seconds")]
    lines = [
        f"{about['space']}: unseen pool {about['pool']} ({about['left_out_as_seen']} left out as seen), "
        f"{about['budget']} candidates per seed, {len({r['seed'] for r in rows})} seeds; mean / best",
        "",
        "| scorer | " + " | ".join(datasets) + " |",
        "|---" * (len(datasets) + 1) + "|",
    ]
    for scorer in dict.fromkeys(r["scorer"] for r in rows):
        mine = [r for r in rows if r["scorer"] == scorer]
        cells = [f"{np.mean([r[d] for r in mine]):.2f} / {max(r[d] for r in mine):.2f}" for d in datasets]
        lines.append(f"| {scorer} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--space", default="nb201")
    parser.add_argument("--checkpoint", action="append", default=[], help="a predictor (repeatable)")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--json", default=None, help="also write the rows here")
    args = parser.parse_args()
    rows, about = run(args.space, args.checkpoint, args.seeds, args.budget)
    print(markdown(rows, about))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"about": about, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
