"""The protocol every search space implements."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from tgnas.errors import ArchitectureError
from tgnas.opgraph import OpGraph

if TYPE_CHECKING:
    from torch import nn


@runtime_checkable
class SearchSpace(Protocol):
    """A family of architectures: parsing, enumeration, sampling, mutation and conversion.

    Architectures are frozen, hashable values; ``mutate`` returns a new one and every random choice is
    drawn from the ``numpy.random.Generator`` passed in.
    """

    name: str
    ops: tuple[str, ...]
    arch_type: type  # the class of this space's architecture objects

    def parse(self, text: str) -> Hashable:
        """Parses the space's string form; raises :class:`tgnas.errors.ArchitectureError`."""

    def format(self, arch: Hashable) -> str:
        """The space's string form of ``arch`` (inverse of :meth:`parse`)."""

    def size(self) -> int | None:
        """Number of architectures, or ``None`` if the space is too large to enumerate."""

    def enumerate(self) -> Iterator[Hashable]:
        """Every architecture, in a fixed order."""

    def sample(self, rng: np.random.Generator) -> Hashable:
        """One architecture drawn uniformly at random."""

    def mutate(self, arch: Hashable, rng: np.random.Generator) -> Hashable:
        """A new architecture that differs from ``arch`` in exactly one choice."""

    def canonical(self, arch: Hashable) -> str:
        """A key equal for two architectures iff they compute the same function (isomorphism-free)."""

    def to_graph(self, arch: Hashable) -> OpGraph:
        """The operator graph (operators on nodes) of ``arch``."""

    def build(self, arch: Hashable, **kwargs) -> nn.Module:
        """A freshly initialised ``torch.nn.Module`` for ``arch``."""


@dataclass(frozen=True)
class PartialArch:
    """An architecture with a set of candidate operations per decision (e.g. per edge of a cell).

    The pruning search starts from a space's :meth:`~PrunableSpace.supernet` (every candidate everywhere)
    and removes candidates until one is left per decision.

    Attributes:
        choices: for each decision, the candidate operations still in play (non-empty, no repeats).
    """

    choices: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        choices = tuple(tuple(c) for c in self.choices)
        object.__setattr__(self, "choices", choices)
        for k, c in enumerate(choices):
            if not c:
                raise ArchitectureError(f"decision {k} of a partial architecture has no candidate left")
            if len(set(c)) != len(c):
                raise ArchitectureError(f"decision {k} lists a candidate twice: {c}")

    @property
    def done(self) -> bool:
        """True when every decision has exactly one candidate."""
        return all(len(c) == 1 for c in self.choices)

    def without(self, decision: int, op: str) -> PartialArch:
        """A copy with ``op`` removed from ``decision``'s candidates."""
        choices = list(self.choices)
        choices[decision] = tuple(o for o in choices[decision] if o != op)
        return PartialArch(tuple(choices))

    def single(self) -> tuple[str, ...]:
        """The one candidate of each decision; raises if some decision still has several."""
        if not self.done:
            raise ArchitectureError("the partial architecture still has several candidates on some decision")
        return tuple(c[0] for c in self.choices)


@runtime_checkable
class PrunableSpace(Protocol):
    """A space the pruning search can work on: it has a supernet and graphs of partial architectures."""

    def supernet(self) -> PartialArch:
        """Every candidate on every decision."""

    def partial_graph(self, partial: PartialArch) -> OpGraph:
        """Operator graph of a partial architecture (the candidates of one decision are summed)."""

    def from_partial(self, partial: PartialArch) -> Hashable:
        """The architecture of a partial one with one candidate per decision."""
