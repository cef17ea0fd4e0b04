"""The ``tgnas`` command line: a thin layer that parses flags, calls the library and prints with rich.

Every command that prints results takes ``--json``. Bad input ends with a one-line ``error: ...`` on stderr
and exit code 2.
"""

from __future__ import annotations

import json
import math
import sys
import time

import typer
from rich.console import Console
from rich.table import Table

from tgnas.errors import TgnasError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Zero-cost neural architecture search.")
console = Console()
JSON_OPT = typer.Option(False, "--json", help="Print machine-readable JSON instead of tables.")


def _print_json(obj: object) -> None:
    def clean(x: object) -> object:
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [clean(v) for v in x]
        return x

    print(json.dumps(clean(obj), indent=2))


@app.command()
def spaces(as_json: bool = JSON_OPT) -> None:
    """List the search spaces and whether they have benchmark ground truth."""
    from tgnas.benchmarks import BENCHMARKS
    from tgnas.spaces import SPACES, get_space

    rows = []
    for name in SPACES.names():
        space = get_space(name)
        rows.append(
            {"name": name, "size": space.size(), "ops": list(space.ops), "benchmark": name in BENCHMARKS}
        )
    if as_json:
        _print_json(rows)
        return
    table = Table("space", "architectures", "operations", "ground truth")
    for r in rows:
        table.add_row(r["name"], f"{r['size']:,}", ", ".join(r["ops"]), "yes" if r["benchmark"] else "no")
    console.print(table)


@app.command()
def arch(
    architecture: str = typer.Argument(..., help="Architecture string (or a benchmark index)."),
    space: str = typer.Option("nb201", help="Search space."),
    dataset: list[str] = typer.Option(None, help="Benchmark dataset(s) to report; all by default."),
    as_json: bool = JSON_OPT,
) -> None:
    """Validate an architecture; print its canonical form, operator graph, cost and benchmark accuracy."""
    from tgnas.describe import describe

    report = describe(architecture, space, dataset)
    if as_json:
        _print_json(report.to_dict())
        return
    _print_report(report)


def _print_report(report) -> None:
    console.print(f"[bold]{report.arch}[/bold]  ({report.space})")
    console.print(f"canonical: {report.canonical}")
    nodes = report.graph["nodes"]
    console.print(
        "graph: "
        + ", ".join(f"{i}:{n['op']}" for i, n in enumerate(nodes))
        + "  edges: "
        + " ".join(f"{u}->{v}" for u, v in report.graph["edges"])
    )
    table = Table("dataset", "params (M)", "FLOPs (M)", "index", "valid acc", "test acc")
    for ds, cost in report.cost.items():
        truth = report.benchmark.get(ds, {})
        table.add_row(
            ds,
            f"{cost['params_M']:.4f}",
            f"{cost.get('flops_M', float('nan')):.2f}",
            str(truth.get("index", "-")),
            f"{truth.get('valid', float('nan')):.2f}",
            f"{truth.get('test', float('nan')):.2f}",
        )
    console.print(table)


@app.command()
def demo(
    sample: int = typer.Option(200, min=2, help="Architectures in the seeded ranking sample."),
    seed: int = typer.Option(0, help="Seed of the sample."),
    as_json: bool = JSON_OPT,
) -> None:
    """The main job on the shipped data: describe reference cells and rank a seeded sample by FLOPs."""
    import numpy as np

    from tgnas.benchmarks import get_benchmark
    from tgnas.cost import count_flops
    from tgnas.describe import describe
    from tgnas.evaluation import evaluate_ranking
    from tgnas.spaces import get_space

    bench, space = get_benchmark("nb201"), get_space("nb201")
    valid = bench.column("cifar10", "valid")
    best_valid = int(np.nanargmax(valid))  # select on validation accuracy, report test accuracy
    refs = [
        describe(str(best_valid)),
        describe("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|"),
    ]
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(bench), size=min(sample, len(bench)), replace=False)
    archs = bench.archs()
    start = time.perf_counter()
    flops = [count_flops(space.build(archs[i]), (3, 32, 32)) for i in idx]
    seconds = time.perf_counter() - start
    report = evaluate_ranking(flops, bench.column("cifar10", "test")[idx])
    if as_json:
        _print_json(
            {"references": [r.to_dict() for r in refs], "flops_ranking": report.to_dict(), "seconds": seconds}
        )
        return
    console.print(
        "[bold]Best cell by CIFAR-10 validation accuracy[/bold] (its test accuracy is the figure to report)"
    )
    _print_report(refs[0])
    console.print("\n[bold]A ResNet-like cell[/bold]")
    _print_report(refs[1])
    console.print(
        f"\n[bold]FLOPs as a zero-cost baseline[/bold] on {report.n} seeded archs (seed {seed}), "
        f"CIFAR-10 test accuracy: Kendall tau {report.kendall_tau:.3f}, Spearman {report.spearman_rho:.3f}, "
        f"best-ranked {report.best_ranked:.2f} % (oracle {report.oracle:.2f} %), {seconds:.1f} s"
    )


def main() -> None:
    """Entry point: runs the app and turns tgnas input errors into ``error: ...`` with exit code 2."""
    try:
        app()
    except TgnasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
