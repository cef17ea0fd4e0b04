"""A user's ``torch.nn.Module`` named by a string: ``package.module:factory`` or ``path/to/file.py:factory``
(``tgnas score --module``, the ``module`` key of a labelled file)."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys

from tgnas.errors import TgnasError, cause


def load_module(spec: str, kwargs: dict | None = None):
    """Imports ``package.module:factory`` or ``path/to/file.py:factory`` (a path relative to the current
    folder) and calls the factory with ``kwargs`` (none by default), or takes the ``nn.Module`` object
    itself. A package in the current folder is found as ``python -m`` would, but only while it is imported
    and after everything installed (it cannot shadow tgnas's own dependencies).

    Raises:
        TgnasError: a malformed name, a file or attribute that cannot be loaded, a factory that fails,
            ``kwargs`` for an object that is no factory, or an object that is not a module.
    """
    from torch import nn

    path, sep, attr = str(spec).rpartition(":")
    if not sep or not path or not attr:
        raise TgnasError(f"a module is named package.module:factory or file.py:factory, got {spec!r}")
    added = os.getcwd() not in sys.path
    if added:
        sys.path.append(os.getcwd())
    try:
        if path.endswith(".py"):
            if not os.path.isfile(path):
                raise ImportError(f"no file {path}")
            source = _file_module(os.path.abspath(path), os.stat(path).st_mtime_ns)
        else:
            source = importlib.import_module(path)
        obj = getattr(source, attr)
    except Exception as exc:  # the user's code runs on import: a syntax error or any failure is theirs
        raise TgnasError(f"cannot load {spec}: {cause(exc)}") from None
    finally:
        if added and os.getcwd() in sys.path:
            sys.path.remove(os.getcwd())
    factory = callable(obj) and not isinstance(obj, nn.Module)
    if kwargs and not factory:
        raise TgnasError(f"{spec} is no factory to pass arguments to")
    if factory:
        call = f"{spec}({', '.join(f'{k}={v!r}' for k, v in (kwargs or {}).items())})"
        try:
            obj = obj(**(kwargs or {}))
        except Exception as exc:  # the user's code: any failure is theirs, reported without our traceback
            bare = isinstance(exc, TypeError) and not kwargs
            hint = " (the factory must take no arguments, or give them as kwargs)" if bare else ""
            raise TgnasError(f"calling {call} failed: {cause(exc)}{hint}") from None
    if not isinstance(obj, nn.Module):
        raise TgnasError(f"{spec} gave a {type(obj).__name__}, not a torch.nn.Module")
    return obj


@functools.lru_cache(maxsize=32)
def _file_module(path: str, mtime_ns: int):
    """The module a ``.py`` file defines, run once per version of the file (a labelled file names one
    factory on many lines)."""
    file_spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    source = importlib.util.module_from_spec(file_spec)
    file_spec.loader.exec_module(source)
    return source
