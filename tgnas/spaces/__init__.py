"""Search spaces, by name: ``get_space("nb201")``; ``SPACES.names()`` lists them."""

from __future__ import annotations

from tgnas.registry import Registry
from tgnas.spaces.base import PartialArch, PrunableSpace, SearchSpace
from tgnas.spaces.darts import DartsArch, DartsSpace
from tgnas.spaces.nb201 import NB201Arch, NB201Space

SPACES: Registry[type] = Registry("search space")
SPACES.add("nb201", NB201Space)
SPACES.add("darts", DartsSpace)


def get_space(name: str) -> SearchSpace:
    """A new instance of the search space called ``name``."""
    return SPACES.get(name)()


__all__ = [
    "SPACES",
    "DartsArch",
    "DartsSpace",
    "NB201Arch",
    "NB201Space",
    "PartialArch",
    "PrunableSpace",
    "SearchSpace",
    "get_space",
]
