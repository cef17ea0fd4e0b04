r"""NAS-Bench-201, NAS-Bench-101 and DARTS networks passed as ``nn.Module``\ s: read back into their cell or
genotype and scored as it?

Usage: ``.venv/bin/python benchmarks/traced_networks.py [--nb201 500] [--every 1] [--width 128]
[--genotypes 100]``

**NAS-Bench-201.** ``--nb201`` cells spread evenly over the rows that neither the NAS-Bench-201 specialist
nor the traced-graph predictor trained or validated on, each built as the benchmark's network (``C = 16``,
``N = 5``) by the space's own code, as ``NATSLike`` in ``tests/space_nets.py`` (the benchmark authors' layout:
operation lists summed by ``sum``, skips that leave no node, features returned beside the logits) and as
``NB201Like`` (zero operations left out, skips as plain references, two cells per stage). Printed per
implementation: how many read back into a cell with the same unique string (for ``NB201Like``: the same
without zero terms), agreement with the read cell string's score, and Kendall tau against CIFAR-10 test and
validation accuracy of the scores now (the specialist's, on the cell read back) and before (the traced-graph
predictor's), beside the parameter count.

**NAS-Bench-101.** Each labelled cell (every ``--every``-th) is built as a network by two implementations:
the space's own (:mod:`tgnas.networks.nb101`) and one written apart from it (``NB101Like`` in
``tests/space_nets.py``: other vertex widths, functional activations, sums in a loop, an adaptive-pool head).
Each module is scored through the plug-in API (``Predictor.score_many(modules, input_shape)``). Printed per
implementation:

- how many modules were read back into their own cell (``read_as``, compared by the benchmark's graph hash);
- agreement with the cell's own score (its spec string): Kendall tau and the largest absolute difference;
- the traced-graph predictor's Kendall tau against validation accuracy on the same cells (what such a module
  was scored by before it was read; that checkpoint trained only on NAS-Bench-201's networks, so the figure
  is zero-shot), beside the benchmark's parameter count.

The shipped universal checkpoint trained on every labelled NAS-Bench-101 cell, so its own tau against these
labels would measure nothing new: the figure here is agreement.

**DARTS.** ``--genotypes`` seeded samples of the space, each built by the space's network (NAS-Bench-301's
8 cells, ``C = 16``) and by ``DartsLike`` in ``tests/space_nets.py`` (5 cells, pools followed by a
normalisation, functional ReLUs and head): how many read back into their genotype, and agreement with the
genotype's own score. There are no DARTS labels outside ``heldout/``, so no figure against accuracy.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import tgnas
from tgnas.api import module_graph
from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau
from tgnas.spaces import get_space

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import space_nets  # noqa: E402 (the test suite's independent networks)

SHAPE = (1, 3, 32, 32)
CHUNK = 25  # modules held at once (a 128-channel network is up to ~100 MB)


def score_modules(predictor, space, archs, build, key, traced: bool = True):
    """Builds each of ``archs`` with ``build`` and scores the modules through the API, ``CHUNK`` at a time.

    Returns the scores, the architecture each was read back into (``None`` where none), how many read back
    into one that ``key`` maps as it maps their own, and (with ``traced``) the traced-graph predictor's scores
    of the same modules."""
    scores, back, before = [], [], []
    for k in range(0, len(archs), CHUNK):
        modules = [build(a).eval() for a in archs[k : k + CHUNK]]
        report = predictor.report(modules, SHAPE, unseen=True)
        scores.extend(report.scores)
        back.extend(None if got is None else space.parse(got.split(" ", 1)[1]) for got in report.read_as)
        if traced:
            before.extend(predictor.traced.score_graphs([module_graph(m, SHAPE) for m in modules]))
    read = sum(b is not None and key(b) == key(a) for a, b in zip(archs, back, strict=True))
    return np.asarray(scores), back, read, np.asarray(before)


def nb201(predictor, args) -> None:
    from tgnas.protocols.crossspace import rows_without
    from tgnas.spaces.nb201_netread import _without_zeros

    space, bench = get_space("nb201"), get_benchmark("nb201")
    used = {i for card in (predictor.predictor.card, predictor.traced.card) for rows in card["split"].values()
            for i in rows}  # fmt: skip
    free = rows_without("nb201", sorted(used))
    rows = free[:: max(1, len(free) // args.nb201)][: args.nb201]
    cells = [space.parse(bench.arch_strings()[i]) for i in rows]
    test, valid = (bench.column("cifar10", m)[rows] for m in ("test", "valid"))
    params = np.array([sum(p.numel() for p in space.build(a).parameters()) for a in cells], dtype=float)
    builders = {
        "tgnas.networks.nb201 (N = 5)": (lambda a: space.build(a), space.canonical),
        "tests/space_nets.py NATSLike (N = 5)": (
            lambda a: space_nets.NATSLike([[(a.op(t, s), s) for s in range(t)] for t in (1, 2, 3)], width=16),
            space.canonical,
        ),
        "tests/space_nets.py NB201Like (N = 2)": (
            lambda a: space_nets.NB201Like(
                {t: {s: a.op(t, s) for s in range(t)} for t in (1, 2, 3)}, width=16
            ),
            lambda a: _without_zeros(space.canonical(a)),
        ),
    }
    print(f"NAS-Bench-201, {len(cells)} cells outside both predictors' rows; the network's parameters tau "
          f"{kendall_tau(params, test):.3f} (test) / {kendall_tau(params, valid):.3f} (valid)\n")  # fmt: skip
    print("| implementation | read as its cell | tau with the read cell's score | now: test / valid "
          "| before (traced predictor): test / valid | s |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, (build, key) in builders.items():
        start = time.time()
        scores, back, read, traced = score_modules(predictor, space, cells, build, key)
        read_or_own = [b if b is not None else a for a, b in zip(cells, back, strict=True)]
        own = predictor.score_many([space.format(c) for c in read_or_own])
        print(
            f"| {name} | {read} / {len(cells)} | {kendall_tau(scores, own):.3f} "
            f"| {kendall_tau(scores, test):.3f} / {kendall_tau(scores, valid):.3f} "
            f"| {kendall_tau(traced, test):.3f} / {kendall_tau(traced, valid):.3f} "
            f"| {time.time() - start:.0f} |"
        )


def nb101(predictor, args) -> None:
    space, bench = get_space("nb101"), get_benchmark("nb101")
    strings = bench.arch_strings()[:: args.every]
    cells = [space.parse(s) for s in strings]
    valid = bench.column("cifar10", "valid")[:: args.every]
    params = bench.column("cifar10", "params")[:: args.every]
    given = predictor.score_many(strings)
    builders = {
        "tgnas.networks.nb101": lambda a: space.build(a, stem_channels=args.width),
        "tests/space_nets.py NB101Like": lambda a: space_nets.NB101Like(a.matrix, a.ops, width=args.width),
    }
    print(f"\nNAS-Bench-101, {len(cells)} labelled cells, stem width {args.width}; params tau "
          f"{kendall_tau(params, valid):.3f} against validation accuracy\n")  # fmt: skip
    print("| implementation | read as its cell | tau with its spec's score | largest difference "
          "| traced predictor tau (before) | s |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, build in builders.items():
        start = time.time()
        scores, _, read, traced = score_modules(predictor, space, cells, build, space.canonical)
        print(
            f"| {name} | {read} / {len(cells)} | {kendall_tau(scores, given):.3f} "
            f"| {np.abs(scores - given).max():.2e} | {kendall_tau(traced, valid):.3f} "
            f"| {time.time() - start:.0f} |"
        )


def darts(predictor, args) -> None:
    space = get_space("darts")
    rng = np.random.default_rng(0)
    genotypes = [space.sample(rng) for _ in range(args.genotypes)]
    given = predictor.score_many([space.format(g) for g in genotypes])
    builders = {
        "tgnas.networks.darts (8 cells, C = 16)": lambda g: space.build(g, channels=16),
        "tests/space_nets.py DartsLike (5 cells, C = 16)": lambda g: space_nets.DartsLike(
            g, width=16, layers=5
        ),
    }
    print(f"\nDARTS, {len(genotypes)} sampled genotypes (seed 0)\n")
    print("| implementation | read as its genotype | tau with its genotype's score | largest diff. | s |")
    print("|---|---|---|---|---|")
    for name, build in builders.items():
        start = time.time()
        scores, _, read, _ = score_modules(predictor, space, genotypes, build, space.canonical, traced=False)
        print(
            f"| {name} | {read} / {len(genotypes)} | {kendall_tau(scores, given):.3f} "
            f"| {np.abs(scores - given).max():.2e} | {time.time() - start:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nb201", type=int, default=500, help="NAS-Bench-201 cells outside training rows")
    parser.add_argument("--every", type=int, default=1, help="judge every k-th labelled NAS-Bench-101 cell")
    parser.add_argument("--width", type=int, default=128, help="NAS-Bench-101 stem width (benchmark's)")
    parser.add_argument("--genotypes", type=int, default=100, help="sampled DARTS genotypes")
    args = parser.parse_args()
    predictor = tgnas.load_predictor()
    nb201(predictor, args)
    nb101(predictor, args)
    darts(predictor, args)


if __name__ == "__main__":
    main()
