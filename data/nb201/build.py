"""Rebuilds ``nb201.csv.gz`` from the team's raw copy (``../shared/data/nb201``); not needed at run time.

Usage: ``python data/nb201/build.py ../shared/data/nb201``
"""

import csv
import gzip
import math
import sys
from pathlib import Path

HW = [
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
]
ACC = {"cifar10": "cifar10", "cifar100": "cifar100", "imagenet16_120": "imagenet16-120"}
HW_DS = {"c10": "cifar10", "c100": "cifar100", "img": "imagenet16-120"}


def main(src: Path) -> None:
    with open(src / "nb201_master_15625.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    spec = []  # (column here, column in the source)
    for key, ds in ACC.items():
        spec += [(f"test@{ds}", f"test_acc_{key}"), (f"valid@{ds}", f"val_acc_{key}")]
    for key, ds in (("c10", "cifar10"), ("img", "imagenet16-120")):
        spec += [(f"flops@{ds}", f"flops_M_{key}"), (f"params@{ds}", f"params_M_{key}")]
    for key, ds in HW_DS.items():
        spec += [(f"{h}@{ds}", f"hw_{key}_{h}") for h in HW]

    def fmt(v: str) -> str:
        return "" if v == "" or math.isnan(float(v)) else f"{float(v):.7g}"

    out = Path(__file__).with_name("nb201.csv.gz")
    with gzip.GzipFile(out, "wb", mtime=0) as raw, open_text(raw) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["index", "arch"] + [s for s, _ in spec])
        for i, r in enumerate(rows):
            assert int(r["nats_index"]) == i
            w.writerow([i, r["arch_str"]] + [fmt(r[c]) for _, c in spec])


def open_text(raw):
    import io

    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
