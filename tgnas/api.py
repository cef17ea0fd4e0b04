"""The plug-in API: tgnas as a drop-in proxy for other NAS code.

.. code-block:: python

    proxy = tgnas.Proxy.load()                      # the shipped predictor, on CPU
    proxy.score("|nor_conv_3x3~0|+|...|")           # one float, higher = better
    proxy.score_many([genotype, graph_dict, ...])   # one float each, in order

An architecture is a benchmark string of any registered space (``|op~0|+...`` for NAS-Bench-201,
``Genotype(...)`` for DARTS), a space's architecture object, an :class:`~tgnas.arch.OpGraph`, or a generic
graph dict (``{"nodes": [...], "edges": [...]}``, see :mod:`tgnas.graphs`). The score is the predictor's
predicted accuracy: an absolute score, comparable across calls and across spaces only as far as the
predictor transfers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from tgnas.arch import OpGraph
from tgnas.errors import ArchitectureError, TgnasError


def to_graph(arch: object) -> OpGraph:
    """The operator graph of any accepted architecture form (see the module docstring).

    Raises:
        ArchitectureError: a string no space parses (each space's complaint is listed) or an unknown type.
        GraphError, UnknownOperatorError: a malformed graph dict.
    """
    from tgnas.graphs import parse_graph
    from tgnas.spaces import SPACES, get_space

    if isinstance(arch, OpGraph):
        return arch
    if isinstance(arch, Mapping):
        return parse_graph(arch)
    spaces = [get_space(n) for n in SPACES.names()]
    if isinstance(arch, str):
        complaints = []
        for space in spaces:
            try:
                return space.to_graph(space.parse(arch))
            except TgnasError as exc:
                complaints.append(f"{space.name}: {exc}")
        raise ArchitectureError(f"no search space parses {arch[:80]!r}; " + "; ".join(complaints))
    for space in spaces:
        if isinstance(arch, space.arch_type):
            return space.to_graph(arch)
    raise ArchitectureError(
        f"cannot score a {type(arch).__name__}: pass an architecture string, a space's architecture, "
        "an OpGraph or a graph dict"
    )


class Proxy:
    """A loaded predictor behind ``score(arch) -> float``.

    Args:
        predictor: a loaded :class:`~tgnas.predictor.predictor.Predictor`.
    """

    def __init__(self, predictor) -> None:
        self.predictor = predictor

    @classmethod
    def load(cls, checkpoint: str | None = None, device: str = "cpu") -> Proxy:
        """Loads a predictor checkpoint (default: the shipped one)."""
        from tgnas.predictor.predictor import load_predictor

        return cls(load_predictor(checkpoint, device))

    def score(self, arch: object) -> float:
        """The predicted accuracy of one architecture (higher = better)."""
        return float(self.score_many([arch])[0])

    def score_many(self, archs: Sequence[object]) -> np.ndarray:
        """Predicted accuracies, shape ``(len(archs),)``, in order; graphs are batched and deduplicated."""
        if isinstance(archs, str | Mapping | OpGraph):
            raise TgnasError("score_many takes a list of architectures; use score() for one")
        return self.predictor.score_graphs([to_graph(a) for a in archs])
