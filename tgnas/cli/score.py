"""``tgnas score``: architectures, graph files, candidate files and modules."""

from __future__ import annotations

import json
import sys

import typer

from tgnas.cli.app import JSON_OPT, _print_json, app
from tgnas.errors import TgnasError


@app.command()
def score(
    archs: list[str] = typer.Argument(None, help="Architecture strings (any registered space)."),
    graphs: str = typer.Option(None, help="JSON Lines file of operator graphs (see the README's format)."),
    file: str = typer.Option(
        None,
        "--file",
        help="One architecture per line (any space's string or JSON form, a graph, or a labelled record of "
        "train --labelled), or a JSON array of them (a benchmark's labelled file); - = stdin.",
    ),
    module: str = typer.Option(
        None,
        help="package.module:factory or file.py:factory: an nn.Module or a no-argument factory of one.",
    ),
    input_shape: str = typer.Option(None, help="--module: input shape with batch, e.g. 1,3,32,32."),
    checkpoint: str = typer.Option(None, help="Predictor checkpoint (default: the shipped one)."),
    traced_checkpoint: str = typer.Option(
        None,
        "--traced-checkpoint",
        help="--module: the checkpoint of modules not read back into a space (default: nb201_traced_1000; "
        "e.g. one trained on your labelled modules, tgnas.predictor.own.labels_from_modules).",
    ),
    proxies: str = typer.Option(
        None,
        "--proxies",
        help="Score with zero-cost proxies instead (comma-separated names or families, e.g. az,tcet).",
    ),
    batch_size: int = typer.Option(64, min=2, help="--proxies: images per proxy pass."),
    as_json: bool = JSON_OPT,
) -> None:
    """Score architectures with the predictor: one score per line, in input order (higher = better).

    Without --checkpoint, NAS-Bench-201 cells are scored by the NAS-Bench-201 specialist (a predicted
    CIFAR-10 accuracy), other architectures and graphs by the universal predictor (a standardised score);
    a --module by the traced-graph predictor, or --traced-checkpoint (a network of NAS-Bench-201,
    NAS-Bench-101, DARTS or Accel-NASBench: as its architecture; a note says so, as for every graph read back
    into a space's architecture). With --proxies, each network's zero-cost proxies are computed
    (architectures of spaces with a network, and modules; not graphs): the score is the proxy itself, or
    for several proxies their log-rank aggregate over the scored items; the values follow on each line.
    """
    from tgnas.api import Predictor
    from tgnas.graphfile import load_candidates, load_graphs, read_candidates
    from tgnas.usercode import load_module

    items: list = read_candidates(archs, "argument") if archs else []
    sources = [f"argument {k}" for k in range(1, len(items) + 1)]
    if graphs:
        loaded = load_graphs(graphs)
        items += loaded
        sources += [f"{graphs} graph {k}" for k in range(1, len(loaded) + 1)]
    if file:
        loaded = load_candidates(file)
        items += loaded
        sources += [f"{'stdin' if file == '-' else file} item {k}" for k in range(1, len(loaded) + 1)]
    shape = None
    if module:
        if not input_shape:
            raise TgnasError("--module needs --input-shape, e.g. --input-shape 1,3,32,32")
        try:
            shape = tuple(int(s) for s in input_shape.split(","))
        except ValueError:
            raise TgnasError(f"--input-shape must be comma-separated integers, got {input_shape!r}") from None
        items.append(load_module(module))
        sources.append(module)
    if not items:
        raise TgnasError(
            "nothing to score: pass architecture strings, --file FILE, --graphs FILE.jsonl or --module"
        )
    if traced_checkpoint is not None and not module:
        raise TgnasError("--traced-checkpoint scores modules: give --module too")
    if proxies is not None:
        if checkpoint or traced_checkpoint:
            raise TgnasError("--checkpoint and --traced-checkpoint are predictors': drop them with --proxies")
        _score_proxies(items, sources, proxies, shape, batch_size, as_json, bool(file or graphs))
        return
    predictor = Predictor.load(checkpoint, traced_checkpoint=traced_checkpoint)
    if traced_checkpoint is not None:
        _ = predictor.traced  # a bad name fails here, even where every module reads back into a space
    report = predictor.report(items, shape)
    about = {u.op: _unseen_note(u) for u in report.unseen}
    rows = [
        {
            "id": k,
            "input": src,
            "score": float(v),
            "notes": [about[op] for op in ops if op in about] + ([_read_note(read)] if read else []),
        }
        for k, (src, v, ops, read) in enumerate(
            zip(sources, report.scores, report.operators_unseen, report.read_as, strict=True)
        )
    ]
    if as_json:
        _print_rows(rows, stream=bool(file or graphs))
        return
    for v in report.scores:
        print(f"{v:.4f}")
    read = [(src, r) for src, r in zip(sources, report.read_as, strict=True) if r]
    for src, r in read[:3]:
        print(f"note: {src}: {_read_note(r)}", file=sys.stderr)
    if len(read) > 3:
        print(f"note: and {len(read) - 3} more graph(s) read back into their architectures", file=sys.stderr)
    for u in report.unseen:
        print(f"note: {_unseen_note(u)} ({u.nodes} node(s))", file=sys.stderr)
    for w in sorted({u.prior_weight for u in report.unseen if u.prior_weight}):
        print(
            f"note: a graph with an operator never seen in training (and parameter counts) scores {w:g} x a "
            f"log-parameter prior fitted on the training labels + {1 - w:g} x the GCN "
            "(tgnas.predictor.prior)",
            file=sys.stderr,
        )


def _print_rows(rows: list[dict], stream: bool) -> None:
    """``--json`` rows: JSON Lines for a stream of inputs (a file), else one ``{"scores": [...]}`` object."""
    if stream:
        for row in rows:
            print(json.dumps(row))
    else:
        _print_json({"scores": rows})


def _score_proxies(items, sources, names, shape, batch_size, as_json, stream) -> None:
    """``tgnas score --proxies``: every item's proxies; the score is the proxy or the log-rank aggregate."""
    import tgnas.proxies
    from tgnas.aggregate import aggregate
    from tgnas.opgraph import OpGraph

    wanted = tgnas.proxies.runner.resolve([n for n in names.split(",") if n])
    results = []
    for item, src in zip(items, sources, strict=True):
        if isinstance(item, OpGraph):
            raise TgnasError(f"{src}: a graph has no network to compute proxies on; pass an architecture")
        results.append(tgnas.proxies.score(item, wanted, shape, batch_size=batch_size))
    values = {n: [r.values[n] for r in results] for n in wanted}
    scores = values[wanted[0]] if len(wanted) == 1 else list(aggregate(values))
    rows = [
        {
            "id": k,
            "input": src,
            "score": float(v),
            "values": r.values,
            "failures": r.failures,
            "notes": [f"{n} failed ({why}); ranked worst" for n, why in r.failures.items()],
        }
        for k, (src, v, r) in enumerate(zip(sources, scores, results, strict=True))
    ]
    if as_json:
        _print_rows(rows, stream)
        return
    for row in rows:
        print(f"{row['score']:.6g}\t" + "\t".join(f"{n}={v:.6g}" for n, v in row["values"].items()))
    for row in rows:
        for note in row["notes"]:
            print(f"note: {row['input']}: {note}", file=sys.stderr)


def _read_note(read: str) -> str:
    space, arch = read.split(" ", 1)
    return f"read as the {space} architecture {arch} and scored as the space gives it"


def _unseen_note(u) -> str:
    """One line about an operator the predictor never trained on."""
    if u.contracted:
        return (
            f"{u.op} was never seen in training: {u.text!r}; it is read as a sum of its inputs, which then "
            "feed its successors directly (the training cells sum an operation's inputs)"
        )
    if u.read_as is not None:
        return (
            f"{u.op} was never seen in training: {u.text!r}; it is read as {u.family} and scored as "
            f"{u.read_as!r}"
        )
    if u.candidates:
        return (
            f"{u.op} was never seen in training: {u.text!r}; no operator fits it clearly, so it is read as "
            f"each of {', '.join(u.candidates)} in turn and the scores are averaged"
        )
    return (
        f"{u.op} was never seen in training: {u.text!r}; its score extrapolates from the nearest known "
        f"text (cosine {u.cosine:.2f}): {u.nearest!r}"
    )
