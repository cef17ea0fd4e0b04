import numpy as np
import pytest

from tgnas.benchmarks import get_benchmark
from tgnas.benchmarks.nb201 import NB201Benchmark, canonical_dataset
from tgnas.errors import ArchitectureError, DataError, UnknownNameError
from tgnas.spaces.nb201 import parse


def test_known_optima(nb201_bench):
    for ds, index, acc in (
        ("cifar10", 6111, 94.37),
        ("cifar100", 9930, 73.51),
        ("imagenet16-120", 857, 47.31),
    ):
        col = nb201_bench.column(ds, "test")
        assert int(np.nanargmax(col)) == index and col[index] == pytest.approx(acc, abs=0.005)


def test_query_by_index_string_and_object_agree(nb201_bench):
    s = nb201_bench.arch_strings()[123]
    by = [nb201_bench.query(x, "cifar100", "valid") for x in (123, s, parse(s))]
    assert by[0] == by[1] == by[2]
    assert nb201_bench.query(0, "cifar10", "test") == pytest.approx(85.86333, abs=1e-4)
    assert nb201_bench.query(0, "cifar10", "valid") == pytest.approx(81.9, abs=1e-4)
    assert nb201_bench.query(0, "cifar10", "edgegpu_latency") == pytest.approx(5.807419, rel=1e-6)


def test_every_dataset_has_complete_accuracies(nb201_bench):
    for ds in nb201_bench.datasets:
        for metric in ("test", "valid"):
            col = nb201_bench.column(ds, metric)
            assert col.shape == (15625,) and not np.isnan(col).any() and 0 < col.max() < 100
        assert "fpga_latency" in nb201_bench.metrics(ds)


def test_query_many_and_missing_values(nb201_bench):
    vals = nb201_bench.query_many([0, 1, 2], "imagenet", "test")
    assert vals.shape == (3,)
    missing = int(np.flatnonzero(np.isnan(nb201_bench.column("cifar10", "flops")))[0])
    with pytest.raises(DataError, match="no flops"):
        nb201_bench.query(missing, "cifar10", "flops")


def test_dataset_aliases_and_bad_names(nb201_bench):
    assert canonical_dataset("ImageNet16-120") == canonical_dataset("imagenet") == "imagenet16-120"
    with pytest.raises(UnknownNameError, match="svhn.*cifar10, cifar100, imagenet16-120"):
        nb201_bench.query(0, "svhn")
    with pytest.raises(UnknownNameError, match="metric 'accuracy'.*test"):
        nb201_bench.query(0, "cifar10", "accuracy")
    with pytest.raises(ArchitectureError, match="outside"):
        nb201_bench.query(15625)
    with pytest.raises(UnknownNameError, match="no benchmark"):
        get_benchmark("darts")


def test_missing_and_corrupt_tables(tmp_path):
    with pytest.raises(DataError, match="not found"):
        len(NB201Benchmark(tmp_path / "nope.csv.gz"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"not a table at all")
    with pytest.raises(DataError, match="not the NAS-Bench-201 master table"):
        len(NB201Benchmark(bad))
    bad.write_bytes(b"\xff\xfe\x00 bad bytes")
    with pytest.raises(DataError, match="cannot read"):
        len(NB201Benchmark(bad))


def test_data_root_errors(tmp_path, monkeypatch):
    from tgnas.benchmarks.nb101 import NB101Benchmark

    monkeypatch.setenv("TGNAS_DATA", str(tmp_path / "missing"))
    with pytest.raises(DataError, match="TGNAS_DATA=.*missing"):
        len(NB101Benchmark())
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("TGNAS_DATA", str(tmp_path / "file"))
    with pytest.raises(DataError, match="is a file"):
        len(NB101Benchmark())
    monkeypatch.setenv("TGNAS_DATA", str(tmp_path))
    with pytest.raises(
        DataError, match="NAS-Bench-101 data not found: expected .*naslib_nb101_500.json.*TGNAS_DATA"
    ):
        len(NB101Benchmark())


def test_half_written_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("TGNAS_CACHE", str(tmp_path))
    first = NB201Benchmark()
    assert len(first) == 15625
    (cached,) = (tmp_path / "tables").glob("nb201_*.npz")
    cached.write_bytes(cached.read_bytes()[:1000])  # a write cut short
    again = NB201Benchmark()
    assert len(again) == 15625 and again.query(6111, "cifar10", "test") == pytest.approx(94.3733, abs=1e-3)


def test_loading_is_lazy():
    bench = NB201Benchmark("/does/not/exist")  # no error until the first query
    assert bench.name == "nb201"
