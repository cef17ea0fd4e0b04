"""NAS-Bench-201 ground truth: accuracies, hardware costs, FLOPs and parameters of all 15,625 cells.

Read from the benchmark data folder (:func:`tgnas.paths.benchmark_data_dir`), file
``nb201/nb201_master_15625.csv`` (sources in that folder's README), on the first query, not at import. The
columns tgnas uses are kept in a compact ``.npz`` in the cache folder, rebuilt whenever the source changes.
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from tgnas.benchmarks.table import LabelledTable
from tgnas.errors import DataError, UnknownNameError
from tgnas.paths import DATA_FILES, benchmark_file, cache_dir
from tgnas.spaces.nb201 import NB201Arch

DATASETS: tuple[str, ...] = ("cifar10", "cifar100", "imagenet16-120")
_ALIASES = {"imagenet": "imagenet16-120", "imagenet16": "imagenet16-120", "imagenet16_120": "imagenet16-120"}
NUM_CLASSES = {"cifar10": 10, "cifar100": 100, "imagenet16-120": 120}
INPUT_SIZE = {"cifar10": 32, "cifar100": 32, "imagenet16-120": 16}
SOURCE = DATA_FILES["NAS-Bench-201"]
HW = (
    "edgegpu_latency",
    "edgegpu_energy",
    "raspi4_latency",
    "edgetpu_latency",
    "pixel3_latency",
    "eyeriss_latency",
    "eyeriss_energy",
    "eyeriss_arithmetic_intensity",
    "fpga_latency",
    "fpga_energy",
)

Arch = NB201Arch | str | int


def canonical_dataset(name: str) -> str:
    """Normalises a dataset name (case, ``imagenet`` aliases); raises :class:`UnknownNameError`."""
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in DATASETS:
        raise UnknownNameError(
            f"unknown NAS-Bench-201 dataset {name!r}; choose one of: {', '.join(DATASETS)}"
        )
    return key


def _spec() -> list[tuple[str, str]]:
    """(column here, column of the source CSV)."""
    spec = []
    for key, ds in (("cifar10", "cifar10"), ("cifar100", "cifar100"), ("imagenet16_120", "imagenet16-120")):
        spec += [(f"test@{ds}", f"test_acc_{key}"), (f"valid@{ds}", f"val_acc_{key}")]
    for key, ds in (("c10", "cifar10"), ("img", "imagenet16-120")):
        spec += [(f"flops@{ds}", f"flops_M_{key}"), (f"params@{ds}", f"params_M_{key}")]
    for key, ds in (("c10", "cifar10"), ("c100", "cifar100"), ("img", "imagenet16-120")):
        spec += [(f"{h}@{ds}", f"hw_{key}_{h}") for h in HW]
    return spec


def _read_source(path: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot read the NAS-Bench-201 table {path}: {exc}") from None
    spec = _spec()
    if len(rows) != 15625 or any(c not in rows[0] for _, c in spec) or "arch_str" not in rows[0]:
        raise DataError(f"{path} is not the NAS-Bench-201 master table (columns or {len(rows)} rows)")

    def num(v: str) -> float:
        try:
            x = float(v)
        except ValueError:
            return math.nan
        return x

    archs = [r["arch_str"] for r in rows]
    return archs, {name: np.array([num(r[c]) for r in rows]) for name, c in spec}


class NB201Benchmark(LabelledTable):
    """Query NAS-Bench-201 ground truth by architecture (object, string or index), dataset and metric.

    Metrics: ``test`` and ``valid`` accuracy (%), ``flops`` (M) and ``params`` (M) where the table has
    them, and the HW-NAS-Bench hardware metrics (``edgegpu_latency``, ``fpga_energy``, ...); see
    :meth:`metrics`.

    Args:
        path: the master CSV; defaults to ``nb201/nb201_master_15625.csv`` in the benchmark data folder.
    """

    name = "nb201"
    space = "nb201"
    datasets = DATASETS
    aliases = _ALIASES
    num_classes = NUM_CLASSES
    input_size = INPUT_SIZE
    default_metric = "test"
    match_isomorphic = False  # isomorphic cells are distinct rows with their own trained accuracies

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None

    def _load(self) -> tuple[list[str], dict[str, np.ndarray]]:
        src = self.path or benchmark_file("NAS-Bench-201", SOURCE)
        if not src.is_file():
            raise DataError(f"NAS-Bench-201 table not found at {src}")
        stat = src.stat()
        cached = cache_dir() / "tables" / f"nb201_{stat.st_size}_{int(stat.st_mtime)}.npz"
        try:
            with np.load(cached, allow_pickle=False) as z:
                return z["__archs__"].tolist(), {k: z[k] for k in z.files if k != "__archs__"}
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            pass  # absent or half-written: rebuilt below
        archs, columns = _read_source(src)
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".npz")
            os.close(fd)
            np.savez(tmp, __archs__=np.array(archs), **columns)
            os.replace(tmp, cached)
        except OSError:
            pass  # a read-only cache only costs the parse next time
        return archs, columns

    def canonical_dataset(self, name: str) -> str:
        return canonical_dataset(name)
