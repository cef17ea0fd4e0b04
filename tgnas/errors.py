"""Exceptions raised by tgnas.

Every error that bad user input can cause is a :class:`TgnasError`, which is a ``ValueError``: callers may
catch either. The CLI turns them into a one-line message and exit code 2.
"""

from __future__ import annotations


class TgnasError(ValueError):
    """Base class of every tgnas input error."""


class ArchitectureError(TgnasError):
    """A malformed architecture: bad syntax, wrong number of edges, bad node references."""


class UnknownOperatorError(TgnasError):
    """An operator name that the space or the embedder does not know."""


class UnknownNameError(TgnasError):
    """A name missing from a registry (space, dataset, metric, proxy, scorer, ...)."""


class GraphError(TgnasError):
    """An operator graph that is not a valid single-input, single-output DAG."""


class DataError(TgnasError):
    """Missing or corrupt data files (benchmark tables, checkpoints)."""


def cause(exc: BaseException) -> str:
    """``"Type: message"`` of an exception raised by a user's code, on one line: the first non-empty line
    of the message (torch.fx and others append the executing node and a hint on later lines)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
