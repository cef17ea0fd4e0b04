import json

import numpy as np
import pytest
import torch

from tgnas.errors import DataError, TgnasError
from tgnas.proxies.data import cifar10_batch, gaussian_batch
from tgnas.proxies.sweep import SweepConfig, proxy_batch, sweep, values_matrix

ARCHS = [
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|",
    "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
    "|avg_pool_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_1x1~0|none~1|skip_connect~2|",
]
TINY = dict(channels=4, cells=1, batch_size=8)


def test_sweep_appends_and_resumes(tmp_path):
    out = tmp_path / "p.jsonl"
    config = SweepConfig(proxies=("az", "synflow"), **TINY)
    first = sweep(ARCHS[:2], config, out)
    lines = out.read_text().splitlines()
    assert json.loads(lines[0])["config"]["proxies"][-1] == "synflow" and len(lines) == 3
    assert first[ARCHS[1]]["values"]["expressivity"] is None and "expressivity" in first[ARCHS[1]]["failures"]
    # an interrupted run leaves half a line; the re-run drops it and computes only what is missing
    with out.open("a") as f:
        f.write('{"arch": "|trunc')
    again = sweep(ARCHS, config, out)
    assert list(again) == ARCHS and again[ARCHS[0]] == first[ARCHS[0]]
    assert len(out.read_text().splitlines()) == 4
    values = values_matrix(again, ["expressivity", "synflow"])
    assert values["expressivity"][1] == -np.inf and np.isfinite(values["synflow"]).all()


def test_sweep_refuses_other_settings_and_bad_files(tmp_path):
    out = tmp_path / "p.jsonl"
    sweep(ARCHS[:1], SweepConfig(proxies=("nwot",), **TINY), out)
    with pytest.raises(DataError, match="other settings"):
        sweep(ARCHS[:1], SweepConfig(proxies=("snip",), **TINY), out)
    with pytest.raises(DataError, match="other settings"):  # values of an older implementation
        sweep(ARCHS[:1], SweepConfig(proxies=("nwot",), revisions=(("nwot", 0),), **TINY), out)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("hello\n")
    with pytest.raises(DataError, match="not a tgnas proxy file"):
        sweep(ARCHS[:1], SweepConfig(proxies=("nwot",), **TINY), bad)


def test_bad_settings():
    with pytest.raises(TgnasError, match="auto, gaussian, cifar10"):
        SweepConfig(input="imagenet")
    with pytest.raises(TgnasError, match="unknown proxy"):
        SweepConfig(proxies=("nope",))
    with pytest.raises(TgnasError, match="malformed"):
        sweep(["|bad|"], SweepConfig(**TINY))


def test_auto_input_gives_real_images_to_data_dependent_families_only():
    config = SweepConfig(proxies=("az", "fisher", "nwot", "synflow"), **TINY)
    assert dict(config.revisions) == {"az": 2, "fisher": 2, "nwot": 1, "synflow": 1}
    assert [config.input_of(f) for f in ("az", "fisher", "nwot", "synflow")] == [
        "gaussian",
        "cifar10",
        "cifar10",
        "gaussian",
    ]
    noise, real = proxy_batch(config)
    assert torch.equal(real.inputs, cifar10_batch(8).inputs) and torch.equal(
        noise.inputs, gaussian_batch(8).inputs
    )
    assert proxy_batch(SweepConfig(proxies=("az",), **TINY))[1] is None  # no family reads real data
    assert proxy_batch(SweepConfig(proxies=("nwot",), input="gaussian", **TINY))[1] is None
    # the runner hands each family its batch: NWOT on real images differs from NWOT on noise
    rows = sweep(ARCHS[:1], config)
    plain = sweep(
        ARCHS[:1], SweepConfig(proxies=("az", "fisher", "nwot", "synflow"), input="gaussian", **TINY)
    )
    ours, theirs = rows[ARCHS[0]]["values"], plain[ARCHS[0]]["values"]
    assert ours["expressivity"] == theirs["expressivity"] and ours["synflow"] == theirs["synflow"]
    assert ours["nwot"] != theirs["nwot"] and ours["fisher"] != theirs["fisher"]


def test_batches():
    real = cifar10_batch(16)
    assert real.inputs.shape == (16, 3, 32, 32) and abs(float(real.inputs.mean())) < 1.0
    assert real.targets.max() < 10
    noise = gaussian_batch(4, 16, 100, seed=1)
    assert noise.inputs.shape == (4, 3, 16, 16) and noise.num_classes == 100
    with pytest.raises(DataError, match="1000 images"):
        cifar10_batch(1001)


def test_config_resolves_families_and_refuses_no_or_unknown_names():
    assert SweepConfig(proxies=("az", "params", "expressivity")).proxies == (
        "expressivity",
        "progressivity",
        "trainability",
        "complexity",
        "params",
    )  # families expand in place, repeats dropped
    with pytest.raises(TgnasError, match="no proxy named"):
        SweepConfig(proxies=())
    with pytest.raises(TgnasError, match="unknown proxy 'nope'"):
        SweepConfig(proxies=("nope",))


def test_sweep_refuses_a_folder_as_its_file(tmp_path):
    with pytest.raises(DataError, match="is a folder"):
        sweep([], SweepConfig(proxies=("params",)), tmp_path)


def test_unknown_engine_and_misplaced_ray_options(tmp_path):
    with pytest.raises(TgnasError, match="proxy engine"):
        sweep(ARCHS[:1], SweepConfig(proxies=("params",)), tmp_path / "x.jsonl", engine="dask")


def test_serial_engine_runs_with_the_threads_asked_and_restores_them(tmp_path):
    before = torch.get_num_threads()
    one = sweep(ARCHS[:1], SweepConfig(proxies=("params",), **TINY), tmp_path / "a.jsonl", threads=1)
    assert torch.get_num_threads() == before and one[ARCHS[0]]["values"]["params"] > 0
    with pytest.raises(TgnasError, match="--threads must be a positive integer"):
        sweep(ARCHS[:1], SweepConfig(proxies=("params",), **TINY), tmp_path / "b.jsonl", threads=0)


def test_a_ray_address_that_does_not_answer_is_one_clear_error(tmp_path):
    pytest.importorskip("ray")
    import socket

    with socket.socket() as s:  # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "p.jsonl"
    with pytest.raises(TgnasError, match=f"no Ray head answers at 127.0.0.1:{port}"):
        sweep(
            ARCHS[:1],
            SweepConfig(proxies=("params",), **TINY),
            out,
            engine="ray",
            address=f"127.0.0.1:{port}",
        )
    with pytest.raises(TgnasError, match="HOST:PORT"):
        sweep(ARCHS[:1], SweepConfig(proxies=("params",), **TINY), out, engine="ray", address="nonsense")
    assert len(out.read_text().splitlines()) == 1  # the header only: nothing lost, nothing half-written


def test_ray_sweep_resumes_survives_a_killed_worker_and_equals_the_serial_run_bit_for_bit(tmp_path):
    ray = pytest.importorskip("ray")
    config = SweepConfig(proxies=("params", "synflow"), **TINY)
    serial = sweep(ARCHS, config, tmp_path / "serial.jsonl")
    path = tmp_path / "ray.jsonl"
    sweep(ARCHS[:1], config, path)  # an earlier, interrupted run left one row
    marker, victim = str(tmp_path / "killed"), ARCHS[1]

    def die_once_on_the_victim():  # runs in every Ray worker as it starts
        import os

        import tgnas.proxies.sweep as module

        real = module.proxy_row

        def dying(arch, *args):
            if arch == victim and not os.path.exists(marker):
                open(marker, "w").close()
                os._exit(1)  # the worker process dies in the middle of its task
            return real(arch, *args)

        module.proxy_row = dying

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"worker_process_setup_hook": die_once_on_the_victim},
    )
    try:
        on_ray = sweep(ARCHS, config, path, engine="ray", workers=2)
    finally:
        ray.shutdown()
    assert (tmp_path / "killed").exists()  # a worker did die
    assert {a: r["values"] for a, r in on_ray.items()} == {a: r["values"] for a, r in serial.items()}
    rows = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    assert rows[0]["arch"] == ARCHS[0] and sorted(r["arch"] for r in rows) == sorted(ARCHS)  # once each
