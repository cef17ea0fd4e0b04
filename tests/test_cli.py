import json

import pytest

from tgnas import cli

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


def run(capsys, *args):
    """Runs the CLI entry point in-process; returns (exit code, stdout, stderr)."""
    import sys

    old = sys.argv
    sys.argv = ["tgnas", *args]
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        sys.argv = old
    out = capsys.readouterr()
    return code, out.out, out.err


def test_spaces_json(capsys):
    code, out, _ = run(capsys, "spaces", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["name"] == "nb201" and rows[0]["size"] == 15625 and rows[0]["benchmark"]


def test_arch_json(capsys):
    code, out, _ = run(capsys, "arch", BEST, "--json", "--dataset", "cifar10")
    assert code == 0
    d = json.loads(out)
    assert d["arch"] == BEST and len(d["graph"]["nodes"]) == 8
    assert d["benchmark"]["cifar10"]["index"] >= 0 and 90 < d["benchmark"]["cifar10"]["test"] < 95
    assert d["cost"]["cifar10"]["params_M"] == pytest.approx(1.3, abs=0.3)


def test_arch_by_index_prints_table(capsys):
    code, out, _ = run(capsys, "arch", "6111", "--dataset", "cifar10")
    assert code == 0 and "94.37" in out and "canonical" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["arch", "|bogus~0|"], "malformed"),
        (["arch", BEST.replace("nor_conv_1x1", "conv_9x9")], "unknown NAS-Bench-201 operation 'conv_9x9'"),
        (["arch", "|none~0|+|none~0|+|none~0|none~1|none~2|"], "2 input edge"),
        (["arch", BEST, "--dataset", "svhn"], "unknown NAS-Bench-201 dataset 'svhn'"),
        (["arch", BEST, "--space", "nope"], "unknown search space 'nope'"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
