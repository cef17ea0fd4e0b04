"""The protocol every search space implements."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from tgnas.arch import OpGraph

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
