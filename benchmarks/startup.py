"""Cold start of ``tgnas score ARCH`` beside a bare ``python -c "import torch"`` on the same machine.

Usage: ``.venv/bin/python benchmarks/startup.py [--repeats 5]``

Runs each command ``--repeats`` times in fresh processes, alternating them so that both see the same
machine state, and prints the median wall-clock seconds of each and their ratio (the target: at most 1.5).
Also prints which heavy modules the scoring process imported (none of torch_geometric, Lightning and
transformers should be).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
HEAVY = ("torch_geometric", "lightning", "transformers")


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    score = [sys.executable, "-m", "tgnas", "score", BEST]
    torch_only = [sys.executable, "-c", "import torch"]
    timed(score)  # warm the file cache once (the NB201 table cache, .pyc files)
    a, b = [], []
    for _ in range(args.repeats):
        a.append(timed(score))
        b.append(timed(torch_only))
    ms, mt = statistics.median(a), statistics.median(b)
    probe = (
        "import sys\nfrom tgnas.cli import main\n"
        f"sys.argv = ['tgnas', 'score', {BEST!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    heavy = out.strip().splitlines()[-1].removeprefix("HEAVY:")
    print(f"tgnas score ARCH   median {ms:.2f} s  ({', '.join(f'{t:.2f}' for t in a)})")
    print(f"import torch       median {mt:.2f} s  ({', '.join(f'{t:.2f}' for t in b)})")
    print(f"ratio {ms / mt:.2f} (target <= 1.5); heavy modules imported while scoring: {heavy or 'none'}")


if __name__ == "__main__":
    main()
