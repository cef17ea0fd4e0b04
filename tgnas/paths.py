"""Where tgnas finds its own files, third-party benchmark data, checkpoints and its cache.

- Our own files (operator descriptions, the shipped embedding cache) and the shipped checkpoints live in a
  source checkout's ``data/`` and ``checkpoints/``; an installed wheel carries them as the package data
  ``tgnas/_data`` and ``tgnas/_checkpoints`` (found through the import system).
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


def _own(checkout: str, package: str) -> Path:
    """A source checkout's folder, else the installed package-data folder of the same files."""
    folder = _ROOT / checkout
    if folder.is_dir():
        return folder
    from importlib.util import find_spec

    spec = find_spec(package)  # a namespace package (package data only): its one folder
    if spec is None or not spec.submodule_search_locations:
        raise DataError(f"tgnas's own files are missing: neither {folder} nor the package {package} exists")
    return Path(next(iter(spec.submodule_search_locations)))


def data_dir() -> Path:
    """The folder of tgnas's own data files (``<repo>/data``, or the wheel's ``tgnas/_data``)."""
    return _own("data", "tgnas._data")


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


# every third-party file tgnas reads, under the benchmark data folder (each folder has a README there)
DATA_FILES: dict[str, str] = {
    "NAS-Bench-201": "nb201/nb201_master_15625.csv",
    "NAS-Bench-101": "nb101/naslib_nb101_500.json",
    "Accel-NASBench": "anb/anb_train_4138.json",
    "CIFAR-10 images": "images/cifar10_test_1000_balanced.npz",
}


def benchmark_file(benchmark: str, relative: str | None = None) -> Path:
    """``benchmark_data_dir() / relative`` (default: the benchmark's file in :data:`DATA_FILES`), checked
    to exist.

    Raises:
        DataError: naming the benchmark, the variable and the file expected.
    """
    relative = relative or DATA_FILES[benchmark]
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
    """The folder holding shipped checkpoints: ``$TGNAS_CHECKPOINTS``, else ``<repo>/checkpoints`` (or the
    wheel's ``tgnas/_checkpoints``)."""
    env = os.environ.get("TGNAS_CHECKPOINTS")
    return Path(env) if env else _own("checkpoints", "tgnas._checkpoints")


def check_checkpoint_path(path: Path | str) -> None:
    """Raises :class:`TgnasError` where ``path`` cannot name a checkpoint file to write (a folder)."""
    if Path(path).is_dir():
        raise TgnasError(
            f"{path} is a folder; name the checkpoint file in it, e.g. {Path(path) / 'predictor.pt'}"
        )
