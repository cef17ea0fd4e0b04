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
from tgnas.predictor import config as _TRAIN  # defaults of the training options (plain dataclasses)

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Zero-cost neural architecture search.")


def _version(value: bool) -> None:
    if value:
        from tgnas import __version__

        print(f"tgnas {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Zero-cost neural architecture search."""


console = Console()
err_console = Console(stderr=True)
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
    console.print(
        f"[bold]Predictor[/bold] {checkpoint or 'shipped default'}: trained on {card.get('train_dataset')} "
        f"{card.get('train_metric')} accuracy of {len(predictor.training_indices())} architectures "
        f"({card.get('protocol')}); judged on the {len(unseen)} it never saw, against test accuracy:"
    )
    _print_evaluations(evaluations)
    console.print("\n[bold]Its top-ranked unseen architecture[/bold]")
    _print_report(top)


@app.command()
def train(
    protocol: str = typer.Option("random", help="random | unseen-op | nested-unseen-op | cross-dataset"),
    labels: int = typer.Option(156, help="random: number of labelled architectures."),
    op: str = typer.Option("avg_pool_3x3", help="unseen-op: the operation never seen in training."),
    inner: str = typer.Option(
        "skip_connect",
        help="nested-unseen-op: the operation that plays the unseen one among cells without --op.",
    ),
    fraction: float = typer.Option(0.5, help="cross-dataset: share of the space labelled (CIFAR-10)."),
    dataset: str = typer.Option("cifar10", help="random/unseen-op: dataset of the labels and the judging."),
    train_metric: str = typer.Option("valid", help="Label used for training: valid or test accuracy."),
    spaces: str = typer.Option(
        None,
        "--spaces",
        help="Train one universal predictor on these labelled spaces (e.g. nb201,nb101,anb) with the "
        "shipped universal recipe; --protocol and its flags then do not apply.",
    ),
    nb201_labels: int = typer.Option(
        3000, min=2, help="--spaces: seeded NAS-Bench-201 cells labelled (its other spaces use every label)."
    ),
    limit: int = typer.Option(None, min=2, help="--spaces: at most this many seeded labels per space."),
    epochs: int = typer.Option(
        None,
        min=1,
        help="Training epochs [default: the schedule for the number of labels (tgnas.predictor.config."
        "schedule_for: 300 below 500 labels, 200 up to 2,000, 60 above); with --spaces the universal "
        f"recipe's {_TRAIN.UNIVERSAL.epochs}].",
    ),
    batch_size: int = typer.Option(
        None, min=1, help="Graphs per training step [default: the schedule's: 16 below 500 labels, 64, 128]."
    ),
    rank_weight: float = typer.Option(
        _TRAIN.TrainConfig.rank_weight, min=0.0, help="Weight of the pairwise ranking loss."
    ),
    text_noise: float = typer.Option(
        _TRAIN.TrainConfig.text_noise,
        min=0.0,
        help="Gaussian noise on the text embeddings in training (robustness to unseen ops).",
    ),
    global_cost: bool = typer.Option(
        _TRAIN.GCNConfig.global_cost, help="The GCN's head also reads the graph's total params/FLOPs."
    ),
    unseen_prior_weight: float = typer.Option(
        _TRAIN.TrainConfig.unseen_prior_weight,
        min=0.0,
        max=1.0,
        help="Weight of the log-params prior for graphs with unseen operators.",
    ),
    ensemble: int = typer.Option(
        _TRAIN.TrainConfig.ensemble, min=1, help="Independently seeded models averaged."
    ),
    val_fraction: float = typer.Option(
        None,
        min=0.0,
        max=0.5,
        help="Held-out share of labels that picks the best epoch [default: the schedule's: 0 below 500 "
        "labels, else 0.1].",
    ),
    seed: int = typer.Option(0, min=0, help="Seed of the split and the training."),
    out: str = typer.Option("checkpoints/predictor.pt", help="Checkpoint path (its card goes beside it)."),
    accelerator: str = typer.Option("auto", help="Lightning accelerator: auto, cpu, gpu."),
    graphs: str = typer.Option("cell", help="Graphs: cell, or traced (whole network, torch.fx)."),
    eval_sample: int = typer.Option(None, min=2, help="Judge a seeded sample of the held-out architectures."),
    as_json: bool = JSON_OPT,
) -> None:
    """Train a GCN predictor on NAS-Bench-201 under a protocol, or one on several spaces (--spaces); write
    the checkpoint and its card."""
    from dataclasses import replace

    from tgnas.benchmarks import get_benchmark
    from tgnas.paths import check_checkpoint_path
    from tgnas.protocols.nb201 import PROTOCOLS

    if spaces is not None:
        _train_spaces(spaces, nb201_labels, limit, epochs, seed, out, accelerator, as_json)
        return
    if train_metric not in ("valid", "test"):
        raise TgnasError(f"--train-metric must be valid or test (accuracy), got {train_metric!r}")
    check_checkpoint_path(out)  # before training, not after
    bench = get_benchmark("nb201")
    make = PROTOCOLS.get(protocol)
    args = {
        "random": dict(n=labels, seed=seed, dataset=dataset),
        "unseen-op": dict(op=op, dataset=dataset),
        "nested-unseen-op": dict(op=op, inner=inner, dataset=dataset),
        "cross-dataset": dict(seed=seed, fraction=fraction),
    }
    if protocol not in args:  # a protocol registered in the library but given no flags here
        raise TgnasError(
            f"tgnas train has no flags for protocol {protocol!r}; choose one of: {', '.join(args)}"
        )
    split = make(bench, **args[protocol])
    # Lightning and the GCN are imported only once the flags are known to be good (a typo fails at once)
    from tgnas.protocols.training import train_on_split

    if eval_sample is not None and eval_sample < len(split.evaluate):
        import numpy as np

        keep = np.random.default_rng(seed).choice(len(split.evaluate), size=eval_sample, replace=False)
        split = replace(split, evaluate=np.sort(split.evaluate[keep]))
    schedule = _TRAIN.schedule_for(len(split.train), seed)  # what the options left unset default to
    config = replace(
        schedule.with_model(global_cost=global_cost),
        epochs=epochs if epochs is not None else schedule.epochs,
        batch_size=batch_size if batch_size is not None else schedule.batch_size,
        val_fraction=val_fraction if val_fraction is not None else schedule.val_fraction,
        rank_weight=rank_weight,
        text_noise=text_noise,
        unseen_prior_weight=unseen_prior_weight,
        ensemble=ensemble,
        accelerator=accelerator,
        progress=not as_json,
    )
    result = train_on_split(bench, split, config, train_metric=train_metric, graph_kind=graphs)
    ckpt, card = result.predictor.save(out)
    evaluation = result.predictor.card["evaluation"]
    if as_json:
        _print_json(
            {
                "checkpoint": str(ckpt),
                "card": str(card),
                "seconds": result.seconds,
                "device": result.device,
                "evaluation": evaluation,
            }
        )
        return
    console.print(
        f"trained {split.name} on {len(split.train)} labels in {result.seconds:.1f} s ({result.device})"
    )
    console.print(f"wrote {ckpt} and {card}")
    _print_evaluations(evaluation)


def _train_spaces(
    spaces: str,
    nb201_labels: int,
    limit: int | None,
    epochs: int | None,
    seed: int,
    out: str,
    accelerator: str,
    as_json: bool,
) -> None:
    """``tgnas train --spaces``: the universal recipe on the labelled rows of the named spaces."""
    from dataclasses import replace

    from tgnas.paths import check_checkpoint_path
    from tgnas.predictor.multispace import LABELS

    names = [s.strip() for s in spaces.split(",") if s.strip()]
    unknown = [s for s in names if s not in LABELS]
    if not names or unknown or len(set(names)) != len(names):
        raise TgnasError(
            f"--spaces takes distinct labelled spaces from {', '.join(LABELS)}, comma-separated; "
            f"got {spaces!r}"
        )
    check_checkpoint_path(out)
    from tgnas.predictor.config import UNIVERSAL, UNIVERSAL_VIEWS
    from tgnas.predictor.multispace import default_rows, train_on_spaces

    caps = {s: nb201_labels if s == "nb201" else None for s in names}
    if limit is not None:
        caps = {s: min(c, limit) if c is not None else limit for s, c in caps.items()}
    rows = {s: default_rows(s, caps[s], seed) for s in names}
    config = replace(UNIVERSAL, seed=seed, accelerator=accelerator, progress=not as_json)
    if epochs is not None:
        config = replace(config, epochs=epochs)
    result = train_on_spaces(rows, config, UNIVERSAL_VIEWS)
    ckpt, card = result.predictor.save(out)
    if as_json:
        _print_json(
            {"checkpoint": str(ckpt), "card": str(card), "seconds": result.seconds, "device": result.device}
        )
        return
    counts = ", ".join(f"{s} {len(r)}" for s, r in rows.items())
    console.print(f"trained on {counts} labels in {result.seconds:.1f} s ({result.device})")
    console.print(f"wrote {ckpt} and {card}")


def _print_evaluations(evaluations: dict) -> None:
    table = Table("dataset", "n", "Kendall tau", "Spearman", "P@1%", "P@10%", "best-ranked", "oracle", "s")
    for ds, ev in evaluations.items():
        prec = list(ev["precision"].values())
        table.add_row(
            ds,
            str(ev["n"]),
            f"{ev['kendall_tau']:.4f}",
            f"{ev['spearman_rho']:.4f}",
            f"{prec[0]:.3f}",
            f"{prec[-1]:.3f}",
            f"{ev['best_ranked']:.2f}",
            f"{ev['oracle']:.2f}",
            f"{ev['seconds']:.2f}",
        )
    console.print(table)


@app.command()
def evaluate(
    scorer: str = typer.Option("predictor", help="predictor, or proxies:NAMES (e.g. proxies:az)."),
    space: str = typer.Option("nb201", help="Benchmark space."),
    dataset: list[str] = typer.Option(["cifar10"], help="Dataset(s) whose test accuracy judges."),
    checkpoint: str = typer.Option(None, help="Predictor checkpoint (default: the shipped one)."),
    sample: int = typer.Option(
        None, min=2, help="Seeded sample of architectures to judge (proxies: 200 by default; predictor: all)."
    ),
    seed: int = typer.Option(0, min=0, help="Seed of the sample (proxies: also of input and init)."),
    proxy_input: str = typer.Option(
        "auto", "--input", help="proxies: auto (real images for data-dependent ones), gaussian or cifar10."
    ),
    proxy_file: str = typer.Option(None, help="proxies: JSONL cache of proxy values (resumable)."),
    prior_weight: float = typer.Option(
        None, min=0.0, max=1.0, help="predictor: unseen-operator prior weight (default: the card's; 0: off)."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Kendall tau, Spearman and top-k precision of a scorer against benchmark test accuracy."""
    import numpy as np

    from tgnas.benchmarks import get_benchmark
    from tgnas.benchmarks.nb201 import canonical_dataset

    bench = get_benchmark(space)
    dataset = [canonical_dataset(d) for d in dataset]  # a bad name fails before anything is loaded or scored
    if scorer == "predictor":
        from tgnas.predictor.predictor import load_checkpoint
        from tgnas.protocols.judge import evaluate_judged, score_unseen

        pool = (
            None
            if sample is None
            else np.sort(
                np.random.default_rng(seed).choice(len(bench), min(sample, len(bench)), replace=False)
            )
        )
        judged = score_unseen(load_checkpoint(checkpoint), bench, pool, prior_weight=prior_weight)
        evaluations = {ds: evaluate_judged(judged, bench, ds).to_dict() for ds in dataset}
        title = f"predictor {checkpoint or 'default'}: judged outside its training split"
    elif scorer.startswith("proxies:"):
        sample = sample or 200
        evaluations = _evaluate_proxies(
            bench,
            scorer.removeprefix("proxies:"),
            dataset,
            sample,
            seed,
            proxy_input,
            proxy_file,
            progress=not as_json,
        )
        title = f"{scorer} (log-rank aggregate) on {sample} seeded architectures, {proxy_input} input"
    else:
        raise TgnasError(f"unknown scorer {scorer!r}; choose one of: predictor, proxies:NAMES")
    if as_json:
        _print_json(evaluations)
        return
    console.print(title)
    _print_evaluations(evaluations)


def _evaluate_proxies(bench, names, datasets, sample, seed, proxy_input, proxy_file, progress) -> dict:
    import numpy as np

    from tgnas.aggregate import aggregate, finite_scores
    from tgnas.benchmarks.nb201 import canonical_dataset
    from tgnas.evaluation import evaluate_ranking
    from tgnas.proxies.sweep import SweepConfig, sweep, values_matrix

    config = SweepConfig(
        space=bench.space, proxies=tuple(n for n in names.split(",") if n), input=proxy_input, seed=seed
    )
    idx = np.sort(np.random.default_rng(seed).choice(len(bench), size=min(sample, len(bench)), replace=False))
    strings = bench.arch_strings()
    start = time.perf_counter()
    rows = sweep([strings[i] for i in idx], config, proxy_file, progress=progress)
    seconds = time.perf_counter() - start
    values = values_matrix(rows, config.proxies)
    scores = aggregate(values) if len(values) > 1 else next(iter(values.values()))
    scores = finite_scores(scores)
    failures = sum(bool(r["failures"]) for r in rows.values())
    out = {}
    for ds in datasets:
        ds = canonical_dataset(ds)
        report = evaluate_ranking(scores, bench.column(ds, "test")[idx])
        out[ds] = {
            "dataset": ds,
            "metric": "test",
            "excluded": 0,
            "seconds": seconds,
            "failures": failures,
            **report.to_dict(),
        }
    return out


@app.command()
def proxies(
    space: str = typer.Option("nb201", help="Search space."),
    sample: int = typer.Option(100, min=1, help="Seeded sample of architectures."),
    seed: int = typer.Option(0, min=0, help="Seed of the sample, the input batch and the initialisation."),
    names: str = typer.Option("az", "--proxies", help="Comma-separated proxy or family names."),
    proxy_input: str = typer.Option(
        "auto", "--input", help="auto (shipped real images for data-dependent proxies), gaussian or cifar10."
    ),
    batch_size: int = typer.Option(64, min=2, help="Images per proxy pass."),
    out: str = typer.Option(..., help="JSONL output; appended as results come, resumed on re-run."),
    as_json: bool = JSON_OPT,
) -> None:
    """Compute zero-cost proxies for a seeded sample of a benchmark space (resumable)."""
    import numpy as np

    from tgnas.benchmarks import get_benchmark
    from tgnas.proxies.sweep import SweepConfig, sweep

    bench = get_benchmark(space)
    config = SweepConfig(
        space=space,
        proxies=tuple(n for n in names.split(",") if n),
        input=proxy_input,
        batch_size=batch_size,
        seed=seed,
    )
    idx = np.sort(np.random.default_rng(seed).choice(len(bench), size=min(sample, len(bench)), replace=False))
    strings = bench.arch_strings()
    rows = sweep([strings[i] for i in idx], config, out, progress=not as_json)
    failures = {name: sum(name in r["failures"] for r in rows.values()) for name in config.proxies}
    summary = {
        "out": out,
        "architectures": len(rows),
        "proxies": list(config.proxies),
        "failures": failures,
        "mean_seconds": float(np.mean([r["seconds"] for r in rows.values()])),
    }
    if as_json:
        _print_json(summary)
        return
    console.print(
        f"{len(rows)} architectures -> {out}; failures (mapped to the worst rank): {failures}; "
        f"{summary['mean_seconds'] * 1000:.0f} ms/arch"
    )


@app.command()
def search(
    space: str = typer.Option("nb201", help="Search space (tgnas spaces lists them)."),
    scorer: str = typer.Option("predictor", help="predictor | proxies[:NAMES] | ensemble[:NAMES]."),
    searcher: str = typer.Option(
        "hybrid",
        help="random | evolution | prune | hybrid | cascade (ensemble: predictor search, then re-rank).",
    ),
    budget: int = typer.Option(1000, help="Distinct architectures scored."),
    seed: int = typer.Option(0, min=0, help="Seed of the search."),
    checkpoint: str = typer.Option(None, help="Predictor checkpoint (default: the shipped one)."),
    weight: float = typer.Option(None, help="ensemble: predictor weight (default: 2 x number of proxies)."),
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

    config = SearchConfig(space, scorer, searcher, budget, seed, checkpoint, weight)
    with (
        console.status(f"{searcher} search of {space} with {scorer}", spinner="dots")
        if not as_json
        else _null()
    ):
        result = run_search(config, dataset or None)
    if as_json:
        _print_json(result.to_dict())
        return
    console.print(f"[bold]{result.arch}[/bold]  ({result.space})")
    console.print(
        f"{result.searcher} search, scorer {result.scorer}: score {result.score:.4f}, "
        f"{result.scored} architectures scored in {result.seconds:.2f} s (seed {result.seed})"
    )
    if result.truth:
        table = Table("dataset", "test acc", "valid acc")
        for ds, t in result.truth.items():
            table.add_row(ds, f"{t['test']:.2f}", f"{t['valid']:.2f}")
        console.print(table)
    for key, value in result.notes.items():
        if key == "withheld":
            for ds, why in value.items():
                console.print(f"withheld {ds}: {why}")
        else:
            console.print(f"{key}: {value}")


@app.command()
def score(
    archs: list[str] = typer.Argument(None, help="Architecture strings (any registered space)."),
    graphs: str = typer.Option(None, help="JSON Lines file of operator graphs (see the README's format)."),
    file: str = typer.Option(
        None,
        "--file",
        help="One architecture per line (any space's string or JSON form, or a graph); - = stdin.",
    ),
    module: str = typer.Option(
        None,
        help="package.module:factory or file.py:factory: an nn.Module or a no-argument factory of one.",
    ),
    input_shape: str = typer.Option(None, help="--module: input shape with batch, e.g. 1,3,32,32."),
    checkpoint: str = typer.Option(None, help="Predictor checkpoint (default: the shipped one)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Score architectures with the predictor: one score per line, in input order (higher = better).

    Without --checkpoint, NAS-Bench-201 cells are scored by the NAS-Bench-201 specialist (a predicted
    CIFAR-10 accuracy), other architectures and graphs by the universal predictor (a standardised score);
    a --module by the traced-graph predictor.
    """
    from tgnas.api import Predictor
    from tgnas.graphfile import load_candidates, load_graphs, read_candidates

    items: list = read_candidates(archs, "argument") if archs else []
    if graphs:
        items += load_graphs(graphs)
    if file:
        items += load_candidates(file)
    shape = None
    if module:
        items.append(_load_module(module))
        if not input_shape:
            raise TgnasError("--module needs --input-shape, e.g. --input-shape 1,3,32,32")
        try:
            shape = tuple(int(s) for s in input_shape.split(","))
        except ValueError:
            raise TgnasError(f"--input-shape must be comma-separated integers, got {input_shape!r}") from None
    if not items:
        raise TgnasError(
            "nothing to score: pass architecture strings, --file FILE, --graphs FILE.jsonl or --module"
        )
    report = Predictor.load(checkpoint).report(items, shape)
    if as_json:
        _print_json([float(v) for v in report.scores])
    else:
        for v in report.scores:
            print(f"{v:.4f}")
    for u in report.unseen:
        err_console.print(
            f"note: {u.op} ({u.nodes} node(s)) was never seen in training: {u.text!r}; its score "
            f"extrapolates from the nearest known text (cosine {u.cosine:.2f}): {u.nearest!r}",
            highlight=False,
            soft_wrap=True,
        )
    for w in sorted({u.prior_weight for u in report.unseen if u.prior_weight}):
        err_console.print(
            f"note: a graph with an operator never seen in training (and parameter counts) scores {w:g} x a "
            f"log-parameter prior fitted on the training labels + {1 - w:g} x the GCN "
            "(tgnas.predictor.prior)",
            highlight=False,
            soft_wrap=True,
        )


def _load_module(spec: str):
    """Imports ``package.module:factory`` or ``path/to/file.py:factory`` and calls the factory with no
    arguments (or takes the ``nn.Module`` object itself)."""
    import importlib
    import importlib.util
    import os

    from torch import nn

    path, sep, attr = spec.rpartition(":")
    if not sep or not path or not attr:
        raise TgnasError(f"--module must look like package.module:factory or file.py:factory, got {spec!r}")
    # a package in the current folder is found as `python -m` would, but only while the user's module is
    # imported, and after everything installed (it cannot shadow tgnas's own dependencies)
    added = os.getcwd() not in sys.path
    if added:
        sys.path.append(os.getcwd())
    try:
        if path.endswith(".py"):
            if not os.path.isfile(path):
                raise ImportError(f"no file {path}")
            file_spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
            source = importlib.util.module_from_spec(file_spec)
            file_spec.loader.exec_module(source)
        else:
            source = importlib.import_module(path)
        obj = getattr(source, attr)
    except (ImportError, AttributeError) as exc:
        raise TgnasError(f"cannot load {spec}: {type(exc).__name__}: {exc}") from None
    finally:
        if added and os.getcwd() in sys.path:
            sys.path.remove(os.getcwd())
    if callable(obj) and not isinstance(obj, nn.Module):
        try:
            obj = obj()
        except Exception as exc:  # the user's code: any failure is theirs, reported without our traceback
            hint = " (the factory must take no arguments)" if isinstance(exc, TypeError) else ""
            raise TgnasError(f"calling {spec}() failed: {type(exc).__name__}: {exc}{hint}") from None
    model = obj
    if not isinstance(model, nn.Module):
        raise TgnasError(f"{spec} gave a {type(model).__name__}, not a torch.nn.Module")
    return model


def _null():
    import contextlib

    return contextlib.nullcontext()


def main() -> None:
    """Entry point: runs the app; a tgnas input error becomes one line ``error: ...`` on stderr (under
    ``--json``: ``{"error": ..., "type": ...}`` on stdout) with exit code 2; anything else is a bug in
    tgnas, reported as ``internal error`` with exit code 1 and where to report it."""
    as_json = "--json" in sys.argv[1:]
    try:
        app()
    except TgnasError as exc:
        _fail(str(exc), type(exc).__name__, as_json, 2)
    except KeyboardInterrupt:
        _fail("interrupted", "KeyboardInterrupt", as_json, 130)
    except Exception as exc:  # noqa: BLE001 - the last resort: no traceback reaches the user
        message = f"internal error: {type(exc).__name__}: {str(exc)[:300]}"
        _fail(
            f"{message}\nthis is a bug in tgnas: please report it to the tgnas issue tracker with what "
            "you ran, this message and `tgnas --version`",
            "InternalError",
            as_json,
            1,
        )


def _fail(message: str, kind: str, as_json: bool, code: int) -> None:
    if as_json:
        print(json.dumps({"error": message, "type": kind}))
    else:
        print(f"error: {message}" if code != 1 else message, file=sys.stderr)
    sys.exit(code)
