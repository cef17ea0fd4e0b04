"""Ground-truth tables of benchmark spaces, by space name: ``get_benchmark("nb201")``."""

from __future__ import annotations

from functools import cache

from tgnas.benchmarks.nb201 import NB201Benchmark
from tgnas.registry import Registry

BENCHMARKS: Registry[type] = Registry("benchmark")
BENCHMARKS.add("nb201", NB201Benchmark)


@cache
def get_benchmark(space: str) -> NB201Benchmark:
    """The (shared, lazily loaded) ground truth of ``space``; :class:`UnknownNameError` if it has none."""
    if space not in BENCHMARKS:
        from tgnas.errors import UnknownNameError

        raise UnknownNameError(
            f"search space {space!r} has no benchmark ground truth; spaces with one: {', '.join(BENCHMARKS)}"
        )
    return BENCHMARKS.get(space)()


__all__ = ["BENCHMARKS", "NB201Benchmark", "get_benchmark"]
