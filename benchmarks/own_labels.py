"""Your own labels: protocol (e) run the way a user runs it, through ``tgnas train --labelled FILE``.

Usage: ``.venv/bin/python benchmarks/own_labels.py [--targets nb101,anb] [--labels 200] [--seeds 0]
[--finetune] [--alone] [--bases DIR] [--train-args "..."] [--json FILE]``

For each target space, the seeded labelled rows protocol (e) of ``benchmarks/universal.py`` draws (the same
draw) are written to a temporary file (never kept: the labels are third-party data) as a user would write
them, one ``{"arch": ..., "accuracy": ...}`` per line, in each form of :data:`FORMS`:

- ``json``: the space's own form (a NAS-Bench-101 spec as a JSON object, an Accel-NASBench string);
- ``own words`` (NAS-Bench-101): operator graphs whose operators carry new names and texts
  (``REWORDED_NB101`` of ``benchmarks/universal.py``; no costs), as a new space with new operators would
  be written; ``own words + costs``: the same with each node's parameters and FLOPs.

``tgnas train --spaces <the other spaces> --labelled FILE --seed S`` trains in a subprocess; the checkpoint
it writes judges the target's other rows (NAS-Bench-101: cells not among the labelled ones up to
isomorphism), written the same way as the file, against validation accuracy, beside the parameter count.

With ``--finetune``, a base checkpoint is first trained on the other spaces alone (``tgnas train --spaces
<the other spaces> --seed S``, the leave-one-out checkpoint of protocol (d); kept in ``--bases DIR`` and
reused when there) and judged zero-shot on the same rows; then ``tgnas train --finetune BASE --labelled
FILE --seed S`` fine-tunes it, and ``train_s`` is the fine-tuning's time alone (the base row's is the
base's, 0 when reused). ``--alone`` adds ``tgnas train --labelled FILE --seed S``: the same members
trained from random weights on the file alone, with the fine-tuning schedule (what the base's weights
add); without ``--finetune``, it is the only run. ``--retain N`` also judges the base and the
fine-tuned checkpoint on N seeded NAS-Bench-201 cells outside the base's rows (``retain`` rows): what
fine-tuning keeps of a space it does not see again (``--train-args "--replay R"`` replays R rows per space).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from tgnas.benchmarks import get_benchmark
from tgnas.opgraph import OpGraph
from tgnas.predictor.multispace import LABELS, default_rows
from tgnas.predictor.predictor import load_checkpoint
from tgnas.protocols.crossspace import judge, represent, rows_without
from tgnas.spaces import get_space

sys.path.insert(0, str(Path(__file__).resolve().parent))
from universal import REWORDED_NB101, SPACES, unseen_rows  # noqa: E402 (a sibling script)


def _json_form(space: str, text: str) -> object:
    return json.loads(text) if text.lstrip().startswith("{") else text  # a JSON spec as an object


def _own_words(space: str, text: str, costs: bool = False) -> OpGraph:
    sp = get_space(space)
    given = sp.to_graph(sp.parse(text))
    g = represent(given, "reworded", REWORDED_NB101)
    return OpGraph(g.ops, g.edges, g.texts, given.costs) if costs else g


# form -> (spaces it applies to, the file's "arch" of a benchmark string, the graph judged)
# (an OpGraph "arch" is written as its graph dict)
FORMS = {
    "json": (SPACES, _json_form, None),
    "own words": (("nb101",), _own_words, _own_words),
    "own words + costs": (("nb101",), partial(_own_words, costs=True), partial(_own_words, costs=True)),
}


def labelled_file(path: Path, space: str, rows: list[int], form: str) -> None:
    """Writes ``rows`` of ``space`` with their validation accuracy as a ``--labelled`` file in ``form``."""
    bench = get_benchmark(space)
    strings, y = bench.arch_strings(), bench.column(*LABELS[space])
    arch_of = FORMS[form][1]
    archs = [arch_of(space, strings[i]) for i in rows]
    archs = [a.to_dict() if isinstance(a, OpGraph) else a for a in archs]
    lines = [json.dumps({"arch": a, "accuracy": float(y[i])}) for a, i in zip(archs, rows, strict=True)]
    path.write_text("# protocol (e) rows, written as a user would\n" + "\n".join(lines) + "\n")


def _train(args: list[str], seed: int, out: Path) -> float:
    """Runs ``tgnas train ARGS --seed S --out OUT``; returns its wall time in seconds."""
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "tgnas", "train", *args, "--seed", str(seed), "--out", str(out), "--json"]
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def base_checkpoint(target: str, seed: int, bases: Path) -> tuple[Path, float]:
    """The leave-``target``-out checkpoint of ``seed`` in ``bases``, trained when absent; its training
    seconds (0 when reused)."""
    ckpt = bases / f"base_{target}_{seed}.pt"
    if ckpt.is_file():
        return ckpt, 0.0
    others = ",".join(s for s in SPACES if s != target)
    return ckpt, _train(["--spaces", others], seed, ckpt)


def run(
    target: str,
    n: int,
    seed: int,
    form: str,
    folder: Path,
    extra: list[str],
    bases: Path | None = None,
    alone: bool = False,
    retain: int = 0,
) -> list[dict]:
    few = default_rows(target, n, seed + 1000)  # protocol (e)'s draw
    file, ckpt = folder / f"{target}_{n}_{seed}.jsonl", folder / f"{target}_{n}_{seed}.pt"
    labelled_file(file, target, few, form)
    judged = unseen_rows(target, few)
    graph_of = FORMS[form][2]
    strings = get_benchmark(target).arch_strings()
    graphs = [graph_of(target, strings[i]) for i in judged] if graph_of else None
    how = f" ({' '.join(extra)})" if extra else ""
    rows = []
    if alone:  # the file alone, from random weights (no --train-args: they are the other runs')
        lone = folder / f"{target}_{n}_{seed}_alone.pt"
        seconds = _train(["--labelled", str(file)], seed, lone)
        row = {"row": f"own labels: {target} {n} alone, {form}", "seed": seed, "train_s": seconds}
        rows.append({**row, **judge(load_checkpoint(str(lone)), target, judged, graphs)})
        if bases is None:
            return rows
    if bases is None:
        others = ",".join(s for s in SPACES if s != target)
        seconds = _train(["--spaces", others, "--labelled", str(file), *extra], seed, ckpt)
        name = f"own labels: {target} + {n}, {form}{how}"
    else:
        base, base_s = base_checkpoint(target, seed, bases)
        res = judge(load_checkpoint(str(base)), target, judged, graphs)
        zero = f"own labels: {target} + 0 (base), {form}"
        rows.append({"row": zero, "seed": seed, "train_s": base_s, **res})
        seconds = _train(["--finetune", str(base), "--labelled", str(file), *extra], seed, ckpt)
        name = f"own labels: {target} + {n} fine-tuned, {form}{how}"
    tuned = load_checkpoint(str(ckpt))
    rows.append({"row": name, "seed": seed, "train_s": seconds, **judge(tuned, target, judged, graphs)})
    if bases is not None and retain:
        start = load_checkpoint(str(base))
        kept = retained_rows(start.card, retain, seed)
        for who, pred in (("base", start), ("fine-tuned", tuned)):
            row = {"row": f"retain: nb201 after {target} + {n}, {who}{how}", "seed": seed, "train_s": 0.0}
            rows.append({**row, **judge(pred, "nb201", kept)})
    return rows


def retained_rows(card: dict, n: int, seed: int) -> list[int]:
    """``n`` seeded NAS-Bench-201 rows (sorted) outside those the base's card says it trained on."""
    import numpy as np

    outside = rows_without("nb201", card["split"]["rows"]["nb201"])
    return sorted(int(i) for i in np.random.default_rng(seed + 2000).permutation(outside)[:n])


def _line(row: dict) -> str:
    return " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="nb101")
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--json", default=None, help="append each row as a JSON line to this file")
    parser.add_argument(
        "--train-args", default="", help='more flags for tgnas train, e.g. "--nb201-labels 1000 --limit 1000"'
    )
    parser.add_argument(
        "--finetune", action="store_true", help="fine-tune a leave-one-out base instead of training anew"
    )
    parser.add_argument("--bases", default=None, help="--finetune: folder of the base checkpoints (kept)")
    parser.add_argument(
        "--alone", action="store_true", help="train on the file alone from random weights (beside --finetune)"
    )
    parser.add_argument(
        "--retain", type=int, default=0, help="--finetune: judge N NB201 cells outside the base's rows"
    )
    args = parser.parse_args()
    for form in args.forms.split(","):
        if form not in FORMS:
            parser.error(f"unknown form {form!r}; choose from {', '.join(FORMS)}")
    with tempfile.TemporaryDirectory() as tmp:
        bases = None
        if args.finetune:
            bases = Path(args.bases) if args.bases else Path(tmp)
            bases.mkdir(parents=True, exist_ok=True)
        for seed in (int(s) for s in args.seeds.split(",")):
            for target in args.targets.split(","):
                for form in args.forms.split(","):
                    if target not in FORMS[form][0]:
                        continue
                    extra = args.train_args.split()
                    opts = (bases, args.alone, args.retain)
                    for r in run(target, args.labels, seed, form, Path(tmp), extra, *opts):
                        print(_line(r))
                        if args.json:
                            with Path(args.json).open("a") as f:
                                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
