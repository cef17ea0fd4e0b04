"""The input boundary: reading user files and JSON into checked values, with caps on sizes.

Every reader here turns malformed input into one :class:`~tgnas.errors.TgnasError` (or a subclass)
naming where it is, never another exception: non-UTF-8 bytes, JSON nested past recursion, integers of
thousands of digits, ``1e400``, booleans where numbers belong, oversized texts. Error messages quote at
most :data:`MAX_QUOTE` characters of the offending input.
"""

from __future__ import annotations

import json
import math
import numbers
from pathlib import Path

from tgnas.errors import DataError, TgnasError

MAX_LINE = 1_000_000  # characters of one JSON line (a candidate, a graph, a proxy row)
MAX_FILE = 512 * 1024 * 1024  # bytes of one user file read whole
MAX_NODES = 20_000  # nodes of one operator graph (a traced ResNet-152 has ~1,000)
MAX_TEXT = 2_000  # characters of one node text (a sentence encoder reads 256 tokens at most)
MAX_QUOTE = 80  # characters of user input quoted in an error message


def quote(value: object) -> str:
    """``repr(value)``, cut to :data:`MAX_QUOTE` characters."""
    text = repr(value)
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 3] + "..."


def loads(text: str, where: str, error: type[TgnasError] = TgnasError) -> object:
    """``json.loads(text)``, every failure an ``error`` naming ``where`` (too long, bad syntax, nesting
    too deep, an integer too long to convert)."""
    if len(text) > MAX_LINE:
        raise error(f"{where}: longer than {MAX_LINE} characters")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{where}: not valid JSON ({exc.msg} at character {exc.pos})") from None
    except RecursionError:
        raise error(f"{where}: JSON nested too deep") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise error(f"{where}: {str(exc)[:120]}") from None


def read_text(path: Path | str, what: str) -> str:
    """A user file as UTF-8 text; a missing, unreadable, oversized or non-UTF-8 file is a
    :class:`DataError` naming ``what`` and the file."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{what} not found: {p}")
    try:
        if p.stat().st_size > MAX_FILE:
            raise DataError(f"{what} {p} is larger than {MAX_FILE // 2**20} MiB")
        return p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{what} {p} is not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise DataError(f"cannot read {what} {p}: {exc.strerror or exc}") from None


def integer(value: object, what: str, error: type[TgnasError] = TgnasError) -> int:
    """``value`` if it is an integer (not a bool, not a float such as ``1.9`` or ``1e400``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise error(f"{what} must be an integer, got {quote(value)}")
    return int(value)


def number(
    value: object, what: str, error: type[TgnasError] = TgnasError, minimum: float | None = None
) -> float:
    """``value`` as a float if it is a finite real number (not a bool, not a string), ``>= minimum``."""
    bound = "" if minimum is None else f" >= {minimum:g}"
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real)
    try:
        ok = ok and math.isfinite(float(value)) and (minimum is None or float(value) >= minimum)
    except OverflowError:  # an integer beyond the float range
        ok = False
    if not ok:
        raise error(f"{what} must be a finite number{bound}, got {quote(value)}")
    return float(value)


def text(value: object, what: str, error: type[TgnasError] = TgnasError) -> str:
    """``value`` if it is a non-empty string of at most :data:`MAX_TEXT` characters."""
    if not isinstance(value, str) or not value.strip():
        raise error(f"{what} must be a non-empty string, got {quote(value)}")
    if len(value) > MAX_TEXT:
        raise error(f"{what} is {len(value)} characters long; at most {MAX_TEXT} are read")
    return value
