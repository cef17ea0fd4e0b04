"""A labelled benchmark table: architecture strings of one space and named value columns per dataset.

Subclasses say where the rows come from (:meth:`LabelledTable._load`); queries are shared. Columns are
named ``metric@dataset``; architectures are matched by the space's canonical key, so any string form of an
architecture (or an isomorphic cell) finds its row.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import cached_property

import numpy as np

from tgnas.errors import ArchitectureError, DataError, UnknownNameError


class LabelledTable:
    """Ground truth of one search space; rows in a fixed order (the benchmark's own where it has one).

    Subclasses set ``name``, ``space``, ``datasets`` and implement :meth:`_load`.
    """

    name: str = ""
    space: str = ""
    datasets: tuple[str, ...] = ()
    aliases: dict[str, str] = {}
    num_classes: dict[str, int] = {}  # per dataset: the classifier the benchmark trained
    input_size: dict[str, int] = {}  # per dataset: image height and width
    default_metric: str = "valid"
    match_isomorphic: bool = True  # rows are found by the space's canonical key, else by the string form

    def _key(self, space, arch) -> str:
        return space.canonical(arch) if self.match_isomorphic else space.format(arch)

    def _load(self) -> tuple[list[str], dict[str, np.ndarray]]:
        """``(architecture strings, {"metric@dataset": values})``; raises :class:`DataError`."""
        raise NotImplementedError

    @cached_property
    def _table(self) -> tuple[list[str], dict[str, int], dict[str, np.ndarray]]:
        archs, columns = self._load()
        from tgnas.spaces import get_space

        space = get_space(self.space)
        lookup: dict[str, int] = {}
        for i, a in enumerate(archs):
            lookup.setdefault(self._key(space, space.parse(a)), i)
        return archs, lookup, columns

    def canonical_dataset(self, name: str) -> str:
        key = str(name).strip().lower()
        key = self.aliases.get(key, key)
        if key not in self.datasets:
            raise UnknownNameError(
                f"unknown {self.name} dataset {name!r}; choose one of: {', '.join(self.datasets)}"
            )
        return key

    def __len__(self) -> int:
        return len(self._table[0])

    def arch_strings(self) -> list[str]:
        """Architecture strings in row order."""
        return list(self._table[0])

    def archs(self) -> list[Hashable]:
        from tgnas.spaces import get_space

        space = get_space(self.space)
        return [space.parse(s) for s in self._table[0]]

    def index(self, arch: Hashable | str | int) -> int:
        """The row of ``arch`` (an architecture object, its string, or a row index)."""
        archs, lookup, _ = self._table
        if isinstance(arch, int | np.integer) and not isinstance(arch, bool):
            if not 0 <= arch < len(archs):
                raise ArchitectureError(f"{self.name} index {arch} is outside 0..{len(archs) - 1}")
            return int(arch)
        from tgnas.spaces import get_space

        space = get_space(self.space)
        obj = space.parse(arch) if isinstance(arch, str) else arch
        key = self._key(space, obj)
        if key not in lookup:
            raise ArchitectureError(f"{self.name} has no row for architecture {space.format(obj)}")
        return lookup[key]

    def metrics(self, dataset: str | None = None) -> list[str]:
        """Metric names available for ``dataset`` (the first dataset by default)."""
        ds = self.canonical_dataset(dataset or self.datasets[0])
        return sorted(name.split("@")[0] for name in self._table[2] if name.endswith("@" + ds))

    def column(self, dataset: str | None = None, metric: str | None = None) -> np.ndarray:
        """The metric for every row, in order (``NaN`` where the table has no value)."""
        ds = self.canonical_dataset(dataset or self.datasets[0])
        metric = metric or self.default_metric
        try:
            return self._table[2][f"{metric}@{ds}"]
        except KeyError:
            raise UnknownNameError(
                f"unknown {self.name} metric {metric!r} for {ds}; "
                f"choose one of: {', '.join(self.metrics(ds))}"
            ) from None

    def query(
        self, arch: Hashable | str | int, dataset: str | None = None, metric: str | None = None
    ) -> float:
        """One value; raises :class:`DataError` if the table has none for this architecture."""
        value = float(self.column(dataset, metric)[self.index(arch)])
        if np.isnan(value):
            raise DataError(
                f"{self.name} has no {metric or self.default_metric} on {dataset or self.datasets[0]} "
                f"for row {self.index(arch)}"
            )
        return value

    def query_many(
        self, archs: Sequence, dataset: str | None = None, metric: str | None = None
    ) -> np.ndarray:
        """Vectorised :meth:`query`; missing values stay ``NaN``."""
        return self.column(dataset, metric)[[self.index(a) for a in archs]]
