"""Search spaces, by name: ``get_space("nb201")``; ``SPACES.names()`` lists them."""

from __future__ import annotations

from tgnas.registry import Registry
from tgnas.spaces.anb import ANBArch, ANBSpace
from tgnas.spaces.base import PartialArch, PrunableSpace, SearchSpace
from tgnas.spaces.darts import DartsArch, DartsSpace
from tgnas.spaces.nb101 import NB101Arch, NB101Space
from tgnas.spaces.nb201 import NB201Arch, NB201Space

SPACES: Registry[type] = Registry("search space")
SPACES.add("nb201", NB201Space)
SPACES.add("darts", DartsSpace)
SPACES.add("nb101", NB101Space)
SPACES.add("anb", ANBSpace)


def get_space(name: str) -> SearchSpace:
    """A new instance of the search space called ``name``."""
    return SPACES.get(name)()


__all__ = [
    "ANBArch",
    "ANBSpace",
    "NB101Arch",
    "NB101Space",
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
