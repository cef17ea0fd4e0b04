"""``tgnas evaluate`` and ``tgnas proxies``."""

from __future__ import annotations

import time

import typer

from tgnas.cli.app import JSON_OPT, _print_evaluations, _print_json, app
from tgnas.errors import TgnasError


@app.command()
def evaluate(
    scorer: str = typer.Option(
        "predictor", help="predictor | proxies[:NAMES] | ensemble[:NAMES] (as tgnas search takes them)."
    ),
    space: str = typer.Option("nb201", help="Benchmark space."),
    dataset: list[str] = typer.Option(
        None, help="Dataset(s) whose accuracy judges (default: the benchmark's first: cifar10, imagenet)."
    ),
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
    labelled: str = typer.Option(
        None,
        "--labelled",
        help="predictor: judge on your own labelled architectures instead, per group (the format of tgnas "
        "train --labelled; - reads standard input).",
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Kendall tau, Spearman and top-k precision of a scorer against benchmark accuracy (test accuracy where
    the benchmark has it, NAS-Bench-201; else validation accuracy, the only label of NAS-Bench-101 and
    Accel-NASBench)."""
    import numpy as np

    if labelled is not None:
        _evaluate_labelled(labelled, scorer, checkpoint, as_json)
        return
    from tgnas.benchmarks import get_benchmark

    bench = get_benchmark(space)
    # a bad name fails before anything is loaded or scored
    dataset = [bench.canonical_dataset(d) for d in (dataset or bench.datasets[:1])]
    if scorer in ("proxies", "ensemble"):
        scorer += ":az"  # search's default members
    # the predictor goes through the judge (it withholds the checkpoint's training split), the proxies
    # through the resumable sweep (--proxy-file); the ensemble is make_scorer's, as in search
    if scorer == "predictor":
        from tgnas.predictor.predictor import default_checkpoint, load_checkpoint
        from tgnas.protocols.judge import evaluate_judged, score_unseen

        checkpoint = checkpoint or default_checkpoint(space)
        pool = (
            None
            if sample is None
            else np.sort(
                np.random.default_rng(seed).choice(len(bench), min(sample, len(bench)), replace=False)
            )
        )
        judged = score_unseen(load_checkpoint(checkpoint), bench, pool, prior_weight=prior_weight)
        evaluations = {ds: evaluate_judged(judged, bench, ds, _metric(bench, ds)).to_dict() for ds in dataset}
        title = f"predictor {checkpoint}: judged outside its training split"
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
    elif scorer.startswith("ensemble:"):
        sample = sample or 200
        evaluations = _evaluate_scorer(bench, scorer, checkpoint, dataset, sample, seed, proxy_input)
        title = f"{scorer} on {sample} seeded architectures outside the predictor's labels"
    else:
        raise TgnasError(
            f"unknown scorer {scorer!r}; choose one of: predictor, proxies[:NAMES], ensemble[:NAMES]"
        )
    if as_json:
        _print_json(evaluations)
        return
    print(title)
    _print_evaluations(evaluations)


def _evaluate_labelled(path: str, scorer: str, checkpoint: str | None, as_json: bool) -> None:
    """``tgnas evaluate --labelled FILE``: the predictor judged on each group of the file."""
    import sys

    import tgnas
    from tgnas.predictor.own import load_own_labels
    from tgnas.protocols.own import evaluate_own

    if scorer != "predictor":
        raise TgnasError(f"--labelled judges the predictor; got --scorer {scorer!r}")
    own = load_own_labels(path)
    evaluations = evaluate_own(tgnas.load_predictor(checkpoint), own)
    if any(e["in_sample"] for e in evaluations.values()):
        print(f"note: {own.source} trained this checkpoint: these figures are in-sample", file=sys.stderr)
    for name, e in evaluations.items():
        if e["seen"]:
            print(
                f"note: {name}: {e['seen']} of {e['n']} architectures are benchmark rows that trained the "
                "predictors judged (in-sample)",
                file=sys.stderr,
            )
    if as_json:
        _print_json(evaluations)
        return
    print(f"predictor {checkpoint or '(the shipped ones)'} on {own.source}, per group")
    _print_evaluations(evaluations)
    for name, e in evaluations.items():
        if e["params_tau"] is not None:
            print(f"{name}: the parameter count ranks it at {e['params_tau']:.4f}")


def _metric(bench, dataset: str) -> str:
    """The accuracy that judges: test where the benchmark has it, else its default (validation)."""
    return "test" if "test" in bench.metrics(dataset) else bench.default_metric


def _evaluate_scorer(bench, spec, checkpoint, datasets, sample, seed, proxy_input) -> dict:
    """A scorer of :func:`tgnas.score.make_scorer` (the one ``search`` uses) judged on a seeded sample of
    the benchmark, minus every architecture whose label trained its predictor."""
    import numpy as np

    from tgnas.evaluation import evaluate_ranking
    from tgnas.proxies.sweep import SweepConfig
    from tgnas.score import make_scorer
    from tgnas.spaces import get_space

    space = get_space(bench.space)
    names = tuple(n for n in spec.partition(":")[2].split(",") if n)
    config = SweepConfig(space=bench.space, proxies=names, input=proxy_input, seed=seed)
    scorer = make_scorer(spec, space, checkpoint=checkpoint, proxy_config=config)
    card = scorer.predictor.predictor.card
    seen = scorer.predictor.predictor.training_indices() | set(
        card.get("split", {}).get("rows", {}).get(bench.space, [])
    )
    pool = np.setdiff1d(np.arange(len(bench)), np.fromiter(seen, dtype=int, count=len(seen)))
    idx = np.sort(np.random.default_rng(seed).choice(pool, size=min(sample, len(pool)), replace=False))
    start = time.perf_counter()
    scores = scorer.score([space.parse(bench.arch_strings()[i]) for i in idx])
    seconds = time.perf_counter() - start
    return {
        ds: {
            "dataset": ds,
            "metric": _metric(bench, ds),
            "excluded": len(seen),
            "seconds": seconds,
            **evaluate_ranking(scores, bench.column(ds, _metric(bench, ds))[idx]).to_dict(),
        }
        for ds in datasets
    }


def _evaluate_proxies(bench, names, datasets, sample, seed, proxy_input, proxy_file, progress) -> dict:
    import numpy as np

    from tgnas.aggregate import aggregate, finite_scores
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
        report = evaluate_ranking(scores, bench.column(ds, _metric(bench, ds))[idx])
        out[ds] = {
            "dataset": ds,
            "metric": _metric(bench, ds),
            "excluded": 0,
            "seconds": seconds,
            "failures": failures,
            **report.to_dict(),
        }
    return out


@app.command()
def proxies(
    space: str = typer.Option(None, help="Search space (default: nb201; with --file, the file's)."),
    sample: int = typer.Option(None, min=1, help="Seeded sample of architectures (default 100)."),
    file: str = typer.Option(
        None,
        "--file",
        help="Your architectures instead of a sample: one per line (any space's form, all of one space), "
        "or a JSON array; - = stdin.",
    ),
    seed: int = typer.Option(0, min=0, help="Seed of the sample, the input batch and the initialisation."),
    names: str = typer.Option("az", "--proxies", help="Comma-separated proxy or family names."),
    proxy_input: str = typer.Option(
        "auto", "--input", help="auto (shipped real images for data-dependent proxies), gaussian or cifar10."
    ),
    batch_size: int = typer.Option(64, min=2, help="Images per proxy pass."),
    resolution: int = typer.Option(0, min=0, help="Input size in pixels (0: the space's; anb: 64)."),
    out: str = typer.Option(..., help="JSONL output; appended as results come, resumed on re-run."),
    engine: str = typer.Option("serial", help="serial (this process) or ray (Ray tasks, same values)."),
    address: str = typer.Option(None, help="ray: an existing cluster's address (default: a local Ray)."),
    workers: int = typer.Option(None, min=1, help="ray: CPUs of the local Ray (default: all)."),
    threads: int = typer.Option(
        None, min=1, help="Torch threads per architecture (default: this process's); 1 with --engine ray."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Compute zero-cost proxies for a seeded sample of a space (resumable, serial or on Ray): the labelled
    architectures of its benchmark, or architectures sampled from the space (DARTS); or for the
    architectures of a --file."""
    import numpy as np

    from tgnas.benchmarks import BENCHMARKS, get_benchmark
    from tgnas.proxies.engines import ENGINES
    from tgnas.proxies.sweep import SweepConfig, sweep
    from tgnas.spaces import get_space

    ENGINES.get(engine)  # an unknown engine fails before any work
    if engine != "ray" and (address or workers):
        raise TgnasError("--address and --workers apply to --engine ray")
    if file is not None and sample is not None:
        raise TgnasError("--sample draws architectures from a space and --file names them: give one")
    strings, space = _file_architectures(file, space) if file is not None else (None, space or "nb201")
    config = SweepConfig(
        space=space,
        proxies=tuple(n for n in names.split(",") if n),
        input=proxy_input,
        batch_size=batch_size,
        seed=seed,
        resolution=resolution,
    )
    rng, sample = np.random.default_rng(seed), sample or 100
    if strings is None and space in BENCHMARKS:
        bench = get_benchmark(space)
        idx = np.sort(rng.choice(len(bench), size=min(sample, len(bench)), replace=False))
        strings = [bench.arch_strings()[i] for i in idx]
    elif strings is None:
        sp = get_space(space)
        strings = list(dict.fromkeys(sp.format(sp.sample(rng)) for _ in range(sample)))
    options = {"address": address, "workers": workers} if engine == "ray" else {}
    options["threads"] = threads
    rows = sweep(strings, config, out, progress=not as_json, engine=engine, **options)
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
    print(
        f"{len(rows)} architectures -> {out}; failures (mapped to the worst rank): {failures}; "
        f"{summary['mean_seconds'] * 1000:.0f} ms/arch"
    )


def _file_architectures(path: str, space: str | None) -> tuple[list[str], str]:
    """The string forms of a file's architectures and their one space (``space`` if named).

    Raises:
        TgnasError: a bad line (named by ``load_candidates``), a graph (it has no network), or architectures
            of another space than the first's (or than ``space``).
    """
    from tgnas.api import space_of
    from tgnas.graphfile import load_candidates
    from tgnas.spaces import get_space

    if space is not None:
        get_space(space)  # an unknown name fails as such, before the file is read
    source = "standard input" if path == "-" else path
    strings = []
    for k, arch in enumerate(load_candidates(path), start=1):
        name = space_of(arch)
        if name is None:
            raise TgnasError(f"{source} item {k}: a graph has no network to compute proxies on")
        space = space or name
        if name != space:
            raise TgnasError(f"{source} item {k} is of space {name}, not {space}: one space per file")
        strings.append(get_space(name).format(arch))
    return strings, space
