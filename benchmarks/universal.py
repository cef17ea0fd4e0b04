"""Cross-space predictor benchmark: the universal (multi-space) predictor's protocols, one row each.

Usage: ``.venv/bin/python benchmarks/universal.py [--rows d,e,f,b,ship] [--seeds 0,1,2] [--json FILE]``

Every row trains with :data:`tgnas.predictor.crossspace.UNIVERSAL` (seeded) and judges labels it never
trained on, against validation accuracy (the only label NAS-Bench-101 and Accel-NASBench have; NAS-Bench-201
too, for one convention), beside the graph's total parameters and FLOPs on the same architectures.

- (d) leave one space out: train on two of nb201 / nb101 / anb, judge every labelled row of the third.
- (e) few labels in a new space: the other two spaces plus 50 or 200 seeded rows of the target, judged on
  the rest of the target.
- (f) robustness: the universal recipe on its shipped rows (per seed), judged on the NAS-Bench-201 cells
  it never trained on, as the space gives them, as generic graphs without costs, renamed and reworded
  (names and texts of :data:`REWORDED`, words no training description uses; no costs), and reworded and
  unpruned.
- (b) unseen operator: NAS-Bench-201 cells without avg_pool_3x3 (3,000 seeded) plus nb101 and anb, judged
  on every NAS-Bench-201 cell with avg_pool_3x3 (NAS-Bench-101 has max pooling).
- ship: trains ``checkpoints/universal.pt`` (seed 0) and prints its training seconds.

NAS-Bench-201 training rows are capped at 3,000 per seed in every row, nb101 uses its 500 labelled rows
(292 distinct cells) and anb its 4,138.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from tgnas.benchmarks import get_benchmark
from tgnas.paths import checkpoint_dir
from tgnas.predictor.crossspace import UNIVERSAL, VIEWS, judge, represent, rows_without, shipped_rows
from tgnas.predictor.multispace import default_rows, train_on_spaces
from tgnas.spaces import get_space
from tgnas.spaces.nb201 import to_graph as nb201_graph

SPACES = ("nb201", "nb101", "anb")
NB201_ROWS = 3000
# (f): operator names and texts written for this benchmark only; no training description uses these words
REWORDED = {
    "none": ("zeroize", "severed wire: emits nothing at all"),
    "skip_connect": ("passthrough", "hands its tensor onward untouched"),
    "nor_conv_1x1": ("pointwise_mixer", "per-pixel linear projection across feature planes after rectifying"),
    "nor_conv_3x3": ("spatial_filter", "learned square stencil of width three over neighbouring pixels"),
    "avg_pool_3x3": ("blur", "neighbourhood mean, smoothing the planes, weightless"),
}


def rows_for(space: str, seed: int, exclude=()) -> list[int]:
    return default_rows(space, NB201_ROWS if space == "nb201" else None, seed, exclude)


def train(rows: dict, seed: int):
    start = time.perf_counter()
    result = train_on_spaces(rows, replace(UNIVERSAL, seed=seed), VIEWS)
    return result.predictor, time.perf_counter() - start


def rows_d(seed: int):
    for left in SPACES:
        pred, secs = train({s: rows_for(s, seed) for s in SPACES if s != left}, seed)
        target = range(len(get_benchmark(left)))
        yield {
            "row": f"d: leave {left} out",
            "seed": seed,
            "train_s": secs,
            **judge(pred, left, list(target)),
        }


def rows_e(seed: int):
    for target in ("nb101", "anb"):
        for n in (50, 200):
            few = default_rows(target, n, seed + 1000)
            rows = {s: rows_for(s, seed) for s in SPACES if s != target} | {target: few}
            pred, secs = train(rows, seed)
            res = judge(pred, target, rows_without(target, few))
            yield {"row": f"e: {target} + {n} labels", "seed": seed, "train_s": secs, **res}


def rows_f(seed: int):
    rows = shipped_rows(seed)
    pred, secs = train(rows, seed)
    bench, space = get_benchmark("nb201"), get_space("nb201")
    judged = rows_without("nb201", rows["nb201"])
    archs = [space.parse(bench.arch_strings()[i]) for i in judged]
    forms = {
        "given": [space.to_graph(a) for a in archs],
        "generic, no costs": [represent(space.to_graph(a), "generic") for a in archs],
        "reworded, no costs": [represent(space.to_graph(a), "reworded", REWORDED) for a in archs],
        "reworded, unpruned": [represent(nb201_graph(a, prune=False), "reworded", REWORDED) for a in archs],
    }
    for name, graphs in forms.items():
        yield {
            "row": f"f: nb201 {name}",
            "seed": seed,
            "train_s": secs,
            **judge(pred, "nb201", judged, graphs),
        }


def rows_b(seed: int):
    bench = get_benchmark("nb201")
    uses = np.array(["avg_pool_3x3" in s for s in bench.arch_strings()])
    pool = np.flatnonzero(~uses)
    nb201 = sorted(np.random.default_rng(seed).permutation(pool)[:NB201_ROWS].tolist())
    pred, secs = train({"nb201": nb201, "nb101": rows_for("nb101", seed), "anb": rows_for("anb", seed)}, seed)
    yield {
        "row": "b: avg_pool_3x3 unseen",
        "seed": seed,
        "train_s": secs,
        **judge(pred, "nb201", np.flatnonzero(uses).tolist()),
    }


def ship(seed: int):
    pred, secs = train(shipped_rows(0), 0)
    out = checkpoint_dir() / "universal.pt"
    pred.card["name"] = "universal"
    pred.save(out)
    yield {"row": "ship", "seed": 0, "train_s": secs, "path": str(out)}


ROWS = {"d": rows_d, "e": rows_e, "f": rows_f, "b": rows_b, "ship": ship}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="d,e,f,b")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--json", default=None, help="append each row as a JSON line to this file")
    args = parser.parse_args()
    for name in args.rows.split(","):
        if name not in ROWS:
            parser.error(f"unknown row {name!r}; choose from {', '.join(ROWS)}")
    for seed in [int(s) for s in args.seeds.split(",")]:
        for name in args.rows.split(","):
            for r in ROWS[name](seed):
                line = " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items())
                print(line, flush=True)
                if args.json:
                    with Path(args.json).open("a") as f:
                        f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
