"""Ground-truth tables of benchmark spaces, by space name: ``get_benchmark("nb201")``."""

from __future__ import annotations

from functools import cache

from tgnas.benchmarks.anb import ANBBenchmark
from tgnas.benchmarks.nb101 import NB101Benchmark
from tgnas.benchmarks.nb201 import NB201Benchmark
from tgnas.benchmarks.table import LabelledTable
from tgnas.registry import Registry

BENCHMARKS: Registry[type] = Registry("benchmark")
BENCHMARKS.add("nb201", NB201Benchmark)
BENCHMARKS.add("nb101", NB101Benchmark)
BENCHMARKS.add("anb", ANBBenchmark)


@cache
def get_benchmark(space: str) -> LabelledTable:
    """The (shared, lazily loaded) ground truth of ``space``; :class:`UnknownNameError` if it has none."""
    if space not in BENCHMARKS:
        from tgnas.errors import UnknownNameError

        raise UnknownNameError(
            f"search space {space!r} has no benchmark ground truth; spaces with one: {', '.join(BENCHMARKS)}"
        )
    return BENCHMARKS.get(space)()


__all__ = ["ANBBenchmark", "BENCHMARKS", "LabelledTable", "NB101Benchmark", "NB201Benchmark", "get_benchmark"]
