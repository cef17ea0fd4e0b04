"""NAS-Bench-201 ground truth: accuracies, hardware costs, FLOPs and parameters of all 15,625 cells.

Reads ``data/nb201/nb201.csv.gz`` (see the README beside it for sources) on the first query, not at import.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from tgnas.errors import ArchitectureError, DataError, UnknownNameError
from tgnas.paths import data_dir
from tgnas.spaces.nb201 import NB201Arch, format_arch, parse

DATASETS: tuple[str, ...] = ("cifar10", "cifar100", "imagenet16-120")
_ALIASES = {"imagenet": "imagenet16-120", "imagenet16": "imagenet16-120", "imagenet16_120": "imagenet16-120"}
NUM_CLASSES = {"cifar10": 10, "cifar100": 100, "imagenet16-120": 120}
INPUT_SIZE = {"cifar10": 32, "cifar100": 32, "imagenet16-120": 16}

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


class NB201Benchmark:
    """Query NAS-Bench-201 ground truth by architecture (object, string or index), dataset and metric.

    Metrics: ``test`` and ``valid`` accuracy (%), ``flops`` (M) and ``params`` (M) where the table has
    them, and the HW-NAS-Bench hardware metrics (``edgegpu_latency``, ``fpga_energy``, ...); see
    :meth:`metrics`.

    Args:
        path: the gzip CSV; defaults to ``data/nb201/nb201.csv.gz``.
    """

    name = "nb201"
    space = "nb201"
    datasets = DATASETS

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / "nb201" / "nb201.csv.gz"

    @cached_property
    def _table(self) -> tuple[list[str], dict[str, int], dict[str, np.ndarray]]:
        if not self.path.is_file():
            raise DataError(
                f"NAS-Bench-201 table not found at {self.path} (set TGNAS_DATA to the data folder)"
            )
        try:
            with gzip.open(self.path, "rt", newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                rows = list(reader)
        except (OSError, EOFError, StopIteration, csv.Error) as exc:
            raise DataError(f"cannot read the NAS-Bench-201 table {self.path}: {exc}") from None
        if header[:2] != ["index", "arch"] or len(rows) != 15625:
            raise DataError(f"{self.path} is not a NAS-Bench-201 table (bad header or {len(rows)} rows)")
        archs = [r[1] for r in rows]
        values = np.array([[float(v) if v else np.nan for v in r[2:]] for r in rows])  # (15625, M)
        columns = {name: values[:, j] for j, name in enumerate(header[2:])}
        return archs, {a: i for i, a in enumerate(archs)}, columns

    def __len__(self) -> int:
        return len(self._table[0])

    def arch_strings(self) -> list[str]:
        """Architecture strings in the benchmark's index order."""
        return list(self._table[0])

    def archs(self) -> list[NB201Arch]:
        """All architectures in the benchmark's index order."""
        return [parse(s) for s in self._table[0]]

    def index(self, arch: Arch) -> int:
        """The benchmark index of ``arch`` (an :class:`NB201Arch`, its string, or an index)."""
        archs, lookup, _ = self._table
        if isinstance(arch, int | np.integer) and not isinstance(arch, bool):
            if not 0 <= arch < len(archs):
                raise ArchitectureError(f"NAS-Bench-201 index {arch} is outside 0..{len(archs) - 1}")
            return int(arch)
        text = format_arch(arch if isinstance(arch, NB201Arch) else parse(arch))
        return lookup[text]

    def metrics(self, dataset: str = "cifar10") -> list[str]:
        """Metric names available for ``dataset``."""
        ds = canonical_dataset(dataset)
        return sorted(name.split("@")[0] for name in self._table[2] if name.endswith("@" + ds))

    def column(self, dataset: str = "cifar10", metric: str = "test") -> np.ndarray:
        """The metric for every architecture, in index order (``NaN`` where the table has no value)."""
        ds = canonical_dataset(dataset)
        try:
            return self._table[2][f"{metric}@{ds}"]
        except KeyError:
            raise UnknownNameError(
                f"unknown NAS-Bench-201 metric {metric!r} for {ds}; "
                f"choose one of: {', '.join(self.metrics(ds))}"
            ) from None

    def query(self, arch: Arch, dataset: str = "cifar10", metric: str = "test") -> float:
        """One value; raises :class:`DataError` if the table has none for this architecture."""
        value = float(self.column(dataset, metric)[self.index(arch)])
        if np.isnan(value):
            raise DataError(f"NAS-Bench-201 has no {metric} on {dataset} for architecture {self.index(arch)}")
        return value

    def query_many(self, archs: Sequence[Arch], dataset: str = "cifar10", metric: str = "test") -> np.ndarray:
        """Vectorised :meth:`query`; missing values stay ``NaN``."""
        return self.column(dataset, metric)[[self.index(a) for a in archs]]
