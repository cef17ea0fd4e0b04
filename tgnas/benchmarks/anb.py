"""Accel-NASBench ground truth: the 4,138 labelled architectures of ``anb/anb_train_4138.json`` in the
benchmark data folder (ImageNet top-1/top-5 under the benchmark's short proxy schedule, MACs, parameters,
throughput and latency on six accelerators; source in its README)."""

from __future__ import annotations

import json

import numpy as np

from tgnas.benchmarks.table import LabelledTable
from tgnas.errors import DataError, TgnasError
from tgnas.paths import DATA_FILES, benchmark_file
from tgnas.spaces.anb import format_arch, from_json

SOURCE = DATA_FILES["Accel-NASBench"]
PLATFORM = (
    "throughput_a100",
    "throughput_3090",
    "throughput_tpuv2",
    "throughput_tpuv3",
    "throughput_zcu102",
    "throughput_vck190",
    "latency_zcu102",
    "latency_vck190",
)


class ANBBenchmark(LabelledTable):
    """Metrics on ``imagenet``: ``valid`` (top-1 %), ``valid_top5``, ``flops`` (MACs, M), ``params`` (M)
    and the hardware figures ``throughput_*`` (img/s) and ``latency_*`` (ms)."""

    name = "anb"
    space = "anb"
    datasets = ("imagenet",)
    num_classes = {"imagenet": 1000}
    input_size = {"imagenet": 224}
    aliases = {"imagenet1k": "imagenet", "imagenet-1k": "imagenet"}

    def _load(self) -> tuple[list[str], dict[str, np.ndarray]]:
        path = benchmark_file("Accel-NASBench", SOURCE)
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            archs = [format_arch(from_json(r["architecture"])) for r in rows]
            cols = {
                "valid@imagenet": np.array([float(r["val_top1"]) for r in rows]),
                "valid_top5@imagenet": np.array([float(r["val_top5"]) for r in rows]),
                "flops@imagenet": np.array([float(r["macs_M"]) for r in rows]),
                "params@imagenet": np.array([float(r["params_M"]) for r in rows]),
            }
            for key in PLATFORM:
                cols[f"{key}@imagenet"] = np.array(
                    [_num((r.get("platform_perf") or {}).get(key)) for r in rows]
                )
        except (
            OSError,
            UnicodeDecodeError,
            json.JSONDecodeError,
            KeyError,
            TypeError,
            AttributeError,
            TgnasError,
        ) as exc:
            raise DataError(f"cannot read the Accel-NASBench labels {path}: {exc}") from None
        return archs, cols


def _num(value) -> float:
    """A measured figure, NaN where the benchmark has none."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else float("nan")
