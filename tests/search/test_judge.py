"""No leakage: what a search may report about its found architecture."""

import pytest

from tgnas.errors import TgnasError
from tgnas.search.base import SearchResult
from tgnas.search.judge import judge, reportable

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
CROSS = {
    "train_dataset": "cifar10",
    "train_metric": "valid",
    "protocol": "cross-dataset",
    "split": {"train": list(range(7000)), "val": list(range(7000, 7812))},
}
FEW = {
    "train_dataset": "cifar10",
    "train_metric": "valid",
    "protocol": "random-156",
    "split": {"train": list(range(156)), "val": []},
}


def result():
    return SearchResult("nb201", "random", "predictor", BEST, 1.0, 10, 0.1)


def test_cross_dataset_predictor_withholds_its_training_dataset(nb201_bench):
    r = judge(result(), nb201_bench, CROSS)
    assert set(r.truth) == {"cifar100", "imagenet16-120"}
    assert "cifar10" in r.notes["withheld"] and r.notes["labels_used"] == 7812
    assert r.truth["cifar100"]["test"] == nb201_bench.query(BEST, "cifar100", "test")


def test_asking_for_a_leaky_dataset_is_refused(nb201_bench):
    with pytest.raises(TgnasError, match="refusing to report cifar10"):
        judge(result(), nb201_bench, CROSS, ["cifar10"])


def test_few_shot_labels_are_counted_as_cost(nb201_bench):
    r = judge(result(), nb201_bench, FEW)
    assert set(r.truth) == {"cifar10", "cifar100", "imagenet16-120"} and r.notes["labels_used"] == 156


def test_proxies_only_report_everything(nb201_bench):
    r = judge(result(), nb201_bench, None, ["cifar10"])
    assert r.truth["cifar10"]["valid"] == nb201_bench.query(BEST, "cifar10", "valid")


def test_a_card_without_a_split_is_not_trusted():
    ok, why = reportable({"train_dataset": "cifar10"}, "cifar100")
    assert not ok and "does not say" in why


def test_a_leaky_dataset_is_refused_before_any_search(monkeypatch):
    from tgnas.search import driver
    from tgnas.search.driver import SearchConfig

    def never(*args, **kwargs):
        raise AssertionError("the search ran before the dataset was refused")

    monkeypatch.setattr("tgnas.search.random.RandomSearch.run", never)
    with pytest.raises(TgnasError, match="refusing to report cifar10"):
        driver.search(SearchConfig("nb201", "predictor", "random", 10), ["cifar10"])
