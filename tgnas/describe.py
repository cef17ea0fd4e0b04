"""A full description of one architecture: canonical form, operator graph, cost and ground truth."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from tgnas.benchmarks import BENCHMARKS, get_benchmark
from tgnas.errors import ArchitectureError, DataError, TgnasError
from tgnas.spaces import get_space


@dataclass(frozen=True)
class ArchReport:
    """What ``tgnas arch`` prints.

    Attributes:
        space: search-space name.
        arch: the architecture's string form.
        canonical: its isomorphism-free key.
        graph: the operator graph as ``{"nodes": [...], "edges": [...]}``.
        cost: ``{dataset: {"params_M": ..., "flops_M": ...}}`` counted on the built network; for a space
            without a network builder, ``{"cell operators": ...}``: the sum of the cell graph's node
            costs, at the widths the space's graphs use.
        benchmark: ``{dataset: {"index": ..., "test": ..., "valid": ...}}``; empty without ground truth.
    """

    space: str
    arch: str
    canonical: str
    graph: dict
    cost: dict[str, dict[str, float]] = field(default_factory=dict)
    benchmark: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def describe(text: str, space_name: str | None = None, datasets: Sequence[str] | None = None) -> ArchReport:
    """Parses ``text`` in ``space_name`` (an integer is a benchmark index) and describes it.

    Args:
        text: the architecture's string form, or a benchmark index.
        space_name: search-space name; ``None``: the first space that parses ``text``
            (:func:`tgnas.api.parse_in_any_space`), NAS-Bench-201 for an index.
        datasets: benchmark datasets to report (all by default).
    """
    if space_name is None:
        from tgnas.api import parse_in_any_space

        space_name = "nb201" if text.strip().isdigit() else parse_in_any_space(text)[0]
    space = get_space(space_name)
    bench = get_benchmark(space_name) if space_name in BENCHMARKS else None
    if bench is not None and text.strip().isdigit():
        text = bench.arch_strings()[bench.index(int(text))]
    arch = space.parse(text)
    from tgnas.cost import count_flops, count_params  # torch: imported once the input is known to be good

    cost, truth = {}, {}
    if bench is not None:
        for ds in [bench.canonical_dataset(d) for d in datasets] if datasets else bench.datasets:
            net = space.build(arch, num_classes=bench.num_classes[ds])
            size = bench.input_size[ds]
            cost[ds] = {
                "params_M": count_params(net) / 1e6,
                "flops_M": count_flops(net, (3, size, size)) / 1e6,
            }
            try:
                entry: dict[str, float] = {"index": bench.index(arch)}
            except ArchitectureError:  # a valid architecture the labelled table does not hold
                truth[ds] = {}
                continue
            for metric in [m for m in ("test", "valid") if m in bench.metrics(ds)]:
                try:
                    entry[metric] = bench.query(arch, ds, metric)
                except DataError:
                    entry[metric] = float("nan")
            truth[ds] = entry
    else:
        try:
            cost["default"] = {"params_M": count_params(space.build(arch)) / 1e6}
        except TgnasError:  # a space without a network builder: its cell graph's own costs
            nodes = [c for c in space.to_graph(arch).costs or () if c]
            cost["cell operators"] = {
                "params_M": sum(c.get("params", 0.0) for c in nodes) / 1e6,
                "flops_M": sum(c.get("flops", 0.0) for c in nodes) / 1e6,
            }
    return ArchReport(
        space=space_name,
        arch=space.format(arch),
        canonical=space.canonical(arch),
        graph=space.to_graph(arch).to_dict(),
        cost=cost,
        benchmark=truth,
    )
