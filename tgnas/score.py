r"""Scorers: one protocol, ``score(archs) -> np.ndarray`` (higher = better), three kinds.

- ``predictor``: the GCN predictor's predicted accuracy of each architecture's operator graph. Absolute:
  a score means the same in every call.
- ``proxies:NAMES``: zero-cost proxies of each architecture's freshly initialised network
  (:mod:`tgnas.proxies`); one proxy gives its raw value, several are combined by AZ-NAS's non-linear rank
  aggregation :math:`\sum_m \log(\mathrm{rank}_m / n)` over the architectures of the call.
- ``ensemble``: the predictor joins the proxies as one more member of that aggregation, with weight
  :math:`w`:

  .. math::
      s(a) = w \log\frac{\mathrm{rank}_{\mathrm{pred}}(a)}{n} + \sum_{m \in \mathrm{proxies}}
      \log\frac{\mathrm{rank}_m(a)}{n}.

  The default :math:`w` is twice the number of proxies (8 for AZ-NAS's four). Chosen on CIFAR-10
  *validation* accuracy: on a seeded sample of 1,000 NAS-Bench-201 cells, with the ten 156-label few-shot
  predictors of ``benchmarks/search.py`` judged on the cells they did not train on, the ensemble's Kendall
  tau against validation accuracy was 0.731 / 0.762 / 0.789 / 0.800 / 0.799 for w = 1 / 2 / 4 / 8 / 16
  (predictor alone 0.785, AZ-NAS alone 0.672).

A rank aggregation is **relative** (:attr:`Scorer.relative`): its scores order the architectures of one
call and are not comparable across calls. Searchers therefore compare candidates within one call; raw
values are cached per architecture so re-scoring is cheap.

An architecture is one of the space's architecture objects or a
:class:`~tgnas.spaces.base.PartialArch` (several candidates per decision: the pruning search's
supernets), which the predictor scores by its summed operator graph and proxies by its summed network.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from tgnas.aggregate import aggregate
from tgnas.errors import TgnasError
from tgnas.registry import Registry
from tgnas.spaces.base import PartialArch, SearchSpace


@runtime_checkable
class Scorer(Protocol):
    """Scores architectures of one space (its objects, or its string forms); higher means better."""

    name: str
    relative: bool  # True: scores are only comparable within one call

    def score(self, archs: Sequence[Hashable]) -> np.ndarray:
        """One score per architecture, shape ``(len(archs),)``."""


def parsed(space: SearchSpace, archs: Sequence[Hashable]) -> list[Hashable]:
    """``archs`` with every string parsed by ``space`` (its string forms); other items as they are.

    Raises:
        ArchitectureError: a string the space does not parse, named with its position.
    """
    from tgnas.errors import TgnasError

    out = []
    for k, a in enumerate(archs):
        if isinstance(a, str):
            try:
                a = space.parse(a)
            except TgnasError as exc:
                raise type(exc)(f"architecture {k}: {exc}") from None
        out.append(a)
    return out


@dataclass
class PredictorScorer:
    """Predicted accuracy (%) of each architecture's operator graph.

    Attributes:
        space: the search space (turns architectures into operator graphs).
        predictor: a loaded :class:`~tgnas.predictor.predictor.TrainedPredictor`.
    """

    space: SearchSpace
    predictor: object
    name: str = "predictor"
    relative: bool = False
    _cache: dict = field(default_factory=dict, repr=False)

    def graph(self, arch: Hashable):
        if isinstance(arch, PartialArch):
            return self.space.partial_graph(arch)
        return self.space.to_graph(arch)

    def score(self, archs: Sequence[Hashable]) -> np.ndarray:
        archs = parsed(self.space, archs)
        todo = [a for a in dict.fromkeys(archs) if a not in self._cache]
        if todo:
            values = self.predictor.score_graphs([self.graph(a) for a in todo])
            self._cache.update(zip(todo, values.tolist(), strict=True))
        return np.array([self._cache[a] for a in archs], dtype=float)


@dataclass
class ProxyScorer:
    """Zero-cost proxies of each architecture's network, built by the space and initialised by the runner.

    Attributes:
        space: the search space (builds the networks).
        names: proxy or family names (``az`` = its four proxies).
        config: input, batch size, seed and network size (:class:`~tgnas.proxies.sweep.SweepConfig`).
    """

    space: SearchSpace
    names: tuple[str, ...] = ("az",)
    config: object = None
    name: str = "proxies"
    _cache: dict = field(default_factory=dict, repr=False)
    _batch: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from tgnas.proxies.sweep import SweepConfig

        if self.config is None:
            self.config = SweepConfig(space=self.space.name, proxies=tuple(self.names))
        self.names = tuple(self.config.proxies)  # resolved: families expanded, names checked
        self.name = "proxies:" + ",".join(self.names)

    @property
    def relative(self) -> bool:
        return len(self.names) > 1

    def values(self, archs: Sequence[Hashable]) -> dict[str, np.ndarray]:
        """Raw proxy values ``{proxy: (len(archs),)}``; failures are ``-inf`` (ranked worst)."""
        from tgnas.proxies.runner import compute_proxies
        from tgnas.proxies.sweep import proxy_batch

        archs = parsed(self.space, archs)
        if self._batch is None:
            self._batch = proxy_batch(self.config)  # (batch, data_batch)
        c = self.config
        for arch in dict.fromkeys(archs):
            if arch in self._cache:
                continue
            net = self.space.build(arch, **c.network_options())
            batch, data_batch = self._batch
            self._cache[arch] = compute_proxies(
                net, batch, self.names, seed=c.seed, data_batch=data_batch
            ).values
        return {n: np.array([self._cache[a][n] for a in archs], dtype=float) for n in self.names}

    def score(self, archs: Sequence[Hashable]) -> np.ndarray:
        if not archs:
            return np.zeros(0)
        values = self.values(archs)
        if len(values) == 1:
            return next(iter(values.values()))
        return aggregate(values)


@dataclass
class EnsembleScorer:
    """The predictor as one more member of the proxies' log-rank aggregation (see the module docstring).

    Attributes:
        predictor: the predictor member.
        proxies: the proxy members.
        weight: the predictor's weight :math:`w`; ``None`` = twice the number of proxies.
    """

    predictor: PredictorScorer
    proxies: ProxyScorer
    weight: float | None = None
    name: str = "ensemble"
    relative: bool = True

    def __post_init__(self) -> None:
        if self.weight is None:
            self.weight = 2.0 * len(self.proxies.names)
        if not self.weight >= 0:
            raise TgnasError(f"the predictor's weight in the ensemble must be >= 0, got {self.weight}")

    def score(self, archs: Sequence[Hashable]) -> np.ndarray:
        if not archs:
            return np.zeros(0)
        members = self.proxies.values(archs)
        members["predictor"] = self.predictor.score(archs)
        return aggregate(members, weights={"predictor": self.weight})


SCORERS: Registry = Registry("scorer")


@SCORERS.register("predictor")
def _predictor(space: SearchSpace, checkpoint=None, **_) -> PredictorScorer:
    from tgnas.predictor.predictor import default_checkpoint, load_checkpoint

    return PredictorScorer(
        space, load_checkpoint(checkpoint if checkpoint is not None else default_checkpoint(space.name))
    )


@SCORERS.register("proxies")
def _proxies(space: SearchSpace, proxies: Sequence[str] = ("az",), proxy_config=None, **_) -> ProxyScorer:
    return ProxyScorer(space, tuple(proxies), proxy_config)


@SCORERS.register("ensemble")
def _ensemble(
    space: SearchSpace, checkpoint=None, proxies: Sequence[str] = ("az",), proxy_config=None, weight=None, **_
) -> EnsembleScorer:
    return EnsembleScorer(_predictor(space, checkpoint), _proxies(space, proxies, proxy_config), weight)


def make_scorer(spec: str, space: SearchSpace, **options) -> Scorer:
    """A scorer from its spec: ``predictor``, ``proxies`` / ``proxies:NAMES``, ``ensemble`` /
    ``ensemble:NAMES`` (NAMES: comma-separated proxies or families; default ``az``).

    Options: ``checkpoint`` (predictor checkpoint), ``proxy_config`` (a ``SweepConfig``), ``weight``
    (the predictor's ensemble weight).
    """
    kind, _, names = spec.partition(":")
    if names:
        if kind == "predictor":
            raise TgnasError(f"scorer {spec!r}: the predictor takes no proxy names")
        options["proxies"] = tuple(n for n in names.split(",") if n)
    ignored = [k for k in _NOT_READ.get(kind, ()) if options.get(k) is not None]
    if ignored:  # an option the scorer would silently drop
        raise TgnasError(
            f"scorer {kind!r} has no use for {' or '.join(ignored)}: drop it, or use the ensemble"
        )
    return SCORERS.get(kind)(space, **options)


_NOT_READ = {"predictor": ("weight", "proxy_config"), "proxies": ("checkpoint", "weight")}
