"""The benchmark scripts under ``benchmarks/`` stay runnable: each parses ``--help``, the predictor
benchmark's schedules carry the selected defaults, and its cheap rows print the shipped predictor's
figures."""

import importlib.util
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name",
    [
        "blind_forms",
        "code_forms",
        "darts_forms",
        "op_forms",
        "own_labels",
        "own_modules",
        "pool_search",
        "predictor",
        "proxies",
        "proxy_transfer",
        "search",
        "states",
        "traced_networks",
        "universal",
    ],
)
def test_help(name, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [f"{name}.py", "--help"])
    with pytest.raises(SystemExit) as exc:
        load(name).main()
    assert exc.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_proxy_transfer_fit_finds_the_proxy_that_orders_every_space():
    """Two spaces where proxy 0 orders the labels and proxy 1 is noise: the fitted weights rank a third."""
    bench, rng = load("proxy_transfer"), np.random.default_rng(0)

    def space(n):
        y = rng.normal(size=n)
        return np.stack([np.argsort(np.argsort(y)) / n, rng.random(n)], axis=1), y

    w = bench.fit([space(200), space(300)], steps=100, seed=0)
    r, y = space(250)
    assert w[0] > 0 and abs(w[1]) < w[0] / 3
    assert bench.kendall_tau(r @ w, y) > 0.95


def test_universal_kept_proxy_rows_align_with_their_values():
    bench = load("universal")
    for space in ("nb101", "anb"):
        rows, values = bench.kept_proxies(space)
        assert rows == sorted(set(rows)) and all(len(v) == len(rows) for v in values.values())
        alone = bench.BesideProxies(None, values, bench.CHOSEN_POOL).score_graphs([None] * len(rows))
        assert alone.shape == (len(rows),) and np.isfinite(alone).all()


def test_predictor_schedules():
    bench = load("predictor")
    few = bench.config_for(156, 3)
    assert (few.epochs, few.batch_size, few.val_fraction, few.seed) == (300, 16, 0.0, 3)
    assert (few.accelerator, few.ensemble) == ("cpu", 1)  # the README's figures are CPU figures
    mid = bench.config_for(1000, 0, ensemble=3, accelerator="auto")
    assert (mid.epochs, mid.val_fraction, mid.ensemble, mid.accelerator) == (200, 0.1, 3, "auto")
    assert bench.config_for(7812, 0).epochs == 60
    for config in (few, mid):  # the settings chosen on the select-b rows reach every schedule
        assert config.text_noise == 0.1 and config.unseen_prior_weight == 0.7


def test_predictor_rows_c_and_score(tmp_path, monkeypatch):
    out = tmp_path / "rows.json"
    monkeypatch.setattr(sys, "argv", ["predictor.py", "--rows", "c,score", "--json", str(out)])
    threads = torch.get_num_threads()
    try:
        load("predictor").main()
    finally:
        torch.set_num_threads(threads)  # the script pins 2 threads, as on the benchmark machine
    rows = json.loads(out.read_text())
    cross = {r["dataset"]: r for r in rows if r["protocol"] == "cross-dataset (shipped)"}
    assert set(cross) == {"cifar10", "cifar100", "imagenet16-120"}
    for r in cross.values():  # the shipped half: judged only on the 7,813 cells it never trained on
        assert (r["n_train"], r["n_judged"], r["labels"]) == (7812, 7813, "valid")
    # the README's (c) figures: the shipped checkpoint scores deterministically
    assert cross["cifar10"]["kendall_tau"] == pytest.approx(0.901, abs=0.001)
    assert cross["cifar100"]["kendall_tau"] == pytest.approx(0.877, abs=0.001)
    assert cross["imagenet16-120"]["kendall_tau"] == pytest.approx(0.836, abs=0.001)
    timed = {r["protocol"]: r for r in rows if r["protocol"].startswith("score all 15,625")}
    assert set(timed) == {"score all 15,625 (specialist)", "score all 15,625 (universal)"}
    assert all(0 < r["graphs_s"] < r["score_s"] for r in timed.values())


def test_universal_results_table_in_the_docs_is_the_committed_rows():
    """docs/universal.md shows exactly what `benchmarks/universal.py --markdown` prints for the kept rows."""
    bench, rows = load("universal"), str(BENCHMARKS / "results" / "universal.jsonl")
    docs = (BENCHMARKS.parent / "docs" / "universal.md").read_text()
    table, reading = bench.markdown(rows), bench.markdown(rows, reading=True)
    assert table in docs and reading in docs
    assert "| f: nb201 given [ensemble] | 12625 | 3 | **0.857** (0.856 / 0.857 / 0.857)" in table
    assert "reading" not in table and "| reading: nb201 dev0 [ensemble] | 12625 | 1 | **0.856**" in reading


def test_proxy_docs_show_the_kept_summaries():
    """docs/proxies.md shows exactly what `benchmarks/proxies.py --markdown` prints for the kept summaries."""
    bench = load("proxies")
    paths = sorted((BENCHMARKS / "results").glob("proxies_*.json"))
    assert {p.stem for p in paths} >= {"proxies_nb201", "proxies_nb101", "proxies_anb"}
    table = bench.markdown(paths)
    assert table in (BENCHMARKS.parent / "docs" / "proxies.md").read_text()
    assert "| tcet | 0.707 / 0.882" in table  # T-CET on 1,000 NAS-Bench-201 cells, CIFAR-10


def test_proxy_aggregates_are_fixed_label_free_combinations():
    import numpy as np

    bench = load("proxies")
    rng = np.random.default_rng(0)
    values = {p: rng.normal(size=20) for p in bench.STRONG}
    out = bench.aggregates(values)
    assert set(out) >= {"AZ-NAS (log-rank of 4)", "orthogonal, AZ+T-CET+ZiCo+SWAP", "log-rank, all proxies"}
    assert all(v.shape == (20,) for v in out.values())
    assert not any(k.startswith("chosen") for k in out)  # its extra member was not computed
    values[bench.CHOSEN[0]] = rng.normal(size=20)
    (chosen,) = [k for k in bench.aggregates(values) if k.startswith("chosen")]
    pool = {p: values[p] for p in (*bench.STRONG, bench.CHOSEN[0])}
    assert np.allclose(bench.aggregates(values)[chosen], bench.aggregate(pool, bench.CHOSEN[1]))


def test_aggregate_selection_rows_lie_outside_the_reported_sample():
    import numpy as np

    bench = load("proxies")
    reported = set(np.random.default_rng(0).choice(4138, size=300, replace=False).tolist())
    rows = bench.selection_rows(4138, 300, 200)
    assert len(set(rows.tolist())) == 200 and not reported & set(rows.tolist())
    assert list(rows) == sorted(rows) and np.array_equal(rows, bench.selection_rows(4138, 300, 200))
    with pytest.raises(SystemExit, match="outside the reported sample"):
        bench.selection_rows(500, 500, 10)  # NAS-Bench-101: every labelled row is reported


@pytest.mark.parametrize("space", ["anb", "nb101"])
def test_kept_proxy_values_reproduce_the_kept_summary(space, monkeypatch, capsys):
    """The per-architecture values kept beside a summary give back its figures without running a network."""
    summary = BENCHMARKS / "results" / f"proxies_{space}.json"
    kept = BENCHMARKS / "results" / f"proxies_{space}_values.json.gz"
    argv = ["proxies.py", "--space", space, "--from-values", str(kept)]
    monkeypatch.setattr(sys, "argv", argv)
    threads = torch.get_num_threads()
    try:
        load("proxies").main()
    finally:
        torch.set_num_threads(threads)
    cells = [re.split(r"\s{2,}", line.strip()) for line in capsys.readouterr().out.splitlines()]
    printed = {c[0]: c[1:] for c in cells}
    table = json.loads(summary.read_text())["table"]
    dataset = next(d for d in table["params"] if d != "failed")
    for name in ("params", "tcet", "orthogonal, AZ+T-CET+ZiCo+SWAP", "log-rank, all proxies"):
        assert float(printed[name][0]) == pytest.approx(table[name][dataset]["tau"], abs=1e-4)


def test_pool_search_picks_among_the_same_draws():
    """Every scorer picks among one seed's draw (the random searcher's first draws of the unseen pool): the
    params pick has the draw's largest parameter count, and no pick beats the draw's oracle."""
    from tgnas.predictor.prior import total_params
    from tgnas.search.pool import PoolSpace, unseen_pool
    from tgnas.spaces import get_space

    rows, about = load("pool_search").run("nb101", ["nb201_cifar10_156"], seeds=2, budget=20)
    assert about == {"space": "nb101", "pool": 292, "left_out_as_seen": 0, "budget": 20}
    space, (pool, _) = get_space("nb101"), unseen_pool("nb101", [])
    for seed in (0, 1):
        mine = {r["scorer"]: r for r in rows if r["seed"] == seed}
        assert len(mine) == 4 and "predictor nb201_cifar10_156" in mine
        rng, pool_space = np.random.default_rng(seed), PoolSpace(space, pool)
        drawn = [pool_space.sample(rng) for _ in range(20)]
        largest = max(drawn, key=lambda a: total_params(space.to_graph(a)))
        assert mine["params"]["arch"] == space.format(largest)
        assert mine["predictor nb201_cifar10_156"]["arch"] in {space.format(a) for a in drawn}
        oracle = mine["oracle (draw best)"]["cifar10 valid"]
        assert all(r["cifar10 valid"] <= oracle for r in mine.values())
        assert mine["random pick (draw mean)"]["cifar10 valid"] < oracle
