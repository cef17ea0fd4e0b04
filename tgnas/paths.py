"""Where tgnas finds its own files, third-party benchmark data, checkpoints and its cache.

- Our own files (operator descriptions, the shipped embedding cache) live in the package's ``data/``.
- Third-party benchmark data (NAS-Bench-201, NAS-Bench-101, Accel-NASBench tables, CIFAR images) is never
  shipped: it is read where it lives, ``$TGNAS_DATA``, else ``../shared/data`` beside a source checkout.
- Checkpoints: ``$TGNAS_CHECKPOINTS`` or the repository's ``checkpoints/``.
- Derived files (compact tables, new embeddings): ``$TGNAS_CACHE``, else ``~/.cache/tgnas``.
"""

from __future__ import annotations

import os
from pathlib import Path

from tgnas.errors import DataError, TgnasError

_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder of tgnas's own data files (``<repo>/data``)."""
    return _ROOT / "data"


def benchmark_data_dir() -> Path:
    """The folder of third-party benchmark data: ``$TGNAS_DATA``, else ``../shared/data`` beside the
    checkout.

    Raises:
        DataError: ``TGNAS_DATA`` names a missing folder or a file.
    """
    env = os.environ.get("TGNAS_DATA")
    if env:
        path = Path(env)
        if not path.is_dir():
            what = "a file" if path.exists() else "missing"
            raise DataError(
                f"TGNAS_DATA={env} is {what}; point it at the folder that holds nb201/, nb101/, anb/"
            )
        return path
    return _ROOT.parent / "shared" / "data"


def benchmark_file(benchmark: str, relative: str) -> Path:
    """``benchmark_data_dir() / relative``, checked to exist.

    Raises:
        DataError: naming the benchmark, the variable and the file expected.
    """
    path = benchmark_data_dir() / relative
    if not path.is_file():
        raise DataError(
            f"{benchmark} data not found: expected {path} (set TGNAS_DATA to the folder holding {relative})"
        )
    return path


def cache_dir() -> Path:
    """Where tgnas writes derived files: ``$TGNAS_CACHE``, else ``~/.cache/tgnas``."""
    return Path(os.environ.get("TGNAS_CACHE", Path.home() / ".cache" / "tgnas"))


def checkpoint_dir() -> Path:
    """The folder holding shipped checkpoints (``$TGNAS_CHECKPOINTS`` or ``<repo>/checkpoints``)."""
    return Path(os.environ.get("TGNAS_CHECKPOINTS", _ROOT / "checkpoints"))


def check_checkpoint_path(path: Path | str) -> None:
    """Raises :class:`TgnasError` where ``path`` cannot name a checkpoint file to write (a folder)."""
    if Path(path).is_dir():
        raise TgnasError(
            f"{path} is a folder; name the checkpoint file in it, e.g. {Path(path) / 'predictor.pt'}"
        )
