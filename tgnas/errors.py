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


MAX_CAUSE = 240  # characters of an underlying error's message that an error quotes


def cause(exc: BaseException) -> str:
    """``"Type: message"`` of an exception raised by a user's code or a library, on one line: the first
    non-empty line of the message (torch.fx and torch.load append notes and hints on later lines), cut to
    :data:`MAX_CAUSE` characters."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    first = lines[0] if len(lines[0]) <= MAX_CAUSE else lines[0][: MAX_CAUSE - 3] + "..."
    return f"{type(exc).__name__}: {first}"
