"""Multi-space training data: labelled graphs of several spaces, in several wordings and representations.

Each labelled space contributes its rows under one group, ``space/dataset``: targets are standardised and
ranked within a group only (:func:`tgnas.predictor.train.train_predictor`). Each architecture is written
as ``views`` graphs: view 0 as the space gives it; the others draw, per operator, one of its description
wordings (:func:`tgnas.embed.wordings`), Accel-NASBench layer texts from another template
(:mod:`tgnas.spaces.anb_text`), and NAS-Bench-201 cells unpruned (zero operations kept as nodes) half of
the time. Costs are dropped at random during training (``TrainConfig.cost_dropout``), not here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from tgnas.benchmarks import get_benchmark
from tgnas.embed import wordings
from tgnas.errors import TgnasError
from tgnas.opgraph import OpGraph
from tgnas.predictor.config import RECIPES, UNIVERSAL_VIEWS, FineTuneConfig
from tgnas.predictor.own import OwnLabels, OwnRecord
from tgnas.registry import Registry
from tgnas.spaces import get_space

# (dataset, metric) whose labels train and judge each space: validation accuracy everywhere
LABELS: dict[str, tuple[str, str]] = {
    "nb201": ("cifar10", "valid"),
    "nb101": ("cifar10", "valid"),
    "anb": ("imagenet", "valid"),
}
VIEWS: Registry[Callable[[object, np.random.Generator], OpGraph]] = Registry("graph view")


def _reworded(graph: OpGraph, rng: np.random.Generator, keep: Sequence[str | None] | None = None) -> OpGraph:
    """``graph`` with every node that has no own text given a randomly drawn wording of its operator."""
    own = keep if keep is not None else graph.texts or (None,) * graph.num_nodes
    texts = tuple(t if t else str(rng.choice(wordings(op))) for op, t in zip(graph.ops, own, strict=True))
    return OpGraph(graph.ops, graph.edges, texts, graph.costs)


@VIEWS.register("nb201")
def _nb201_view(arch, rng: np.random.Generator) -> OpGraph:
    from tgnas.spaces.nb201 import to_graph

    return _reworded(to_graph(arch, prune=bool(rng.random() < 0.5)), rng)


@VIEWS.register("nb101")
def _nb101_view(arch, rng: np.random.Generator) -> OpGraph:
    from tgnas.spaces.nb101 import to_graph

    g = to_graph(arch)
    return _reworded(g, rng, keep=(None,) * g.num_nodes)  # the output's concat text is reworded too


@VIEWS.register("anb")
def _anb_view(arch, rng: np.random.Generator) -> OpGraph:
    from tgnas.spaces.anb import to_graph
    from tgnas.spaces.anb_text import TEMPLATES

    return _reworded(to_graph(arch, template=int(rng.integers(TEMPLATES))), rng)


@dataclass(frozen=True)
class LabelledSet:
    """Training graphs of several spaces.

    Attributes:
        graphs, targets, groups: one entry per view.
        rows: per space, the benchmark rows used (the card records them).
    """

    graphs: list[OpGraph]
    targets: np.ndarray
    groups: list[str]
    rows: dict[str, list[int]]


def group_of(space: str) -> str:
    dataset, metric = LABELS[space]
    return f"{space}/{dataset}/{metric}"


def labelled_set(
    rows: Mapping[str, Sequence[int]], views: int = 2, seed: int = 0, own: OwnLabels | None = None
) -> LabelledSet:
    """The views of the given benchmark rows of each space (``{space: rows}``), seeded, then of ``own``
    labelled architectures (each under its own group).

    Rows of isomorphic cells (NAS-Bench-101's file holds several seeds of some) count once, with their
    mean label.
    """
    if views < 1:
        raise TgnasError(f"views must be >= 1, got {views}")
    rng = np.random.default_rng(seed)
    graphs, targets, groups, used = [], [], [], {}
    for space_name, idx in rows.items():
        if space_name not in LABELS:
            raise TgnasError(
                f"no labels to train on for space {space_name!r}; choose from {', '.join(LABELS)}"
            )
        bench, space = get_benchmark(space_name), get_space(space_name)
        dataset, metric = LABELS[space_name]
        column, strings = bench.column(dataset, metric), bench.arch_strings()
        merged: dict[str, tuple[object, list[float]]] = {}
        for i in idx:
            arch = space.parse(strings[i])
            key = space.canonical(arch) if space_name == "nb101" else strings[i]
            merged.setdefault(key, (arch, []))[1].append(float(column[i]))
        used[space_name] = sorted(int(i) for i in idx)
        for arch, ys in merged.values():
            y = float(np.mean(ys))
            if not np.isfinite(y):
                continue
            for v in range(views):
                graphs.append(space.to_graph(arch) if v == 0 else VIEWS.get(space_name)(arch, rng))
                targets.append(y)
                groups.append(group_of(space_name))
    for record in own.records if own is not None else ():
        for v in range(views):
            graphs.append(record.graph if v == 0 else own_view(record, rng))
            targets.append(record.accuracy)
            groups.append(record.group)
    if not graphs:
        raise TgnasError("nothing to train on: no labelled rows and no own labels")
    return LabelledSet(graphs, np.asarray(targets), groups, used)


def own_view(record: OwnRecord, rng: np.random.Generator) -> OpGraph:
    """Another view of a user's labelled architecture: its space's (reworded, unpruned, another template)
    where the space has one, else its graph with every node that has no own text reworded."""
    if record.space is not None and record.space in VIEWS:
        return VIEWS.get(record.space)(record.arch, rng)
    return _reworded(record.graph, rng)


def train_on_spaces(
    rows: Mapping[str, Sequence[int]],
    config,
    views: int = 2,
    own: OwnLabels | None = None,
    init: Sequence | None = None,
):
    """Trains one predictor on the labelled rows of several spaces and ``own`` labelled architectures; the
    card records the exact rows and the own file's name, digest and groups.

    ``config`` is a :class:`~tgnas.predictor.config.TrainConfig`, or several (a recipe of
    :data:`~tgnas.predictor.config.RECIPES`): then one GCN is trained per config on the same graphs and the
    predictor averages them (an ensemble; the card lists each member's hyper-parameters). ``init`` gives,
    in order, the trained GCNs the members start from (``config.ensemble`` per config; fine-tuning).
    """
    from tgnas.predictor.predictor import TrainedPredictor
    from tgnas.predictor.train import TrainResult, train_predictor

    configs = [config] if not isinstance(config, list | tuple) else list(config)
    if not configs or len({c.seed for c in configs}) != 1:
        raise TgnasError("an ensemble's members share one seed (the rows and views depend on it)")
    data = labelled_set(rows, views, configs[0].seed, own)
    starts: list = [None] * len(configs)
    if init is not None:
        init, bounds = list(init), np.cumsum([0] + [c.ensemble for c in configs])
        if len(init) != bounds[-1]:
            raise TgnasError(f"{len(configs)} config(s) of {bounds[-1]} GCN(s) cannot start from {len(init)}")
        starts = [init[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    results = [
        train_predictor(data.graphs, data.targets, c, groups=data.groups, init=start)
        for c, start in zip(configs, starts, strict=True)
    ]
    first = results[0]
    card = dict(first.predictor.card)
    card.update(
        {
            "space": "+".join([*rows, *(["own"] if own is not None else [])]),
            "protocol": "multi-space",
            "labels": {s: {"dataset": LABELS[s][0], "metric": LABELS[s][1]} for s in rows},
            "own_labels": own.summary() if own is not None else None,
            "split": {"rows": data.rows},  # every row listed trained (the trainer's validation part included)
            "views": views,
            "graphs": "cell",
            "created": datetime.date.today().isoformat(),
            "hyperparameters": configs[0].to_dict(),
            "training_seconds": sum(r.seconds for r in results),
            "best_val_tau": [t for r in results for t in r.best_val_tau],
        }
    )
    if len(configs) > 1:
        card["members"] = [c.to_dict() for c in configs]
    models = [m for r in results for m in r.predictor.models]
    predictor = TrainedPredictor(
        models, first.predictor.embedder, first.predictor.y_mean, first.predictor.y_std, card
    )
    return TrainResult(
        predictor,
        card["training_seconds"],
        first.train_positions,
        first.val_positions,
        card["best_val_tau"],
        first.device,
    )


def default_rows(space: str, limit: int | None, seed: int, exclude: Sequence[int] = ()) -> list[int]:
    """A seeded sample of ``limit`` rows of ``space``'s labels (all for ``None``), minus ``exclude``."""
    n = len(get_benchmark(space))
    pool = np.setdiff1d(np.arange(n), np.asarray(exclude, dtype=int))
    perm = np.random.default_rng(seed).permutation(pool)
    return sorted(perm[:limit].tolist() if limit is not None else perm.tolist())


SHIPPED_NB201_ROWS = 3000  # a seeded sample of NAS-Bench-201 (all 15,625 cells would only cost time)


def universal_rows(
    spaces: Sequence[str], nb201_labels: int = SHIPPED_NB201_ROWS, limit: int | None = None, seed: int = 0
) -> dict[str, list[int]]:
    """Seeded labelled rows of each of ``spaces``: NAS-Bench-201 at most ``nb201_labels``, every space at
    most ``limit`` (``None``: all its labels).

    Raises:
        TgnasError: no spaces, a repeated one, or one without labels.
    """
    names = list(spaces)
    if not names or len(set(names)) != len(names) or set(names) - set(LABELS):
        raise TgnasError(f"train on distinct labelled spaces from {', '.join(LABELS)}; got {names!r}")
    caps = {s: nb201_labels if s == "nb201" else None for s in names}
    if limit is not None:
        caps = {s: min(c, limit) if c is not None else limit for s, c in caps.items()}
    return {s: default_rows(s, caps[s], seed) for s in names}


def shipped_rows(seed: int = 0) -> dict[str, list[int]]:
    """The labelled rows of the shipped universal checkpoint."""
    return universal_rows(("nb201", "nb101", "anb"), seed=seed)


def train_universal(
    spaces: Sequence[str] = ("nb201", "nb101", "anb"),
    own: OwnLabels | None = None,
    recipe: str = "ensemble",
    seed: int = 0,
    nb201_labels: int = SHIPPED_NB201_ROWS,
    limit: int | None = None,
    **options,
):
    """The universal recipe (:data:`~tgnas.predictor.config.RECIPES`) on the seeded rows of ``spaces``
    (:func:`universal_rows`) and ``own`` labelled architectures (:func:`tgnas.predictor.own.load_own_labels`),
    those given as graphs first read as the trained predictor reads them (:func:`read_own`; the card's
    ``own_labels`` counts them under ``graphs_read``).

    ``options`` replace fields of every member's :class:`~tgnas.predictor.config.TrainConfig` (``epochs``,
    ``accelerator``, ``devices``, ``strategy``, ``progress``, ...). Returns the
    :class:`~tgnas.predictor.train.TrainResult` of :func:`train_on_spaces`; its card lists the rows.

    Raises:
        TgnasError: bad spaces (:func:`universal_rows`) or an unknown recipe.
    """
    rows = universal_rows(spaces, nb201_labels, limit, seed)
    if recipe not in RECIPES:
        raise TgnasError(f"unknown recipe {recipe!r}; choose one of: {', '.join(RECIPES)}")
    configs = [replace(c, seed=seed, **options) for c in RECIPES[recipe]]
    read = 0
    if own is not None:
        own, read = read_own(rows, UNIVERSAL_VIEWS, seed, own)
    result = train_on_spaces(rows, configs, UNIVERSAL_VIEWS, own)
    if own is not None:
        result.predictor.card["own_labels"]["graphs_read"] = read
    return result


def train_alone(own: OwnLabels, config: FineTuneConfig | None = None, recipe: str = "ensemble", **options):
    """The universal recipe's members trained from random weights on ``own`` labelled architectures alone
    (no benchmark rows), with the fine-tuning schedule of
    :class:`~tgnas.predictor.config.FineTuneConfig` (``config``; its ``replay`` does not apply):
    :meth:`~tgnas.predictor.config.FineTuneConfig.epochs_for` the file's size, its learning rate and seed.

    The graphs train as given (no benchmark texts to read them against; the card's ``own_labels`` says
    ``graphs_read: 0``) and the card lists no benchmark rows, so the predictor knows the file's space only.
    How it compares with fine-tuning (:func:`tgnas.predictor.finetune.finetune`) is measured in
    ``docs/universal.md`` ("Your own labels").

    Raises:
        TgnasError: an unknown recipe.
    """
    config = config or FineTuneConfig()
    if recipe not in RECIPES:
        raise TgnasError(f"unknown recipe {recipe!r}; choose one of: {', '.join(RECIPES)}")
    epochs = config.epochs_for(len(own.records))
    members = [replace(c, epochs=epochs, lr=config.lr, seed=config.seed, **options) for c in RECIPES[recipe]]
    result = train_on_spaces({}, members, UNIVERSAL_VIEWS, own)
    result.predictor.card["own_labels"]["graphs_read"] = 0
    return result


def read_own(
    rows: Mapping[str, Sequence[int]], views: int, seed: int, own: OwnLabels, embedder=None
) -> tuple[OwnLabels, int]:
    """``own`` with its graph records read as a predictor trained on ``rows`` (in ``views`` views, seeded)
    reads graphs when it scores: :func:`~tgnas.predictor.own.read_with` a
    :class:`~tgnas.predictor.resolve.TextResolver` of those rows' node texts. So training sees the graphs
    the trained predictor will score (as fine-tuning does, :func:`tgnas.predictor.finetune.read_as`).
    Also returns how many graphs changed; nothing changes without rows or without graph records."""
    if not rows or all(r.space is not None for r in own.records):
        return own, 0
    from tgnas.embed import default_embedder
    from tgnas.predictor.novelty import node_texts
    from tgnas.predictor.own import read_with
    from tgnas.predictor.resolve import TextResolver

    embedder = embedder or default_embedder()
    texts = node_texts(labelled_set(rows, views, seed).graphs, embedder)
    return read_with(TextResolver(texts, embedder), own)
