r"""Protocol (d) for a learned proxy aggregate: do proxy weights fitted on two spaces rank the third?

Usage: ``.venv/bin/python benchmarks/proxy_transfer.py [--steps 300] [--seed 0]``

Reads the proxy values ``benchmarks/proxies.py`` kept (``benchmarks/results/proxies_*_values.json.gz``:
NAS-Bench-201 1,000 cells, NAS-Bench-101 500, Accel-NASBench 300; no labels in them) and each space's
validation accuracy (CIFAR-10; ImageNet for Accel-NASBench). Each proxy becomes its rank within the space,
scaled to (0, 1] (a failed value ranks worst), so that scales never cross spaces. A weight vector :math:`w`
over the proxies scores :math:`s = R w`, fitted by the pairwise logistic loss within each space,

.. math::
    L(w) = \sum_{\text{space}} \mathbb{E}_{(i, j)} \log\bigl(1 + e^{-\operatorname{sign}(y_i - y_j)
    (s_i - s_j)}\bigr) + \lambda \lVert w \rVert^2,

with Adam (4,000 random pairs per space and step). Rows, per left-out space: Kendall tau of the weights
fitted on the other two (the zero-shot figure), of weights fitted on the space itself (in-sample: an upper
bound, not a result), of the parameter count, and of the label-free aggregate ``benchmarks/proxies.py``
chose (log-rank of AZ-NAS's four, T-CET, T-CET(snip), ZiCo and SWAP).
"""

from __future__ import annotations

import argparse
import importlib.util
from functools import cache
from pathlib import Path

import numpy as np
import torch

from tgnas.aggregate import log_rank, ranks
from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau

LABELS = {"nb201": "cifar10", "nb101": "cifar10", "anb": "imagenet"}


@cache
def _universal():
    """``benchmarks/universal.py``, whose :func:`kept_proxies` reads the proxy benchmark's rows and values."""
    spec = importlib.util.spec_from_file_location(
        "benchmark_universal", Path(__file__).with_name("universal.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(space: str) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Proxy names, the rank matrix ``(n, proxies)``, validation accuracy and the raw values per proxy (a
    failed value as ``-inf``, ranked worst), on the rows ``benchmarks/proxies.py`` sampled."""
    rows, raw = _universal().kept_proxies(space)
    y = get_benchmark(space).column(LABELS[space], "valid")[rows]
    names = sorted(raw)
    return names, np.stack([ranks(raw[n]) / len(rows) for n in names], axis=1), y, raw


def fit(data: list[tuple[np.ndarray, np.ndarray]], steps: int, seed: int, l2: float = 1e-3) -> np.ndarray:
    """Weights minimising the within-space pairwise logistic loss over ``data`` (module docstring)."""
    gen = torch.Generator().manual_seed(seed)
    w = torch.zeros(data[0][0].shape[1], requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.05)
    tensors = [(torch.tensor(r, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)) for r, y in data]
    for _ in range(steps):
        loss = l2 * (w**2).sum()
        for r, y in tensors:
            s = r @ w
            i, j = (torch.randint(0, len(y), (4000,), generator=gen) for _ in range(2))
            loss = loss + torch.nn.functional.softplus(-torch.sign(y[i] - y[j]) * (s[i] - s[j])).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return w.detach().numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = {s: load(s) for s in LABELS}
    names = data["nb201"][0]
    if any(d[0] != names for d in data.values()):
        raise SystemExit("the kept proxy files do not hold the same proxies")
    print("| left out | rows | fitted on the other two | fitted on itself (in-sample) | params | chosen |")
    print("|---|---|---|---|---|---|")
    for target, (_, r, y, raw) in data.items():
        others = [(d[1], d[2]) for s, d in data.items() if s != target]
        transfer = kendall_tau(r @ fit(others, args.steps, args.seed), y)
        itself = kendall_tau(r @ fit([(r, y)], args.steps, args.seed), y)
        params = kendall_tau(raw["params"], y)
        chosen = kendall_tau(log_rank({n: raw[n] for n in _universal().CHOSEN_POOL}), y)
        print(f"| {target} | {len(y)} | {transfer:.3f} | {itself:.3f} | {params:.3f} | {chosen:.3f} |")


if __name__ == "__main__":
    main()
