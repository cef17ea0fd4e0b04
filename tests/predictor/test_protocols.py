"""Protocols: disjoint, reproducible index sets; the nested one never reaches (b)'s judged architectures."""

import numpy as np
import pytest

from tgnas.errors import TgnasError, UnknownNameError
from tgnas.protocols.nb201 import PROTOCOLS, nested_unseen_op, random_split, unseen_op
from tgnas.spaces.nb201 import parse


def test_random_split_is_seeded_and_disjoint(nb201_bench):
    a, b = random_split(nb201_bench, 156, seed=3), random_split(nb201_bench, 156, seed=3)
    assert np.array_equal(a.train, b.train) and len(a.train) == 156
    assert len(a.train) + len(a.evaluate) == len(nb201_bench)
    assert not np.array_equal(a.train, random_split(nb201_bench, 156, seed=4).train)


def test_unseen_op_counts(nb201_bench):
    split = unseen_op(nb201_bench, "avg_pool_3x3")
    assert len(split.train) == 4**6 and len(split.evaluate) == 5**6 - 4**6  # 4 of 5 ops on 6 edges


def test_nested_unseen_op_stays_inside_the_outer_training_pool(nb201_bench):
    outer = unseen_op(nb201_bench, "avg_pool_3x3")
    inner = PROTOCOLS.get("nested-unseen-op")(nb201_bench, op="avg_pool_3x3", inner="nor_conv_1x1")
    archs = nb201_bench.arch_strings()
    assert len(inner.train) == 3**6 and len(inner.evaluate) == 4**6 - 3**6
    assert set(inner.train) | set(inner.evaluate) == set(outer.train)  # never an architecture (b) judges
    assert all("nor_conv_1x1" not in parse(archs[i]).ops for i in inner.train)
    assert all("nor_conv_1x1" in parse(archs[i]).ops for i in inner.evaluate)


def test_nested_unseen_op_bad_input(nb201_bench):
    with pytest.raises(TgnasError, match="differ"):
        nested_unseen_op(nb201_bench, "skip_connect", "skip_connect")
    with pytest.raises(UnknownNameError, match="inner"):
        nested_unseen_op(nb201_bench, "skip_connect", "sep_conv_3x3")


def test_a_reworded_graph_loses_its_costs_and_keeps_or_drops_its_end_texts():
    from tgnas.protocols.crossspace import represent
    from tgnas.spaces import get_space

    space = get_space("nb101")
    given = space.to_graph(
        space.parse('{"matrix": [[0,1,1],[0,0,1],[0,0,0]], "ops": ["input","maxpool3x3","output"]}')
    )
    words = {"maxpool3x3": ("peak", "keeps the largest value of each 3x3 window")}
    kept, generic = represent(given, "reworded", words, keep_ends=True), represent(given, "reworded", words)
    assert given.costs is not None and kept.costs is None and generic.costs is None
    assert kept.ops == generic.ops == ("input", "peak", "output") and kept.edges == given.edges
    assert kept.texts[1] == generic.texts[1] == words["maxpool3x3"][1]
    assert kept.texts[2] == given.texts[2] is not None and generic.texts[2] is None
    with pytest.raises(ValueError, match="rename table"):
        represent(given, "reworded")
