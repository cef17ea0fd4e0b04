import json
import re

import numpy as np
import pytest
import torch

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
    rows = {r["name"]: r for r in json.loads(out)["spaces"]}
    assert rows["nb201"]["size"] == 15625 and rows["nb201"]["benchmark"]
    assert rows["darts"]["size"] is None and not rows["darts"]["benchmark"]


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


def test_train_then_evaluate_round_trip(capsys, tmp_path):
    out = tmp_path / "tiny.pt"
    code, stdout, err = run(
        capsys,
        "train",
        "--labels",
        "30",
        "--epochs",
        "3",
        "--batch-size",
        "8",
        "--rank-weight",
        "1.5",
        "--text-noise",
        "0.05",
        "--global-cost",
        "--unseen-prior-weight",
        "0.4",
        "--out",
        str(out),
        "--json",
        "--accelerator",
        "cpu",
    )
    assert code == 0, err
    trained = json.loads(stdout)
    card = json.loads(out.with_suffix(".json").read_text())
    assert len(card["split"]["train"]) == 30 and card["split"]["val"] == []
    hp = card["hyperparameters"]  # every training option reaches the trainer and its card
    assert (hp["epochs"], hp["batch_size"], hp["rank_weight"]) == (3, 8, 1.5)
    assert (hp["text_noise"], hp["model"]["global_cost"], card["gcn"]["global_cost"]) == (0.05, True, True)
    assert (
        hp["val_fraction"] == 0.0
    )  # unset: the schedule for 30 labels (tgnas.predictor.config.schedule_for)
    assert hp["unseen_prior_weight"] == card["cost_prior"]["weight"] == 0.4  # fitted on the 30 labels
    assert trained["evaluation"]["cifar10"]["n"] == 15625 - 30
    code, stdout, _ = run(capsys, "evaluate", "--checkpoint", str(out), "--json", "--dataset", "cifar100")
    assert code == 0
    ev = json.loads(stdout)["cifar100"]
    assert ev["n"] == 15625 - 30 and ev["excluded"] == 30 and -1 <= ev["kendall_tau"] <= 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["evaluate", "--checkpoint", "/nonexistent/x.pt"], "not found"),
        (["evaluate", "--scorer", "oracle"], "unknown scorer 'oracle'"),
        (["train", "--protocol", "bogus"], "unknown protocol 'bogus'"),
        (["train", "--labels", "1"], "labelled architectures"),
        (["train", "--protocol", "unseen-op", "--op", "none"], "other than none"),
        (["train", "--train-metric", "flops"], "--train-metric must be valid or test"),
        (["train", "--protocol", "nested-unseen-op", "--inner", "avg_pool_3x3"], "must differ from"),
        (["evaluate", "--dataset", "mnist"], "unknown NAS-Bench-201 dataset 'mnist'"),
        (["evaluate", "--scorer", "proxies:,"], "no proxy named"),
        (["train", "--labels", "20", "--epochs", "1", "--accelerator", "tpu"], "accelerator 'tpu'"),
        (["train", "--labels", "20", "--epochs", "1", "--strategy", "warp"], "strategy 'warp'"),
        (
            ["train", "--spaces", "nb101", "--limit", "20", "--epochs", "1", "--strategy", "warp"],
            "strategy 'warp'",
        ),
        (["train", "--devices", "0"], "--devices"),
        (["train", "--out", "."], "is a folder; name the checkpoint file in it"),
    ],
)
def test_predictor_commands_bad_input(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and message in err


def test_train_nested_unseen_op(capsys, tmp_path):
    """The model-selection protocol of (b) trains from the command line: cells without --op and --inner."""
    out = tmp_path / "nested.pt"
    args = ["train", "--protocol", "nested-unseen-op", "--op", "avg_pool_3x3", "--inner", "nor_conv_1x1"]
    args += ["--epochs", "1", "--eval-sample", "50", "--out", str(out), "--json", "--accelerator", "cpu"]
    code, stdout, err = run(capsys, *args)
    assert code == 0, err
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["protocol"] == "nested-unseen-avg_pool_3x3-nor_conv_1x1"
    trained = card["split"]["train"] + card["split"]["val"]
    assert len(trained) == 3**6  # every cell built from none, skip and 3x3 only
    assert json.loads(stdout)["evaluation"]["cifar10"]["n"] == 50


def test_proxies_command_and_evaluate(capsys, tmp_path, monkeypatch):
    out = tmp_path / "p.jsonl"
    code, stdout, err = run(
        capsys, "proxies", "--sample", "3", "--proxies", "params,flops", "--out", str(out), "--json"
    )
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["architectures"] == 3 and summary["proxies"] == ["params", "flops"]
    code, stdout, err = run(capsys, "evaluate", "--scorer", "proxies:params", "--sample", "3", "--json")
    assert code == 0, err
    ev = json.loads(stdout)["cifar10"]
    assert ev["n"] == 3 and -1 <= ev["kendall_tau"] <= 1


def test_proxies_of_your_own_file_resume_and_match_the_library(capsys, tmp_path, monkeypatch):
    """``tgnas proxies --file`` sweeps a file's architectures (comments skipped, repeats once), finds their
    space, resumes what its output holds, and gives what ``tgnas.proxies.score`` gives."""
    import tgnas

    cells = [BEST, "|nor_conv_1x1~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"]
    runs, out = tmp_path / "cells.txt", tmp_path / "p.jsonl"
    runs.write_text(f"# mine\n{cells[0]}\n{cells[1]}\n{cells[0]}\n")
    args = ("proxies", "--file", str(runs), "--proxies", "params,synflow", "--out", str(out), "--json")
    code, stdout, err = run(capsys, *args)
    assert code == 0 and json.loads(stdout)["architectures"] == 2, err
    header, *rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert header["config"]["space"] == "nb201" and [r["arch"] for r in rows] == cells
    want = tgnas.proxies.score(cells[1], ["params", "synflow"])
    assert rows[1]["values"] == pytest.approx(want.values)
    runs.write_text(runs.read_text() + "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|\n")
    code, stdout, err = run(capsys, *args)
    assert code == 0 and json.loads(stdout)["architectures"] == 3, err
    assert len(out.read_text().splitlines()) == 4  # the header, two rows kept, one computed
    mixed = tmp_path / "mixed.txt"
    mixed.write_text(f"{cells[0]}\ne6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2\n")
    graph = tmp_path / "graph.txt"
    graph.write_text(json.dumps({"nodes": [{"op": "input"}, {"op": "output"}], "edges": [[0, 1]]}) + "\n")
    for extra, match in [
        (("--file", str(mixed)), "mixed.txt item 2 is of space anb, not nb201: one space per file"),
        (("--file", str(runs), "--space", "anb"), "item 1 is of space nb201, not anb"),
        (("--file", str(runs), "--space", "nope"), "unknown search space 'nope'"),
        (("--file", str(runs), "--sample", "3"), "give one"),
        (("--file", str(graph)), "graph.txt item 1: a graph has no network"),
        (("--file", str(tmp_path / "none.txt")), "not found"),
    ]:
        code, _, err = run(capsys, "proxies", *extra, "--proxies", "params", "--out", str(tmp_path / "x.jl"))
        assert code == 2 and match in err, err


@pytest.mark.parametrize(
    "args, message",
    [
        (["proxies", "--proxies", "magic", "--out", "x.jsonl"], "unknown proxy 'magic'"),
        (["proxies", "--input", "svhn", "--out", "x.jsonl"], "unknown proxy input"),
        (["evaluate", "--scorer", "proxies:magic"], "unknown proxy 'magic'"),
    ],
)
def test_proxy_commands_bad_input(capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err


def test_search_json_withholds_the_training_dataset(capsys):
    code, out, _ = run(capsys, "search", "--searcher", "prune", "--budget", "100", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["scored"] == 85 and set(d["truth"]) == {"cifar100", "imagenet16-120"}
    assert "cifar10" in d["notes"]["withheld"]


def test_search_few_shot_checkpoint_reports_cifar10(capsys):
    code, out, _ = run(
        capsys,
        "search",
        "--checkpoint",
        "nb201_cifar10_156",
        "--searcher",
        "evolution",
        "--budget",
        "60",
        "--json",
    )
    assert code == 0
    d = json.loads(out)
    assert d["notes"]["labels_used"] == 156 and 10 < d["truth"]["cifar10"]["test"] < 95


def test_search_without_a_searcher_evolves_where_nothing_can_be_pruned(capsys):
    code, out, err = run(capsys, "search", "--space", "anb", "--budget", "20", "--json")
    assert code == 0, err
    assert json.loads(out)["searcher"] == "evolution"


def test_search_the_unseen_pool_of_a_space_labelled_in_part(capsys):
    """NAS-Bench-101's file labels few of its cells: the unseen pool's search is judged on one of them, and
    the table shows the one accuracy its labels hold."""
    args = ("search", "--space", "nb101", "--pool", "unseen", "--scorer", "proxies:params", "--budget", "5")
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert set(d["truth"]["cifar10"]) == {"valid"} and d["notes"]["pool"]["left_out_as_seen"] == 0
    code, out, err = run(capsys, *args)
    assert code == 0 and "valid acc" in out and "test acc" not in out, err
    code, _, err = run(capsys, "search", "--space", "anb", "--pool", "unseen", "--budget", "5")
    assert code == 2 and "every labelled anb architecture: no pool" in err


def test_search_darts_returns_a_genotype(capsys):
    code, out, _ = run(
        capsys, "search", "--space", "darts", "--searcher", "random", "--budget", "20", "--json"
    )
    assert code == 0
    d = json.loads(out)
    assert d["arch"].startswith("Genotype(normal=") and d["truth"] == {}


@pytest.mark.parametrize(
    "args, match",
    [
        (("search", "--budget", "0"), "budget"),
        (("search", "--searcher", "annealing"), "unknown searcher"),
        (("search", "--searcher", "cascade", "--budget", "50"), "cascade searcher needs the ensemble"),
        (("search", "--scorer", "oracle"), "unknown scorer"),
        (("search", "--dataset", "cifar10"), "refusing to report cifar10"),
        (("search", "--space", "darts", "--dataset", "cifar10"), "no benchmark"),
        (("search", "--space", "darts", "--searcher", "prune"), "supernet"),
        (("score", "Genotype(normal=[('sep_conv_3x3', 0)], reduce=[])"), "needs 8"),
        (("score",), "nothing to score"),
    ],
)
def test_search_and_score_bad_input(capsys, args, match):
    code, _, err = run(capsys, *args)
    assert code == 2 and err.startswith("error:") and re.search(match, err)


def test_score_graphs_file(capsys, tmp_path):
    path = tmp_path / "g.jsonl"
    chain = {"nodes": [{"op": "input"}, {"op": "sep_conv_3x3"}, {"op": "output"}], "edges": [[0, 1], [1, 2]]}
    path.write_text(json.dumps(chain) + "\n" + json.dumps(chain) + "\n")
    code, out, err = run(capsys, "score", BEST, "--graphs", str(path))
    assert code == 0 and len(out.split()) == 3  # graphs go to the universal predictor, whose prior is its
    assert "sep_conv_3x3 was never seen" in err and "(2 node(s))" in err  # own log-parameter term
    assert err.count("0.7 x a log-parameter prior fitted on the training labels + 0.3 x the GCN") == 1
    code, out, err = run(capsys, "score", BEST, "--graphs", str(path), "--checkpoint", "nb201_cifar10_half")
    assert code == 0
    values = [float(v) for v in out.split()]
    assert len(values) == 3 and values[1] == values[2]
    # the shipped predictor never saw a separable convolution: stderr says so and what it reads it as
    assert "note: sep_conv_3x3 was never seen in training: " in err and "cosine" in err
    assert err.count("0.7 x a log-parameter prior fitted on the training labels + 0.3 x the GCN") == 1
    code, _, err = run(capsys, "score", BEST)
    assert code == 0 and err == ""  # every NAS-Bench-201 operator is known to it
    path.write_text(
        json.dumps(chain) + "\n" + '{"nodes": [{"op": "input"}, {"op": "output"}], "edges": [[1, 0]]}\n'
    )
    code, _, err = run(capsys, "score", "--graphs", str(path))
    assert code == 2 and "line 2" in err


def test_score_file_reads_a_json_array_of_records(capsys, tmp_path):
    from tgnas.spaces import get_space
    from tgnas.spaces.anb import to_json
    from tgnas.spaces.darts_forms import to_compact

    ops = ["input", "conv3x3-bn-relu", "output"]
    spec = {"adjacency": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "operations": ops}
    anb = "e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2"
    items = [{**spec, "val_accuracy": 91.2}, {"id": 7, "architecture": to_json(get_space("anb").parse(anb))}]
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps(items + [BEST], indent=2))  # pretty-printed over many lines
    code, out, err = run(capsys, "score", "--file", str(path))
    assert code == 0, err
    code, lines, _ = run(capsys, "score", "--file", str(_lines(tmp_path, [json.dumps(spec), anb, BEST])))
    assert [float(v) for v in out.split()] == pytest.approx([float(v) for v in lines.split()], abs=1e-4)
    arch = get_space("darts").sample(np.random.default_rng(0))
    compact = json.dumps(to_compact(arch.normal, arch.reduce))  # an array of arrays: one architecture
    code, out, err = run(capsys, "score", "--file", str(_lines(tmp_path, [compact])))
    assert code == 0 and len(out.split()) == 1, err
    path.write_text(json.dumps([spec, {"matrix": [[0, 1], [1, 0]], "ops": ["input", "output"]}]))
    code, _, err = run(capsys, "score", "--file", str(path))
    assert code == 2 and "element 2" in err and err.count("\n") == 1


def _lines(tmp_path, lines):
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_score_notes_a_contracted_sum_node(capsys, tmp_path):
    path = tmp_path / "g.jsonl"
    add = {"op": "add", "text": "sums its inputs"}
    nodes = [{"op": "input"}, {"op": "nor_conv_3x3"}, add, {"op": "output"}]
    path.write_text(json.dumps({"nodes": nodes, "edges": [[0, 1], [0, 2], [1, 2], [2, 3]]}) + "\n")
    code, out, err = run(capsys, "score", "--graphs", str(path))
    assert code == 0 and "it is read as a sum of its inputs, which then feed its successors directly" in err
    assert "log-parameter prior" not in err  # a contracted node leaves no unseen operator for a prior


def test_score_notes_a_graph_read_back_into_an_architecture(capsys, tmp_path):
    """A network written one node per block is read as its architecture: scored as it, and said so."""
    anb = "e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2"
    widths = (16, 24, 40, 80, 112, 192, 320)
    blocks = [
        {"op": "block", "text": f"{b}, to {w} channels"} for b, w in zip(anb.split("-"), widths, strict=True)
    ]
    nodes = [{"op": "input"}, *blocks]
    edges = [[i, i + 1] for i in range(len(nodes))]
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"nodes": [*nodes, {"op": "output"}], "edges": edges}) + "\n")
    code, out, err = run(capsys, "score", "--graphs", str(path), "--json")
    row = json.loads(out)
    assert code == 0 and row["notes"] == [
        f"read as the anb architecture {anb} and scored as the space gives it"
    ]
    code, single, _ = run(capsys, "score", anb)
    assert row["score"] == pytest.approx(float(single), abs=1e-4)
    code, out, err = run(capsys, "score", "--graphs", str(path))
    assert code == 0 and f"read as the anb architecture {anb}" in err


def test_score_file_of_mixed_spaces_and_stdin(capsys, tmp_path, monkeypatch):
    import io

    spec = '{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input","conv3x3-bn-relu","output"]}'
    anb = "e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2"
    graph = '{"nodes": [{"op": "input"}, {"op": "maxpool3x3"}, {"op": "output"}], "edges": [[0, 1], [1, 2]]}'
    path = tmp_path / "c.txt"
    path.write_text(f"# candidates\n{BEST}\n\n{spec}\n{anb}\n{graph}\n")
    code, out, err = run(capsys, "score", "--file", str(path))
    assert code == 0, err
    values = [float(v) for v in out.split()]
    code, single, _ = run(capsys, "score", anb)
    assert len(values) == 4 and float(single) == pytest.approx(values[2], abs=1e-4)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{BEST}\n"))
    code, out, _ = run(capsys, "score", "--file", "-")
    assert code == 0 and float(out) == pytest.approx(values[0], abs=1e-4)
    path.write_text(f"{BEST}\ne6k3l1-e4k5l2\n")
    code, _, err = run(capsys, "score", "--file", str(path))
    assert code == 2 and "line 2" in err and err.count("\n") == 1
    path.write_bytes(b"\xff\xfe bad bytes\n")
    code, _, err = run(capsys, "score", "--file", str(path))
    assert code == 2 and "UTF-8" in err


def test_score_file_reads_nb301_configurations_and_compact_genotypes(capsys, tmp_path):
    from tgnas.spaces import get_space
    from tgnas.spaces.darts_forms import to_compact, to_config

    arch = get_space("darts").sample(np.random.default_rng(0))
    genotype = get_space("darts").format(arch)
    path = tmp_path / "g.txt"
    config, compact = to_config(arch.normal, arch.reduce), to_compact(arch.normal, arch.reduce)
    path.write_text(f"{genotype}\n{json.dumps(config)}\n{compact}\n")
    code, out, err = run(capsys, "score", "--file", str(path))
    assert code == 0, err
    values = [float(v) for v in out.split()]
    assert len(values) == 3 and values[1] == pytest.approx(values[0], abs=1e-5) == values[2]
    path.write_text(f"{genotype}\n" + '{"NetworkSelectorDatasetInfo:darts:edge_normal_0": "sep_conv_3x3"}\n')
    code, _, err = run(capsys, "score", "--file", str(path))
    assert code == 2 and "line 2" in err and "node 2 of the normal cell needs two edges" in err


def test_score_file_reads_efficientnet_block_strings(capsys, tmp_path):
    from tgnas.spaces import get_space
    from tgnas.spaces.anb_forms import to_blocks

    arch = get_space("anb").sample(np.random.default_rng(0))
    path = tmp_path / "anb.txt"
    path.write_text(f"{arch}\n{' '.join(to_blocks(arch))}\n{json.dumps(to_blocks(arch, 'timm'))}\n")
    code, out, err = run(capsys, "score", "--file", str(path))
    assert code == 0, err
    values = [float(v) for v in out.split()]
    assert len(values) == 3 and values[0] == values[1] == values[2]
    path.write_text(" ".join(to_blocks(arch)).replace("_s11_", "_s22_", 1) + "\n")  # block 0 has stride 1
    code, _, err = run(capsys, "score", "--file", str(path))
    assert code == 2 and "line 1" in err and "block 0" in err and "stride 1 in the space" in err


def test_proxies_run_on_every_space_with_a_network(capsys, tmp_path):
    for space in ("anb", "nb101", "darts"):
        out = tmp_path / f"{space}.jsonl"
        code, stdout, err = run(
            capsys,
            "proxies",
            "--space",
            space,
            "--sample",
            "2",
            "--proxies",
            "params",
            "--out",
            str(out),
            "--json",
        )
        assert code == 0, err
        assert json.loads(stdout)["architectures"] == 2
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert rows[0]["config"]["space"] == space and all(r["values"]["params"] > 1e5 for r in rows[1:])
    assert rows[0]["config"]["resolution"] == 32
    code, _, err = run(
        capsys, "proxies", "--space", "darts", "--proxies", "params", "--out", "x.jsonl", "--resolution", "4"
    )
    assert code == 2 and "resolution" in err


def test_search_on_the_new_spaces_withholds_what_the_universal_trained_on(capsys):
    code, out, err = run(
        capsys, "search", "--space", "anb", "--searcher", "random", "--budget", "20", "--json"
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["notes"]["labels_used"] == 4138 and "imagenet" in d["notes"]["withheld"]
    args = (
        "search",
        "--space",
        "nb101",
        "--searcher",
        "random",
        "--budget",
        "20",
        "--checkpoint",
        "nb201_cifar10_half",
    )
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    assert json.loads(out)["notes"]["labels_used"] == 0  # NAS-Bench-201 labels cost an NB101 search nothing


@pytest.mark.parametrize(
    "args, match",
    [
        (("train", "--spaces", "nb201,darts"), "distinct labelled spaces"),
        (("train", "--spaces", "nb101,nb101"), "distinct"),
        (("train", "--spaces", ""), "distinct"),
    ],
)
def test_train_spaces_bad_input(capsys, args, match):
    code, _, err = run(capsys, *args)
    assert code == 2 and re.search(match, err)


def test_arch_of_the_new_spaces(capsys):
    anb = "e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2"
    code, out, err = run(capsys, "arch", anb, "--space", "anb", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["arch"] == anb and d["cost"]["imagenet"]["params_M"] > 1
    from tgnas.benchmarks import get_benchmark

    spec = get_benchmark("nb101").arch_strings()[0]  # a labelled cell: its validation accuracy is shown
    code, out, err = run(capsys, "arch", spec, "--space", "nb101")
    assert code == 0 and "valid acc" in out and "test acc" not in out
    from tgnas.errors import ArchitectureError
    from tgnas.spaces import get_space

    space, rng = get_space("nb101"), np.random.default_rng(0)
    while True:  # a cell the labelled file does not hold
        lone = space.sample(rng)
        try:
            get_benchmark("nb101").index(lone)
        except ArchitectureError:
            break
    code, out, err = run(capsys, "arch", space.format(lone), "--space", "nb101")
    assert code == 0 and "acc" not in out
    code, _, err = run(
        capsys, "arch", '{"matrix": [[0,1],[1,0]], "ops": ["input","output"]}', "--space", "nb101"
    )
    assert code == 2 and "upper-triangular" in err


def test_arch_finds_the_space_that_reads_it(capsys):
    from tgnas.benchmarks import get_benchmark

    forms = {
        "anb": "e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2",
        "nb101": get_benchmark("nb101").arch_strings()[0],
        "nb201": "6111",
    }
    for space, form in forms.items():
        code, out, err = run(capsys, "arch", form, "--json")
        assert code == 0 and json.loads(out)["space"] == space, err
    code, _, err = run(capsys, "arch", "e6k3l1")
    assert code == 2 and "no search space parses 'e6k3l1'" in err and "anb: " in err


def test_train_spaces_writes_a_universal_checkpoint(capsys, tmp_path):
    out = tmp_path / "u.pt"
    args = ("train", "--spaces", "nb101,anb", "--limit", "60", "--epochs", "1", "--out", str(out), "--json")
    code, stdout, err = run(capsys, *args)
    assert code == 0, err
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["protocol"] == "multi-space" and set(card["split"]["rows"]) == {"nb101", "anb"}
    assert len(card["split"]["rows"]["anb"]) == 60 and card["hyperparameters"]["epochs"] == 1
    assert card["hyperparameters"]["model"]["cost_path"] == "prior" and card["cost_slope"] is not None


def test_train_with_own_labels(capsys, tmp_path):
    runs = tmp_path / "runs.jsonl"
    specs = [
        {"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]},
        {"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "maxpool3x3", "output"]},
        {"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv1x1-bn-relu", "output"]},
    ]
    graphs = [
        {"nodes": [{"op": "input"}, {"op": op}, {"op": "output"}], "edges": [[0, 1], [1, 2]]}
        for op in ("nor_conv_3x3", "skip_connect")
    ]
    records = [{"arch": a, "accuracy": 90.0 - k} for k, a in enumerate(specs)]
    records += [{"arch": g, "accuracy": 50.0 - k, "group": "mine"} for k, g in enumerate(graphs)]
    runs.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "u.pt"
    args = ("train", "--spaces", "nb101", "--limit", "20", "--epochs", "1", "--out", str(out))
    code, stdout, err = run(capsys, *args, "--labelled", str(runs))
    assert code == 0, err
    assert "nb101 20, runs.jsonl 5 labels" in stdout
    assert "note: 2 of 5 labelled architectures carry no node costs" in err
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["space"] == "nb101+own" and card["own_labels"]["groups"] == {"own/own": 3, "own/mine": 2}
    assert set(card["group_scaling"]) == {"nb101/cifar10/valid", "own/own", "own/mine"}
    assert card["own_labels"]["graphs_read"] == 2  # NAS-Bench-201's operators, read with nominal costs
    assert "note: 2 labelled graphs trained as the new predictor reads them" in err
    code, stdout, err = run(capsys, "evaluate", "--labelled", str(runs), "--checkpoint", str(out), "--json")
    assert code == 0 and "runs.jsonl trained this checkpoint: these figures are in-sample" in err
    judged = json.loads(stdout)
    assert {g: e["n"] for g, e in judged.items()} == {"own": 3, "mine": 2} and judged["own"]["in_sample"]
    assert judged["mine"]["params_tau"] is None and judged["own"]["params_tau"] is not None
    code, _, err = run(capsys, "evaluate", "--labelled", str(runs), "--scorer", "proxies")
    assert code == 2 and "--labelled judges the predictor" in err
    tuned = tmp_path / "tuned.pt"
    again = ("train", "--finetune", str(out), "--labelled", str(runs), "--epochs", "1", "--replay", "5")
    code, stdout, err = run(capsys, *again, "--out", str(tuned))
    assert code == 0 and "nb101 5, runs.jsonl 5 labels" in stdout, err
    assert "for your file's space" not in err  # rows were replayed
    card = json.loads(tuned.with_suffix(".json").read_text())
    assert card["fine_tuned_from"]["checkpoint"] == str(out) and len(card["split"]["rows"]["nb101"]) == 20
    code, _, err = run(capsys, *again, "--out", str(tuned), "--spaces", "nb101")
    assert code == 2 and "give --labelled, not --spaces" in err
    code, _, err = run(capsys, *again, "--out", str(tuned), "--lr", "0")
    assert code == 2 and "--lr" in err
    code, _, err = run(capsys, "train", "--finetune", "nb201_cifar10_half", "--labelled", str(runs))
    assert code == 2 and "starts from a multi-space predictor" in err
    runs.write_text(json.dumps({"arch": specs[0], "accuracy": 1}) + "\n{oops\n")
    code, _, err = run(capsys, *args, "--labelled", str(runs))
    assert code == 2 and "runs.jsonl line 2: not valid JSON" in err
    code, _, err = run(capsys, "train", "--labelled", str(runs))  # alone: the file is checked the same way
    assert code == 2 and "runs.jsonl line 2: not valid JSON" in err


def test_train_on_own_labels_alone(capsys, tmp_path):
    """``--labelled`` without --spaces or --finetune trains the recipe on the file alone; the checkpoint
    scores the file's architectures and can itself be fine-tuned on more labels."""
    from tgnas.benchmarks import get_benchmark
    from tgnas.spaces import get_space

    space, distinct = get_space("nb101"), {}
    for spec in get_benchmark("nb101").arch_strings():  # the file repeats some cells
        distinct.setdefault(space.canonical(space.parse(spec)), spec)
    specs = list(distinct.values())[:12]
    runs = tmp_path / "runs.jsonl"
    runs.write_text(
        "".join(json.dumps({"arch": a, "accuracy": 90.0 - k}) + "\n" for k, a in enumerate(specs))
    )
    out = tmp_path / "alone.pt"
    args = ("train", "--labelled", str(runs), "--epochs", "2", "--recipe", "mixed", "--out", str(out))
    code, stdout, err = run(capsys, *args)
    assert code == 0 and "trained on runs.jsonl 12 labels" in stdout, err
    assert "knows your file's space only" in err
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["space"] == "own" and card["split"]["rows"] == {} and card["labels"] == {}
    assert card["hyperparameters"]["epochs"] == 2 and card["own_labels"]["graphs_read"] == 0
    assert card["own_labels"]["groups"] == {"own/own": 12}
    forms = sorted(space.canonical(space.parse(a)) for a in specs)
    assert card["own_labels"]["benchmark_forms"] == {"nb101": forms}  # what no search is judged on
    code, stdout, _ = run(capsys, "score", specs[0], "--checkpoint", str(out), "--json")
    assert code == 0 and np.isfinite(json.loads(stdout)["scores"][0]["score"])
    tuned = tmp_path / "more.pt"
    code, stdout, err = run(
        capsys, "train", "--finetune", str(out), "--labelled", str(runs), "--epochs", "1", "--out", str(tuned)
    )
    assert code == 0 and "trained on runs.jsonl 12 labels" in stdout, err
    assert json.loads(tuned.with_suffix(".json").read_text())["fine_tuned_from"]["checkpoint"] == str(out)
    code, _, err = run(capsys, *args[:-2], "--recipe", "wide", "--out", str(tmp_path / "x.pt"))
    assert code == 2 and "unknown recipe 'wide'" in err
    code, _, err = run(capsys, *args, "--replay", "10")
    assert code == 2 and "give --finetune too" in err


def test_score_module_from_the_command_line(capsys):
    code, out, err = run(
        capsys, "score", "--module", "zoo:resnet_small", "--input-shape", "1,3,32,32", "--json"
    )
    (row,) = json.loads(out)["scores"]
    notes = " ".join(row["notes"])
    assert code == 0 and row["input"] == "zoo:resnet_small" and np.isfinite(row["score"])
    assert "never seen in training: 'ReLU activation'" not in notes  # layers it knows are not noted
    assert "never seen in training: 'batch normalisation'" not in notes
    assert "never seen in training" in notes  # the zoo's widths differ from NAS-Bench-201's
    code, _, err = run(capsys, "score", "--module", "zoo:resnet_small", "--input-shape", "1,3,32,32")
    assert code == 0 and "never seen in training" in err  # the same notes on stderr without --json
    assert "log-parameter prior" not in err  # known layers at new widths are not new operators
    for args, match in [
        (("--module", "zoo:resnet_small"), "needs --input-shape"),
        (("--module", "zoo:not_a_model", "--input-shape", "1,3,32,32"), "not a torch.nn.Module"),
        (("--module", "no_such_pkg:f", "--input-shape", "1,3,32,32"), "cannot load"),
        (("--module", "zoo", "--input-shape", "1,3,32,32"), "package.module:factory"),
        (("--module", "zoo:resnet_small", "--input-shape", "1,3,x"), "integers"),
        (("--module", "torch.nn:Conv2d", "--input-shape", "1,3,8,8"), "calling torch.nn:Conv2d() failed"),
        (("--module", "no_such_file.py:f", "--input-shape", "1,3,8,8"), "no file no_such_file.py"),
    ]:
        code, _, err = run(capsys, "score", *args)
        assert code == 2 and match in err, err


def test_score_module_from_a_file(capsys, tmp_path):
    """``--module path/to/file.py:factory`` loads a file outside any package; a failing factory is named."""
    source = tmp_path / "my_nets.py"
    source.write_text(
        "import torch\n"
        "def tiny():\n"
        "    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())\n"
        "def broken():\n"
        "    raise RuntimeError('boom')\n"
    )
    code, out, err = run(
        capsys, "score", "--module", f"{source}:tiny", "--input-shape", "1,3,16,16", "--json"
    )
    assert code == 0, err
    assert np.isfinite(json.loads(out)["scores"][0]["score"])
    code, _, err = run(capsys, "score", "--module", f"{source}:broken", "--input-shape", "1,3,16,16")
    assert code == 2 and "RuntimeError: boom" in err and "no arguments" not in err
    failing = {"def f(:\n": "SyntaxError", "raise KeyError('at import')\n": "KeyError: 'at import'"}
    for k, (body, match) in enumerate(failing.items()):
        bad = tmp_path / f"bad_nets_{k}.py"
        bad.write_text(body)  # the user's file fails as it is run: one error, not an internal one
        code, _, err = run(capsys, "score", "--module", f"{bad}:f", "--input-shape", "1,3,16,16")
        assert code == 2 and f"cannot load {bad}:f: {match}" in err, err


def test_a_file_of_modules_runs_once_per_version(tmp_path):
    """A labelled file names one factory file on many lines: it runs once, and again once edited."""
    import os

    from tgnas.usercode import load_module

    runs, source = tmp_path / "runs.txt", tmp_path / "counted.py"
    source.write_text(
        f"import torch\nopen({str(runs)!r}, 'a').write('run\\n')\n"
        "def net(width=4):\n    return torch.nn.Conv2d(3, width, 3)\n"
    )
    first, second = load_module(f"{source}:net", {"width": 2}), load_module(f"{source}:net")
    assert (first.out_channels, second.out_channels) == (2, 4) and runs.read_text() == "run\n"
    os.utime(source, ns=(0, source.stat().st_mtime_ns + 1))  # an edited file runs again
    assert load_module(f"{source}:net").out_channels == 4 and runs.read_text() == "run\nrun\n"


def test_score_module_with_your_traced_checkpoint(capsys, tmp_path):
    """``--traced-checkpoint`` scores a module that no space reads back with a checkpoint of your own."""
    import zoo

    from tgnas.api import module_graph
    from tgnas.predictor.config import FineTuneConfig
    from tgnas.predictor.multispace import train_alone
    from tgnas.predictor.own import labels_from_modules

    shape = (1, 3, 32, 32)
    models = [zoo.vgg_like(8, d) for d in (1, 2)] + [zoo.MobileNetLike(8, 1)]
    own = labels_from_modules(models, [60.0, 70.0, 65.0], shape)
    trained = train_alone(own, FineTuneConfig(epochs=1), recipe="mixed", progress=False).predictor
    path, _ = trained.save(tmp_path / "mine.pt")
    module = ("--module", "zoo:resnet_small", "--input-shape", "1,3,32,32")
    code, out, err = run(capsys, "score", *module, "--traced-checkpoint", str(path), "--json")
    assert code == 0, err
    want = trained.score_graphs([module_graph(zoo.resnet_small().eval(), shape)])[0]
    assert json.loads(out)["scores"][0]["score"] == pytest.approx(want)
    for args, match in [
        (("--traced-checkpoint", str(path), "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
         "give --module too"),
        ((*module, "--traced-checkpoint", str(path), "--proxies", "params"), "drop them with --proxies"),
        ((*module, "--traced-checkpoint", str(tmp_path / "none.pt")), "none.pt"),
    ]:  # fmt: skip
        code, _, err = run(capsys, "score", *args)
        assert code == 2 and match in err, err


def test_train_on_a_labelled_file_of_modules(capsys, tmp_path):
    """A labelled file names modules by factory; the checkpoint trained on it scores modules as their
    traced graphs, judges the file, and ``score --file`` points such lines to ``--module``."""
    import zoo

    from tgnas.api import module_graph
    from tgnas.predictor.predictor import load_checkpoint

    runs = tmp_path / "nets.jsonl"
    shape = {"input_shape": [1, 3, 16, 16]}
    lines = [
        {"module": "zoo:vgg_like", "kwargs": {"width": 8, "depth": 1}, **shape, "accuracy": 60.0},
        {"module": "zoo:vgg_like", "kwargs": {"width": 8, "depth": 2}, **shape, "accuracy": 70.0},
        {"module": "zoo:mobilenet_small", **shape, "accuracy": 65.0},
    ]
    runs.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "mine.pt"
    code, stdout, err = run(capsys, "train", "--labelled", str(runs), "--epochs", "1", "--recipe", "mixed",
                            "--out", str(out))  # fmt: skip
    assert code == 0 and "trained on nets.jsonl 3 labels" in stdout, err
    module = ("--module", "zoo:resnet_small", "--input-shape", "1,3,16,16")
    code, stdout, err = run(capsys, "score", *module, "--traced-checkpoint", str(out), "--json")
    assert code == 0, err
    want = load_checkpoint(out).score_graphs([module_graph(zoo.resnet_small(), (1, 3, 16, 16))])[0]
    assert json.loads(stdout)["scores"][0]["score"] == pytest.approx(want)
    code, stdout, err = run(capsys, "evaluate", "--labelled", str(runs), "--checkpoint", str(out), "--json")
    report = json.loads(stdout)["own"]
    assert code == 0 and report["in_sample"] and report["n"] == 3 and report["params_tau"] == 1.0, err
    code, _, err = run(capsys, "score", "--file", str(runs))
    assert code == 2 and "line 1: a labelled module ('zoo:vgg_like') is scored with --module" in err


def test_evaluate_prior_weight_reaches_the_unseen_operator_cells(capsys, tmp_path):
    from tgnas.embed import default_embedder, describe_op
    from tgnas.predictor.features import GraphFeaturizer
    from tgnas.predictor.model import GCNConfig, GCNPredictor
    from tgnas.predictor.predictor import TrainedPredictor

    emb = default_embedder()
    torch.manual_seed(0)
    gcn = GCNPredictor(GCNConfig(in_dim=GraphFeaturizer(emb).num_features, hidden=8, layers=2))
    known = sorted(
        describe_op(op) for op in ("input", "output", "skip_connect", "nor_conv_1x1", "nor_conv_3x3")
    )
    card = {  # as if trained without average pooling on cells 0-9
        "space": "nb201",
        "split": {"train": list(range(10)), "val": []},
        "training_texts": known,
        "cost_prior": {"intercept": 60.0, "slope": 2.0, "weight": 0.7},
    }
    path, _ = TrainedPredictor([gcn], emb, 85.0, 5.0, card).save(tmp_path / "no_pool.pt")
    taus = {}
    for weight in ("0", "0.7", "1"):
        code, stdout, err = run(
            capsys,
            "evaluate",
            "--checkpoint",
            str(path),
            "--sample",
            "300",
            "--prior-weight",
            weight,
            "--json",
        )
        assert code == 0, err
        taus[weight] = json.loads(stdout)["cifar10"]["kendall_tau"]
    assert len(set(taus.values())) == 3  # the pooled cells among the 300 are scored differently
    code, _, err = run(capsys, "evaluate", "--checkpoint", str(path), "--prior-weight", "2")
    assert code == 2


def test_python_dash_m_tgnas_runs_the_cli():
    """``python -m tgnas`` is the command line without the installed script (how a GPU box runs source)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tgnas", "spaces", "--json"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert {s["name"] for s in json.loads(done.stdout)["spaces"]} == {"anb", "darts", "nb101", "nb201"}
    bad = subprocess.run([sys.executable, "-m", "tgnas", "arch", "|foo~0|"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("error: no search space parses '|foo~0|'")
    assert "nb201: malformed NAS-Bench-201 string" in bad.stderr and bad.stderr.count("\n") == 1


def test_evaluate_sample_larger_than_the_space_judges_all_of_it(capsys):
    code, stdout, err = run(
        capsys, "evaluate", "--checkpoint", "nb201_cifar10_156", "--sample", "20000", "--json"
    )
    assert code == 0, err
    ev = json.loads(stdout)["cifar10"]
    assert (ev["n"], ev["excluded"]) == (15625 - 156, 156)  # the predictor's 156 labels are never judged


def test_version(capsys):
    import tgnas

    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"tgnas {tgnas.__version__}"


def test_json_is_one_object_per_command_and_lines_for_files(capsys, tmp_path):
    code, out, _ = run(capsys, "score", BEST, "--json")
    (row,) = json.loads(out)["scores"]
    assert code == 0 and row["id"] == 0 and row["input"] == "argument 1" and row["notes"] == []
    path = tmp_path / "cands.txt"
    path.write_text(BEST + "\n\n" + BEST.replace("nor_conv_1x1~2", "avg_pool_3x3~2") + "\n")
    code, out, _ = run(capsys, "score", "--file", str(path), "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["id"] for r in lines] == [0, 1] and lines[1]["input"] == f"{path} item 2"


@pytest.mark.parametrize(
    "command", ["spaces", "arch", "demo", "train", "evaluate", "proxies", "search", "score"]
)
def test_every_command_has_clean_help(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and "Usage" in out
    assert "🏭" not in out and "\x1b[" not in out  # no emoji codes rendered, no colour when piped


def test_data_lists_every_benchmark_file(capsys, monkeypatch, tmp_path):
    code, out, _ = run(capsys, "data", "--json")
    files = {f["benchmark"]: f for f in json.loads(out)["files"]}
    assert code == 0 and files["NAS-Bench-201"]["found"] and files["NAS-Bench-201"]["bytes"] > 1e6
    monkeypatch.setenv("TGNAS_DATA", str(tmp_path))  # an empty folder: every file missing, nothing crashes
    code, out, _ = run(capsys, "data", "--json")
    assert code == 0 and not any(f["found"] for f in json.loads(out)["files"])
    from tgnas.errors import DataError
    from tgnas.paths import benchmark_file

    with pytest.raises(
        DataError, match=r"NAS-Bench-101 data not found: expected .*naslib_nb101_500.json.*TGNAS_DATA"
    ):
        benchmark_file("NAS-Bench-101")


def test_readme_stays_under_12_kb():
    from pathlib import Path

    assert len((Path(__file__).resolve().parent.parent / "README.md").read_bytes()) <= 12_000


def test_every_command_line_of_the_readme_parses():
    """Each ``tgnas ...`` line of the README's code blocks names a command and options that exist (parsed,
    not run)."""
    import shlex
    from pathlib import Path

    import typer

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    code = "".join(re.findall(r"```bash\n(.*?)```", readme, flags=re.S))
    lines = [line.split("  #")[0] for line in code.splitlines() if line.startswith("tgnas ")]
    group = typer.main.get_command(cli.app)
    assert len(lines) >= 15
    for line in lines:
        name, *args = shlex.split(line)[1:]
        command = group.get_command(None, name)
        assert command is not None, line
        command.make_context(name, args)  # raises on an unknown option or a bad value


def test_evaluate_takes_every_scorer_search_takes(capsys):
    code, out, err = run(
        capsys,
        "evaluate",
        "--scorer",
        "ensemble:params",
        "--sample",
        "12",
        "--checkpoint",
        "nb201_cifar10_156",
        "--json",
    )
    assert code == 0, err
    ev = json.loads(out)["cifar10"]
    assert ev["n"] == 12 and ev["excluded"] == 156 and -1 <= ev["kendall_tau"] <= 1
    code, _, err = run(capsys, "evaluate", "--scorer", "bogus")
    assert code == 2 and "ensemble[:NAMES]" in err


def test_score_with_proxies_for_strings_and_modules(capsys, tmp_path):
    cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"
    none = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    code, out, err = run(
        capsys, "score", "--proxies", "az,synflow", "--batch-size", "8", cell, none, "--json"
    )
    assert code == 0, err
    rows = json.loads(out)["scores"]
    # the degenerate cell fails AZ-NAS (recorded, ranked worst) and scores below the real one
    assert rows[0]["score"] > rows[1]["score"] and "expressivity" in rows[1]["failures"]
    assert set(rows[0]["values"]) == {
        "expressivity",
        "progressivity",
        "trainability",
        "complexity",
        "synflow",
    }
    code, out, err = run(
        capsys,
        "score",
        "--proxies",
        "swap",
        "--module",
        "zoo:resnet_small",
        "--input-shape",
        "1,3,32,32",
        "--batch-size",
        "8",
    )
    assert code == 0, err
    assert float(out.split()[0]) == float(out.split()[1].split("=")[1]) > 0
    graph = tmp_path / "g.jsonl"
    nodes = [{"op": "input"}, {"op": "conv", "text": "a 3x3 convolution"}, {"op": "output"}]
    graph.write_text(json.dumps({"nodes": nodes, "edges": [[0, 1], [1, 2]]}) + "\n")
    code, _, err = run(capsys, "score", "--proxies", "az", "--graphs", str(graph))
    assert code == 2 and "no network" in err
    code, _, err = run(capsys, "score", "--proxies", "nope", cell)
    assert code == 2 and "nope" in err


def test_evaluate_on_spaces_labelled_with_validation_accuracy(capsys):
    code, out, err = run(
        capsys, "evaluate", "--space", "nb101", "--scorer", "proxies:params", "--sample", "6", "--json"
    )
    assert code == 0, err
    d = json.loads(out)["cifar10"]
    assert d["metric"] == "valid" and d["n"] == 6
    code, _, err = run(capsys, "evaluate", "--space", "anb", "--scorer", "predictor")
    assert code == 2 and "4138 of the 4138 anb" in err  # the universal checkpoint trained on all of them
