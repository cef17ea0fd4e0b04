"""Search spaces, by name: ``get_space("nb201")``; ``SPACES.names()`` lists them."""

from __future__ import annotations

from tgnas.registry import Registry
from tgnas.spaces.base import SearchSpace
from tgnas.spaces.nb201 import NB201Arch, NB201Space

SPACES: Registry[type] = Registry("search space")
SPACES.add("nb201", NB201Space)


def get_space(name: str) -> SearchSpace:
    """A new instance of the search space called ``name``."""
    return SPACES.get(name)()


__all__ = ["SPACES", "NB201Arch", "NB201Space", "SearchSpace", "get_space"]
