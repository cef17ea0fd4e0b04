"""Which operator graph a predictor reads for a benchmark architecture: the cell, or the traced network.

A checkpoint's card records the kind (``"graphs"``; ``cell`` when absent) so that whatever scores with it
builds the same graphs it was trained on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from tgnas.opgraph import OpGraph
from tgnas.registry import Registry
from tgnas.spaces import get_space

GRAPH_KINDS: Registry[Callable[[str, str], OpGraph]] = Registry("graph kind")


@GRAPH_KINDS.register("cell")
def cell_graph(space: str, arch: str) -> OpGraph:
    """The space's operator graph of the cell (``to_graph``)."""
    sp = get_space(space)
    return sp.to_graph(sp.parse(arch))


@GRAPH_KINDS.register("traced")
@lru_cache(maxsize=4096)
def traced_graph(space: str, arch: str) -> OpGraph:
    """The whole benchmark network (C=16, N=5, 10 classes) traced by :func:`tgnas.trace.graph_from_module`
    on one 32x32 image."""
    import torch

    from tgnas.trace import graph_from_module

    sp = get_space(space)
    with torch.random.fork_rng(devices=[]):  # seeded initialisation; the caller's RNG state is untouched
        torch.manual_seed(0)
        return graph_from_module(sp.build(sp.parse(arch)), torch.zeros(1, 3, 32, 32)).graph


def graphs_for(kind: str, space: str, archs: list[str]) -> list[OpGraph]:
    """Graphs of the given kind for architecture strings of ``space``."""
    fn = GRAPH_KINDS.get(kind)
    return [fn(space, a) for a in archs]
