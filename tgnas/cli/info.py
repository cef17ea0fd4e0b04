"""``tgnas spaces``, ``tgnas arch`` and ``tgnas demo``."""

from __future__ import annotations

import typer
from rich.table import Table

from tgnas.cli.app import JSON_OPT, _print_evaluations, _print_json, app, console


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
        _print_json({"spaces": rows})
        return
    table = Table("space", "architectures", "operations", "ground truth")
    for r in rows:
        table.add_row(
            r["name"],
            "too many to list" if r["size"] is None else f"{r['size']:,}",
            ", ".join(r["ops"]),
            "yes" if r["benchmark"] else "no",
        )
    console.print(table)


@app.command()
def arch(
    architecture: str = typer.Argument(..., help="Architecture string (or a benchmark index)."),
    space: str = typer.Option(
        None, help="Search space (default: the first that parses it; nb201 for an index)."
    ),
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
    print(f"{report.arch}  ({report.space})")
    print(f"canonical: {report.canonical}")
    nodes = report.graph["nodes"]
    print(
        "graph: "
        + ", ".join(f"{i}:{n['op']}" for i, n in enumerate(nodes))
        + "  edges: "
        + " ".join(f"{u}->{v}" for u, v in report.graph["edges"])
    )
    metrics = [m for m in ("valid", "test") if any(m in t for t in report.benchmark.values())]
    table = Table("dataset", "params (M)", "FLOPs (M)", "index", *(f"{m} acc" for m in metrics))
    for ds, cost in report.cost.items():
        truth = report.benchmark.get(ds, {})
        table.add_row(
            ds,
            f"{cost['params_M']:.4f}",
            f"{cost.get('flops_M', float('nan')):.2f}",
            str(truth.get("index", "-")),
            *(f"{truth.get(m, float('nan')):.2f}" for m in metrics),
        )
    console.print(table)


@app.command()
def demo(
    checkpoint: str = typer.Option(None, help="Predictor checkpoint (default: the shipped one)."),
    as_json: bool = JSON_OPT,
) -> None:
    """The main job on the shipped data: rank NAS-Bench-201 with the shipped predictor, judged honestly.

    Scores every architecture the predictor was not trained on, reports Kendall tau / Spearman / top-k
    precision against test accuracy on all three datasets, and describes the architecture it ranks first.
    """

    from tgnas.benchmarks import get_benchmark
    from tgnas.describe import describe
    from tgnas.predictor.predictor import load_checkpoint
    from tgnas.protocols.judge import evaluate_judged, score_unseen
    from tgnas.search.base import best_index

    bench = get_benchmark("nb201")
    predictor = load_checkpoint(checkpoint)
    judged = score_unseen(predictor, bench)  # every architecture outside the training split, scored once
    evaluations = {ds: evaluate_judged(judged, bench, ds).to_dict() for ds in bench.datasets}
    unseen = judged.indices
    top = describe(str(int(unseen[best_index(judged.scores)])))
    if as_json:
        _print_json({"evaluation": evaluations, "top_ranked": top.to_dict()})
        return
    card = predictor.card
    print(
        f"Predictor {checkpoint or 'shipped default'}: trained on {card.get('train_dataset')} "
        f"{card.get('train_metric')} accuracy of {len(predictor.training_indices())} architectures "
        f"({card.get('protocol')}); judged on the {len(unseen)} it never saw, against test accuracy:"
    )
    _print_evaluations(evaluations)
    print("\nIts top-ranked unseen architecture")
    _print_report(top)


@app.command()
def data(as_json: bool = JSON_OPT) -> None:
    """List the benchmark data tgnas reads: each file, whether it was found, where, and its size.

    The folder is $TGNAS_DATA, else ../shared/data beside a source checkout; point $TGNAS_DATA at your copy
    of the published files (the layout below) to use them.
    """
    import os

    from tgnas.errors import DataError
    from tgnas.paths import DATA_FILES, benchmark_data_dir

    try:
        root, problem = benchmark_data_dir(), None
    except DataError as exc:  # TGNAS_DATA names a missing folder: every file is then missing
        root, problem = None, str(exc)
    rows = []
    for name, relative in DATA_FILES.items():
        path = root / relative if root is not None else None
        found = path is not None and path.is_file()
        rows.append(
            {
                "benchmark": name,
                "found": found,
                "path": str(path or relative),
                "bytes": path.stat().st_size if found else None,
            }
        )
    source = "TGNAS_DATA" if os.environ.get("TGNAS_DATA") else "../shared/data beside the checkout"
    if as_json:
        _print_json(
            {"folder": str(root) if root else None, "source": source, "error": problem, "files": rows}
        )
        return
    print(f"benchmark data folder: {root if root else '-'} ({source})")
    if problem:
        print(problem)
    table = Table("benchmark", "found", "file (under the folder)", "size")
    for r, relative in zip(rows, DATA_FILES.values(), strict=True):
        size = f"{r['bytes'] / 2**20:.1f} MiB" if r["bytes"] is not None else "-"
        table.add_row(r["benchmark"], "yes" if r["found"] else "no", relative, size)
    console.print(table)
