"""Your own labels: protocol (e) run the way a user runs it, through ``tgnas train --labelled FILE``.

Usage: ``.venv/bin/python benchmarks/own_labels.py [--targets nb101,anb] [--labels 200] [--seeds 0]
[--json FILE]``

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
from tgnas.protocols.crossspace import judge, represent
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


def run(target: str, n: int, seed: int, form: str, folder: Path, extra: list[str]) -> dict:
    few = default_rows(target, n, seed + 1000)  # protocol (e)'s draw
    file, ckpt = folder / f"{target}_{n}_{seed}.jsonl", folder / f"{target}_{n}_{seed}.pt"
    labelled_file(file, target, few, form)
    others = ",".join(s for s in SPACES if s != target)
    cmd = [sys.executable, "-m", "tgnas", "train", "--spaces", others, "--labelled", str(file), *extra]
    start = time.perf_counter()
    subprocess.run([*cmd, "--seed", str(seed), "--out", str(ckpt), "--json"], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    judged = unseen_rows(target, few)
    graph_of = FORMS[form][2]
    strings = get_benchmark(target).arch_strings()
    graphs = [graph_of(target, strings[i]) for i in judged] if graph_of else None
    res = judge(load_checkpoint(str(ckpt)), target, judged, graphs)
    how = f" ({' '.join(extra)})" if extra else ""
    return {"row": f"own labels: {target} + {n}, {form}{how}", "seed": seed, "train_s": seconds, **res}


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
    args = parser.parse_args()
    for form in args.forms.split(","):
        if form not in FORMS:
            parser.error(f"unknown form {form!r}; choose from {', '.join(FORMS)}")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (int(s) for s in args.seeds.split(",")):
            for target in args.targets.split(","):
                for form in args.forms.split(","):
                    if target not in FORMS[form][0]:
                        continue
                    r = run(target, args.labels, seed, form, Path(tmp), args.train_args.split())
                    print(
                        " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items())
                    )
                    if args.json:
                        with Path(args.json).open("a") as f:
                            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
