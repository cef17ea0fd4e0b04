"""``tgnas search``."""

from __future__ import annotations

import typer
from rich.table import Table

from tgnas.cli.app import JSON_OPT, _null, _print_json, app, console


@app.command()
def search(
    space: str = typer.Option("nb201", help="Search space (tgnas spaces lists them)."),
    scorer: str = typer.Option("predictor", help="predictor | proxies[:NAMES] | ensemble[:NAMES]."),
    searcher: str = typer.Option(
        None,
        help="random | evolution | prune | hybrid | cascade (ensemble: predictor search, then re-rank); "
        "default: hybrid where the space has a supernet (nb201), else evolution.",
    ),
    budget: int = typer.Option(1000, help="Distinct architectures scored."),
    seed: int = typer.Option(0, min=0, help="Seed of the search."),
    checkpoint: str = typer.Option(None, help="Predictor checkpoint (default: the shipped one)."),
    weight: float = typer.Option(None, help="ensemble: predictor weight (default: 2 x number of proxies)."),
    pool: str = typer.Option(
        "space",
        help="space, or unseen: only the benchmark's labelled architectures no loaded predictor trained on "
        "(random searcher), so the one found is judged on every dataset.",
    ),
    dataset: list[str] = typer.Option(
        None, help="Benchmark dataset(s) to report (default: all honest ones)."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Search a space with a scorer; print the found architecture and, on a benchmark, its accuracies.

    Accuracies judged on labels the predictor was trained on are withheld (or refused if asked for):
    see the README's "No leakage" section.
    """
    from tgnas.search import search as run_search
    from tgnas.search.driver import SearchConfig

    config = SearchConfig(space, scorer, searcher, budget, seed, checkpoint, weight, pool)
    with (
        console.status(f"{searcher or 'the'} search of {space} with {scorer}", spinner="dots")
        if not as_json
        else _null()
    ):
        result = run_search(config, dataset or None)
    if as_json:
        _print_json(result.to_dict())
        return
    print(f"{result.arch}  ({result.space})")
    print(
        f"{result.searcher} search, scorer {result.scorer}: score {result.score:.4f}, "
        f"{result.scored} architectures scored in {result.seconds:.2f} s (seed {result.seed})"
    )
    metrics = [m for m in ("test", "valid") if any(m in t for t in result.truth.values())]
    if metrics:  # NAS-Bench-101's and Accel-NASBench's labels hold one accuracy
        table = Table("dataset", *(f"{m} acc" for m in metrics))
        for ds, t in result.truth.items():
            table.add_row(ds, *(f"{t.get(m, float('nan')):.2f}" for m in metrics))
        console.print(table)
    for key, value in result.notes.items():
        if key == "withheld":
            for ds, why in value.items():
                print(f"withheld {ds}: {why}")
        else:
            print(f"{key}: {value}")
