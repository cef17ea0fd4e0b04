"""``tgnas train``: a NAS-Bench-201 specialist under a protocol, or a universal predictor."""

from __future__ import annotations

import sys

import typer

from tgnas.cli.app import JSON_OPT, _print_evaluations, _print_json, app
from tgnas.errors import TgnasError
from tgnas.predictor import config as _TRAIN  # defaults of the training options (plain dataclasses)


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
    labelled: str = typer.Option(
        None,
        "--labelled",
        help="Train on your own labelled architectures, one JSON object per line "
        '({"arch": ..., "accuracy": ..., "group": ...}; - reads standard input; see tgnas.predictor.own): '
        "beside --spaces, from a --finetune checkpoint, or alone from random weights (neither).",
    ),
    recipe: str = typer.Option(
        "ensemble",
        help="--spaces or --labelled alone: mixed | balanced | ensemble (both GCNs, as "
        "checkpoints/universal.pt).",
    ),
    finetune: str = typer.Option(
        None,
        "--finetune",
        help="Fine-tune this multi-space checkpoint (e.g. universal) on the --labelled file instead of "
        "training from scratch (a few minutes, and a better ranking of the file's space).",
    ),
    replay: int = typer.Option(
        _TRAIN.FineTuneConfig.replay,
        min=0,
        help="--finetune: benchmark rows of the checkpoint replayed per space, to keep them ranked "
        "(a few hundred keep them close to the checkpoint, at a small cost on the file's space).",
    ),
    epochs: int = typer.Option(
        None,
        min=1,
        help="Training epochs [default: the schedule for the number of labels (tgnas.predictor.config."
        "schedule_for: 300 below 500 labels, 200 up to 2,000, 60 above); with --spaces the universal "
        f"recipe's {_TRAIN.UNIVERSAL.epochs}; with --finetune or --labelled alone "
        f"{_TRAIN.FINETUNE_EPOCHS}, up to {_TRAIN.FINETUNE_MAX_EPOCHS} for fewer than "
        f"{_TRAIN.FINETUNE_LABELS} architectures].",
    ),
    lr: float = typer.Option(
        None,
        min=1e-8,
        help=f"AdamW learning rate [default: {_TRAIN.TrainConfig.lr:g}; with --finetune or --labelled alone "
        f"{_TRAIN.FineTuneConfig.lr:g}].",
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
    accelerator: str = typer.Option(
        _TRAIN.TrainConfig.accelerator, help="Lightning accelerator: auto, cpu, gpu."
    ),
    devices: int = typer.Option(
        _TRAIN.TrainConfig.devices, min=1, help="Lightning devices (GPUs); several need --strategy ddp."
    ),
    strategy: str = typer.Option(
        _TRAIN.TrainConfig.strategy, help="Lightning strategy: auto, or ddp (one process per device)."
    ),
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

    lightning = {"accelerator": accelerator, "devices": devices, "strategy": strategy}
    given = {k: v for k, v in {"epochs": epochs, "lr": lr}.items() if v is not None}  # the rest: defaults
    if replay and finetune is None:
        raise TgnasError("--replay replays a checkpoint's rows while fine-tuning it: give --finetune too")
    if finetune is not None:
        if spaces is not None or labelled is None:
            raise TgnasError(
                "--finetune trains a checkpoint on your --labelled file (its spaces come from its card): "
                "give --labelled, not --spaces"
            )
        _finetune(finetune, labelled, given, replay, seed, out, lightning, as_json)
        return
    if spaces is not None:
        _train_spaces(spaces, nb201_labels, limit, given, seed, out, lightning, recipe, labelled, as_json)
        return
    if labelled is not None:
        _train_alone(labelled, recipe, given, seed, out, lightning, as_json)
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
        lr=lr if lr is not None else schedule.lr,
        batch_size=batch_size if batch_size is not None else schedule.batch_size,
        val_fraction=val_fraction if val_fraction is not None else schedule.val_fraction,
        rank_weight=rank_weight,
        text_noise=text_noise,
        unseen_prior_weight=unseen_prior_weight,
        ensemble=ensemble,
        accelerator=accelerator,
        devices=devices,
        strategy=strategy,
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
    print(f"trained {split.name} on {len(split.train)} labels in {result.seconds:.1f} s ({result.device})")
    print(f"wrote {ckpt} and {card}")
    _print_evaluations(evaluation)


def _load_labelled(labelled: str):
    """The --labelled file, every line checked, with a note when records carry no node costs."""
    from tgnas.predictor.own import load_own_labels

    own = load_own_labels(labelled)
    bare = own.without_costs()
    if bare:
        print(
            f"note: {bare} of {len(own.records)} labelled architectures carry no node costs; ranking is "
            "better when each node states its params and flops",
            file=sys.stderr,
        )
    return own


def _note_read(read: int, who: str) -> None:
    if read:
        print(f"note: {read} labelled graphs trained as {who} (known operators)", file=sys.stderr)


def _report(result, out: str, counts: str, as_json: bool) -> None:
    """Writes the trained checkpoint to ``out`` and says what it trained on."""
    ckpt, card = result.predictor.save(out)
    if as_json:
        _print_json(
            {"checkpoint": str(ckpt), "card": str(card), "seconds": result.seconds, "device": result.device}
        )
        return
    print(f"trained on {counts} labels in {result.seconds:.1f} s ({result.device})")
    print(f"wrote {ckpt} and {card}")


def _train_alone(
    labelled: str, recipe: str, given: dict, seed: int, out: str, lightning: dict, as_json: bool
) -> None:
    """``tgnas train --labelled F`` (no --spaces, no --finetune): the recipe on F alone, from random
    weights."""
    from tgnas.paths import check_checkpoint_path
    from tgnas.predictor.multispace import train_alone

    check_checkpoint_path(out)
    config = _TRAIN.FineTuneConfig(**given, seed=seed)
    own = _load_labelled(labelled)
    result = train_alone(own, config, recipe, progress=not as_json, **lightning)
    print(
        f"note: {out} knows your file's space only; with few labels, fine-tuning a checkpoint "
        "(--finetune universal) ranked some spaces better (docs/universal.md)",
        file=sys.stderr,
    )
    _report(result, out, f"{own.source} {len(own.records)}", as_json)


def _finetune(
    base: str,
    labelled: str,
    given: dict,
    replay: int,
    seed: int,
    out: str,
    lightning: dict,
    as_json: bool,
) -> None:
    """``tgnas train --finetune C --labelled F``: C's weights trained on F and a replay of C's rows."""
    from tgnas.paths import check_checkpoint_path
    from tgnas.predictor.finetune import finetune as run
    from tgnas.predictor.finetune import trained_rows
    from tgnas.predictor.predictor import load_checkpoint

    check_checkpoint_path(out)
    start = load_checkpoint(base)
    trained_rows(start.card, base)  # a checkpoint that cannot be fine-tuned fails before the file is read
    config = _TRAIN.FineTuneConfig(**given, replay=replay, seed=seed)
    own = _load_labelled(labelled)
    result = run(start, own, config, base, progress=not as_json, **lightning)
    _note_read(result.predictor.card["fine_tune"]["graphs_read"], f"{base} reads them")
    if not replay:
        print(
            f"note: {out} is for your file's space; it ranks {base}'s spaces far worse than {base} "
            "(--replay 300 keeps them ranked)",
            file=sys.stderr,
        )
    counts = ", ".join(f"{s} {len(r)}" for s, r in result.predictor.card["replay"]["rows"].items())
    _report(result, out, ", ".join(filter(None, [counts, f"{own.source} {len(own.records)}"])), as_json)


def _train_spaces(
    spaces: str,
    nb201_labels: int,
    limit: int | None,
    given: dict,
    seed: int,
    out: str,
    lightning: dict,
    recipe: str,
    labelled: str | None,
    as_json: bool,
) -> None:
    """``tgnas train --spaces``: the universal recipe on the labelled rows of the named spaces."""
    from tgnas.paths import check_checkpoint_path
    from tgnas.predictor.multispace import train_universal

    names = [s.strip() for s in spaces.split(",") if s.strip()]
    check_checkpoint_path(out)
    own = _load_labelled(labelled) if labelled is not None else None  # every line checked before training
    options = {"progress": not as_json, **lightning, **given}
    result = train_universal(names, own, recipe, seed, nb201_labels, limit, **options)
    counts = ", ".join(f"{s} {len(r)}" for s, r in result.predictor.card["split"]["rows"].items())
    if own is not None:
        counts += f", {own.source} {len(own.records)}"
        _note_read(result.predictor.card["own_labels"]["graphs_read"], "the new predictor reads them")
    _report(result, out, counts, as_json)
