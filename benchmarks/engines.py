"""A proxy sweep serial and on Ray, side by side: same values, and the throughput of each.

Usage: ``.venv/bin/python benchmarks/engines.py [--sample 12] [--workers 2] [--proxies az] [--threads 1]``

Sweeps a seeded sample of NAS-Bench-201 cells once in this process and once as Ray tasks on a local Ray
with ``--workers`` CPUs (Ray's start-up included), into fresh files; prints seconds and architectures per
second of each, their ratio, and whether every value is equal bit for bit.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from tgnas.benchmarks import get_benchmark
from tgnas.proxies.sweep import SweepConfig, sweep


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--proxies", default="az")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads per row (default: this process's)"
    )
    args = parser.parse_args()
    bench = get_benchmark("nb201")
    idx = np.random.default_rng(0).choice(len(bench), args.sample, replace=False)
    archs = [bench.arch_strings()[i] for i in idx]
    config = SweepConfig(proxies=tuple(args.proxies.split(",")))
    results, seconds = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine, options in (("serial", {}), ("ray", {"workers": args.workers})):
            options["threads"] = args.threads
            start = time.perf_counter()
            results[engine] = sweep(archs, config, Path(tmp) / f"{engine}.jsonl", engine=engine, **options)
            seconds[engine] = time.perf_counter() - start
    same = all(results["serial"][a]["values"] == results["ray"][a]["values"] for a in archs)
    for engine, s in seconds.items():
        print(f"{engine:6s} {s:7.1f} s  {len(archs) / s:.2f} arch/s")
    ratio = seconds["ray"] / seconds["serial"]
    print(f"ray / serial time {ratio:.2f} (target <= 1.2 on 2 workers of 2 cores); values equal: {same}")


if __name__ == "__main__":
    main()
