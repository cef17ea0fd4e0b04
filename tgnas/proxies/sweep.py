"""Proxies over many architectures of a space: progress, append-as-you-go results, resume.

The output is JSON Lines: a header ``{"tgnas_proxies": 1, "config": {...}}`` then one line per architecture
``{"arch": ..., "values": {...}, "failures": {...}, "seconds": ..., "family_seconds": {...}}``, appended and
flushed as each finishes, so an interrupted run loses nothing; a re-run with the same file and settings
skips what is done.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from tgnas.errors import DataError, TgnasError
from tgnas.inputs import loads, quote, read_text
from tgnas.proxies.base import FAMILIES, PROXIES, ProxyBatch
from tgnas.proxies.data import cifar10_batch, gaussian_batch
from tgnas.proxies.runner import WORST, compute_proxies, resolve
from tgnas.spaces import get_space

INPUTS = ("auto", "gaussian", "cifar10")


NETWORK_OPTIONS: dict[str, tuple[str | None, str | None]] = {
    # space: (the build keyword that SweepConfig.channels sets, the one SweepConfig.cells sets)
    "nb201": ("channels", "cells_per_stage"),
    "darts": ("channels", "layers"),
    "nb101": ("stem_channels", None),
    "anb": (None, None),
}
DEFAULTS: dict[str, tuple[int, int]] = {
    # space: (classifier outputs, input resolution) when the config leaves them 0. Accel-NASBench's networks
    # are ImageNet ones (1,000 classes, 224 pixels); their proxies run at a reduced 64 (docs/proxies.md)
    "anb": (1000, 64),
}


@dataclass(frozen=True)
class SweepConfig:
    """Settings that fix every proxy value (part of the output file's header).

    ``input``: ``"auto"`` (the default) gives the families defined on real data (snip, grad_norm, grasp,
    fisher, NWOT, jacob_cov, the layer-wise family, ZiCo, SWAP) the shipped CIFAR-10 images and the others
    (AZ-NAS, Zen, synflow, params, FLOPs) seeded Gaussian noise; ``"gaussian"`` or ``"cifar10"`` give every
    family that input. At a ``resolution`` other than 32 the CIFAR-10 images are resized (bilinear).
    ``revisions`` records each requested family's implementation revision (filled in), so a file written
    by an older implementation of one of them is not resumed.
    """

    space: str = "nb201"
    proxies: tuple[str, ...] = ("az",)  # proxy or family names
    input: str = "auto"  # "auto", "gaussian" noise or the shipped "cifar10" images
    batch_size: int = 64  # images per proxy pass
    seed: int = 0  # seeds the input batch, the initialisation and every proxy
    num_classes: int = 0  # classifier outputs of the built networks; 0: the space's (DEFAULTS, else 10)
    channels: int = 0  # width of the built networks (NETWORK_OPTIONS); 0: the benchmark's network
    cells: int = 0  # depth of the built networks (NETWORK_OPTIONS); 0: the benchmark's network
    resolution: int = 0  # input images are resolution x resolution; 0: the space's (DEFAULTS, else 32)
    revisions: tuple[tuple[str, int], ...] = ()  # (family, revision); filled in from the registry

    def __post_init__(self) -> None:
        if self.space not in NETWORK_OPTIONS:
            get_space(self.space)  # an unknown name: UnknownNameError listing the spaces
            raise TgnasError(f"tgnas builds no networks for the space {self.space!r}, so proxies cannot run")
        classes, size = DEFAULTS.get(self.space, (10, 32))
        object.__setattr__(self, "num_classes", self.num_classes or classes)
        object.__setattr__(self, "resolution", self.resolution or size)
        if self.num_classes < 1:
            raise TgnasError(f"the built networks need at least 1 class, got {self.num_classes}")
        if self.input not in INPUTS:
            raise TgnasError(f"unknown proxy input {self.input!r}; choose one of: {', '.join(INPUTS)}")
        if self.batch_size < 2:
            raise TgnasError(f"a proxy batch needs at least 2 images, got {self.batch_size}")
        if not 8 <= self.resolution <= 512:
            raise TgnasError(f"the proxy input resolution must be 8 to 512 pixels, got {self.resolution}")
        for value, key, what in zip(
            (self.channels, self.cells), NETWORK_OPTIONS[self.space], ("channels", "cells"), strict=True
        ):
            if value < 0 or (value and key is None):
                raise TgnasError(f"the {self.space} network has no {what} setting (got {value})")
        object.__setattr__(self, "proxies", tuple(resolve(self.proxies)))
        if not self.revisions:
            families = dict.fromkeys(PROXIES.get(n).family for n in self.proxies)
            revisions = tuple((f, FAMILIES.get(f).revision) for f in families)
            object.__setattr__(self, "revisions", revisions)

    def input_of(self, family: str) -> str:
        """The input ``family`` sees under this config: ``"gaussian"`` or ``"cifar10"``."""
        if self.input != "auto":
            return self.input
        return "cifar10" if FAMILIES.get(family).data else "gaussian"

    def network_options(self) -> dict[str, int]:
        """Keyword arguments of the space's ``build`` for this config."""
        options = {"num_classes": self.num_classes}
        for value, key in zip((self.channels, self.cells), NETWORK_OPTIONS[self.space], strict=True):
            if value and key is not None:
                options[key] = value
        return options


def proxy_batch(config: SweepConfig) -> tuple[ProxyBatch, ProxyBatch | None]:
    """The batches of a run: ``(batch, data_batch)`` for :func:`~tgnas.proxies.runner.compute_proxies`.

    ``batch`` is seeded Gaussian noise (the shipped CIFAR-10 images under ``input="cifar10"``);
    ``data_batch`` is the shipped images when ``input="auto"`` and a requested family reads real data,
    else ``None``.
    """
    if config.input == "cifar10":
        return cifar10_batch(config.batch_size, config.resolution), None
    noise = gaussian_batch(config.batch_size, config.resolution, config.num_classes, config.seed)
    families = {PROXIES.get(n).family for n in config.proxies}
    if config.input == "auto" and any(config.input_of(f) == "cifar10" for f in families):
        return noise, cifar10_batch(config.batch_size, config.resolution)
    return noise, None


def _read(out: Path, config: SweepConfig) -> dict[str, dict] | None:
    """Rows already in ``out`` (``None`` for a file without a line yet); a last line cut off by an
    interrupted run is dropped (and rewritten away). A row carries ``arch``, ``values``, ``failures``."""
    lines = [line for line in read_text(out, "proxy file").splitlines() if line.strip()]
    if not lines:
        return None
    header = _row(lines[0])
    if header is None or "tgnas_proxies" not in header:
        raise DataError(f"{out} is not a tgnas proxy file (no header line)")
    if header.get("config") != json.loads(json.dumps(asdict(config))):
        raise DataError(
            f"{out} was written with other settings ({quote(header.get('config'))}); use another file"
        )
    done: dict[str, dict] = {}
    for number, line in enumerate(lines[1:], start=2):
        row = _row(line)
        if row is None or not set(row) >= ROW_KEYS or not isinstance(row["arch"], str):
            if number != len(lines):
                raise DataError(f"{out} line {number} is not a proxy row")
            out.write_text("\n".join(lines[:-1]) + "\n")  # drop the half-written last line
            continue
        done[row["arch"]] = row
    return done


ROW_KEYS = {"arch", "values", "failures"}


def _row(line: str) -> dict | None:
    """A JSON object from one line, or ``None``."""
    try:
        row = loads(line, "proxy row")
    except TgnasError:
        return None
    return (
        row
        if isinstance(row, dict) and all(isinstance(row.get(k, {}), dict) for k in ("values", "failures"))
        else None
    )


def proxy_row(arch: str, config: SweepConfig, batch: ProxyBatch, data_batch: ProxyBatch | None) -> dict:
    """One architecture's row: its network built and every proxy computed, seeded by ``config.seed`` alone
    (so a row does not depend on which process computes it, nor on what it computed before)."""
    t0 = time.perf_counter()
    space = get_space(config.space)
    net = space.build(space.parse(arch), **config.network_options())
    result = compute_proxies(
        net, batch, config.proxies, seed=config.seed, reuse_model=True, data_batch=data_batch
    )
    return {
        "arch": arch,
        "values": {n: (None if v == WORST else v) for n, v in result.values.items()},
        "failures": result.failures,
        "seconds": time.perf_counter() - t0,  # build, copy, initialise and every family
        "family_seconds": result.seconds,  # each family's pass alone
    }


def sweep(
    archs: Sequence[str],
    config: SweepConfig,
    out: Path | str | None = None,
    progress: bool = False,
    engine: str = "serial",
    **engine_options,
) -> dict[str, dict]:
    """Computes the proxies of every architecture string; returns ``{arch: row}`` in input order.

    ``engine`` runs the rows (:data:`tgnas.proxies.engines.ENGINES`: ``serial`` here, ``ray`` as Ray tasks
    with ``address`` and ``workers``); either way the driver appends each finished row to ``out`` at once,
    so an interrupted run loses nothing and a re-run computes only what is missing.
    """
    from tgnas.proxies.engines import ENGINES

    run = ENGINES.get(engine)
    space = get_space(config.space)
    parsed = [space.format(space.parse(a)) for a in archs]  # validates every string before any work
    path = Path(out) if out is not None else None
    if path is not None and path.is_dir():
        raise DataError(f"the proxy file {path} is a folder; name a .jsonl file in it")
    done = _read(path, config) if path is not None and path.is_file() else None
    if path is not None and done is None:  # a new (or blank) file: the header first
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"tgnas_proxies": 1, "config": asdict(config)}) + "\n")
    done = done or {}
    batch, data_batch = proxy_batch(config)
    todo = [a for a in dict.fromkeys(parsed) if a not in done]
    bar = _progress(len(todo)) if progress and todo else None
    start = time.perf_counter()

    def finished(row: dict) -> None:
        done[row["arch"]] = row
        if path is not None:
            with path.open("a") as f:
                f.write(json.dumps(row) + "\n")
        if bar is not None:
            k = bar.tasks[0].completed + 1
            bar.update(bar.tasks[0].id, advance=1, rate=f"{k / (time.perf_counter() - start):.2f} arch/s")

    try:
        run(todo, config, batch, data_batch, finished, **engine_options)
    finally:
        if bar is not None:
            bar.stop()
    return {a: done[a] for a in parsed}


def _progress(total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("proxies"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    bar.add_task("proxies", total=total, rate="")
    bar.start()
    return bar


def values_matrix(rows: dict[str, dict], names: Sequence[str]) -> dict[str, np.ndarray]:
    """``{proxy: values in row order}``, failed values as ``-inf`` (the documented worst)."""
    return {
        n: np.array([WORST if r["values"].get(n) is None else r["values"][n] for r in rows.values()])
        for n in names
    }
