"""Searching the unseen pool: a benchmark's labelled architectures that no loaded predictor trained on."""

import copy
import pickle

import numpy as np
import pytest

from tgnas.benchmarks import get_benchmark
from tgnas.errors import TgnasError
from tgnas.predictor.seen import seen_rows
from tgnas.search.driver import SearchConfig, search
from tgnas.search.pool import PoolSpace, unseen_pool
from tgnas.spaces import get_space


def test_the_pool_leaves_out_every_form_a_card_trained_on():
    nb101, strings = get_space("nb101"), get_benchmark("nb101").arch_strings()
    forms = [nb101.canonical(nb101.parse(s)) for s in strings]
    card = {"protocol": "multi-space", "split": {"rows": {"nb101": [0, 1, 2], "anb": [5]}}}
    pool, left_out = unseen_pool("nb101", [card])
    seen = {forms[0], forms[1], forms[2]}
    assert left_out == len(seen) and len(pool) == len(set(forms)) - len(seen)  # repeats of a cell count once
    assert not seen & {nb101.canonical(a) for a in pool}
    everything, none = unseen_pool("nb101", [])
    assert none == 0 and len(everything) == len(set(forms))


def test_a_one_space_card_is_seen_through_its_split_and_isomorphs_go_with_it():
    nb201, strings = get_space("nb201"), get_benchmark("nb201").arch_strings()
    card = {"space": "nb201", "protocol": "random-2", "split": {"train": [0], "val": [1]}}
    assert seen_rows(card) == {"nb201": {0, 1}}
    pool, left_out = unseen_pool("nb201", [card])
    gone = {nb201.canonical(nb201.parse(strings[i])) for i in (0, 1)}
    assert left_out == len(gone) and not gone & {nb201.canonical(a) for a in pool}
    assert seen_rows({"space": "nb201", "split": {}}) == {}


def test_the_pool_space_draws_every_architecture_once_in_a_seeded_order():
    space = get_space("nb201")
    pool = [space.parse(s) for s in get_benchmark("nb201").arch_strings()[:30]]
    once = PoolSpace(space, pool).sample(np.random.default_rng(3))
    first, rng = PoolSpace(space, pool), np.random.default_rng(3)
    order = [first.sample(rng) for _ in range(30)]
    assert sorted(map(str, order)) == sorted(map(str, pool)) and order[0] == once  # seeded
    assert first.size() == 30 and first.name == "nb201" and first.format(order[0]) == space.format(order[0])
    with pytest.raises(TgnasError, match="empty"):
        PoolSpace(space, [])
    for twin in (copy.deepcopy(first), pickle.loads(pickle.dumps(first))):
        assert twin.size() == 30 and twin.pool == first.pool and twin.name == "nb201"


def test_a_search_of_the_unseen_pool_reports_what_the_predictor_trained_on():
    """The shipped specialist trained on CIFAR-10 labels: searching the space withholds CIFAR-10, searching
    the unseen pool judges the found cell on it."""
    import tgnas
    from tgnas.predictor.seen import seen_forms

    assert "cifar10" in search(SearchConfig("nb201", "predictor", "random", 50, 0)).notes["withheld"]
    result = search(SearchConfig("nb201", "predictor", None, 50, 0, pool="unseen"))
    assert result.searcher == "random" and set(result.truth) == {"cifar10", "cifar100", "imagenet16-120"}
    assert result.notes["pool"]["left_out_as_seen"] > 3000 and "withheld" not in result.notes
    nb201 = get_space("nb201")
    seen = seen_forms([tgnas.load_predictor().predictor.card], ["nb201"])
    assert result.scored == 50 and ("nb201", nb201.canonical(nb201.parse(result.arch))) not in seen


@pytest.mark.parametrize(
    "config, match",
    [
        (SearchConfig("nb201", "predictor", "evolution", 10, pool="unseen"), "random searcher"),
        (SearchConfig("nb201", "predictor", "random", 10, pool="all"), "unknown pool 'all'"),
        (SearchConfig("darts", "predictor", "random", 10, pool="unseen"), "no labelled benchmark"),
        (SearchConfig("anb", "predictor", "random", 10, pool="unseen"), "every labelled anb architecture"),
    ],
)
def test_bad_pools(config, match):
    with pytest.raises(TgnasError, match=match):
        search(config)


def test_a_labelled_file_that_trained_the_predictor_is_seen_along_its_chain():
    """Architectures of a labelled file (recorded on the card by form, also on a checkpoint fine-tuned from
    it) leave the pool, and a search of the space that finds one withholds its accuracy."""
    from tgnas.search.base import SearchResult
    from tgnas.search.judge import judge

    nb101, strings = get_space("nb101"), get_benchmark("nb101").arch_strings()
    mine = nb101.canonical(nb101.parse(strings[0]))
    no_rows = {"protocol": "multi-space", "split": {"rows": {}}}
    tuned = no_rows | {"fine_tuned_from": {"own_labels": {"benchmark_forms": {"nb101": [mine]}}}}
    pool, left_out = unseen_pool("nb101", [tuned])
    assert left_out == 1 and mine not in {nb101.canonical(a) for a in pool}
    found = SearchResult("nb101", "evolution", "predictor", strings[0], 1.0, 10, 0.1)
    judged = judge(found, get_benchmark("nb101"), tuned)
    assert judged.truth == {} and "one of the labelled ones" in judged.notes["withheld"]["cifar10"]
    other = SearchResult("nb101", "evolution", "predictor", nb101.format(pool[0]), 1.0, 10, 0.1)
    judged = judge(other, get_benchmark("nb101"), tuned)
    assert "valid" in judged.truth["cifar10"] and judged.notes["labels_used"] == 1
