"""Evaluation protocols on NAS-Bench-201: which labels train a predictor, which architectures judge it.

Every protocol returns disjoint index sets: a predictor trains only on ``train`` (its labels on
``train_dataset``) and is judged only on ``evaluate``, against test accuracy on each dataset of
``eval_datasets``. Labels used for training are never scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tgnas.benchmarks.nb201 import DATASETS, NB201Benchmark, canonical_dataset
from tgnas.errors import TgnasError, UnknownNameError
from tgnas.registry import Registry
from tgnas.spaces.nb201 import OPS, parse


@dataclass(frozen=True)
class Split:
    """A protocol instance.

    Attributes:
        name: e.g. ``random-156``, ``unseen-avg_pool_3x3``, ``cross-dataset``.
        train: benchmark indices whose labels may be used (the trainer holds out its own validation part).
        evaluate: benchmark indices judged, disjoint from ``train``.
        train_dataset: dataset of the training labels.
        eval_datasets: datasets whose test accuracy judges the ranking.
    """

    name: str
    train: np.ndarray
    evaluate: np.ndarray
    train_dataset: str = "cifar10"
    eval_datasets: tuple[str, ...] = ("cifar10",)
    notes: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if np.intersect1d(self.train, self.evaluate).size:
            raise TgnasError(f"protocol {self.name}: training and evaluation architectures overlap")


PROTOCOLS: Registry = Registry("protocol")


@PROTOCOLS.register("random")
def random_split(bench: NB201Benchmark, n: int = 156, seed: int = 0, dataset: str = "cifar10") -> Split:
    """(a) ``n`` architectures drawn uniformly without replacement are labelled; all others are judged."""
    total = len(bench)
    if not 2 <= n < total:
        raise TgnasError(f"the number of labelled architectures must be in 2..{total - 1}, got {n}")
    perm = np.random.default_rng(seed).permutation(total)
    ds = canonical_dataset(dataset)
    return Split(f"random-{n}", np.sort(perm[:n]), np.sort(perm[n:]), ds, (ds,), {"seed": seed})


@PROTOCOLS.register("unseen-op")
def unseen_op(bench: NB201Benchmark, op: str = "avg_pool_3x3", dataset: str = "cifar10") -> Split:
    """(b) train on every architecture that never uses ``op``; judge those that do."""
    if op not in OPS or op == "none":
        raise UnknownNameError(f"unseen-op needs an operation of NAS-Bench-201 other than none, got {op!r}")
    uses = np.array([op in parse(s).ops for s in bench.arch_strings()])
    ds = canonical_dataset(dataset)
    return Split(f"unseen-{op}", np.flatnonzero(~uses), np.flatnonzero(uses), ds, (ds,), {"op": op})


@PROTOCOLS.register("cross-dataset")
def cross_dataset(bench: NB201Benchmark, seed: int = 0, fraction: float = 0.5) -> Split:
    """(c) CIFAR-10 labels of a seeded ``fraction`` of the space; judged on all three datasets elsewhere."""
    total = len(bench)
    n = int(round(fraction * total))
    perm = np.random.default_rng(seed).permutation(total)
    return Split("cross-dataset", np.sort(perm[:n]), np.sort(perm[n:]), "cifar10", DATASETS, {"seed": seed})


@PROTOCOLS.register("nested-unseen-op")
def nested_unseen_op(
    bench: NB201Benchmark, op: str = "avg_pool_3x3", inner: str = "skip_connect", dataset: str = "cifar10"
) -> Split:
    """Model selection for (b) that never looks at the architectures ``unseen_op(op)`` judges.

    Among the architectures that never use ``op`` (the training pool of ``unseen_op(op)``), train on those
    that also never use ``inner`` and judge those that do: ``inner`` plays the unseen operator. Judge these
    against *validation* accuracy (the benchmark's ``select-b`` rows do) so no test label picks a setting.
    Only the ``op`` row of (b) is clean of such a choice: ``unseen_op(inner)`` judges these same cells.
    """
    if inner == op:
        raise TgnasError(f"the inner held-out operation must differ from {op!r}")
    outer = unseen_op(bench, op, dataset)
    if inner not in OPS or inner == "none":
        raise UnknownNameError(f"nested-unseen-op needs an inner operation other than none, got {inner!r}")
    archs = bench.arch_strings()
    uses = np.array([inner in parse(archs[i]).ops for i in outer.train])
    return Split(
        f"nested-unseen-{op}-{inner}",
        outer.train[~uses],
        outer.train[uses],
        outer.train_dataset,
        outer.eval_datasets,
        {"op": op, "inner": inner},
    )
