"""NAS-Bench-101 ground truth: the 500 labelled cells of ``nb101/naslib_nb101_500.json`` in the benchmark
data folder (CIFAR-10 validation accuracy after 108 epochs, parameters and FLOPs; source in its README)."""

from __future__ import annotations

import json

import numpy as np

from tgnas.benchmarks.table import LabelledTable
from tgnas.errors import DataError, TgnasError
from tgnas.paths import DATA_FILES, benchmark_file
from tgnas.spaces.nb101 import format_arch, from_spec

SOURCE = DATA_FILES["NAS-Bench-101"]


class NB101Benchmark(LabelledTable):
    """Metrics on ``cifar10``: ``valid`` (%), ``params`` (M), ``flops`` (M)."""

    name = "nb101"
    space = "nb101"
    datasets = ("cifar10",)
    num_classes = {"cifar10": 10}
    input_size = {"cifar10": 32}

    def _load(self) -> tuple[list[str], dict[str, np.ndarray]]:
        path = benchmark_file("NAS-Bench-101", SOURCE)
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            archs = [
                format_arch(from_spec({"adjacency": r["adjacency"], "operations": r["operations"]}))
                for r in rows
            ]
            cols = {
                "valid@cifar10": np.array([float(r["val_accuracy"]) for r in rows]),
                "params@cifar10": np.array([float(r["params_M"]) for r in rows]),
                "flops@cifar10": np.array([float(r["flops_M"]) for r in rows]),
            }
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, TgnasError) as exc:
            raise DataError(f"cannot read the NAS-Bench-101 labels {path}: {exc}") from None
        return archs, cols
