"""The plug-in API: tgnas.Proxy."""

import numpy as np
import pytest

import tgnas
from tgnas.errors import ArchitectureError, GraphError, TgnasError, UnknownOperatorError
from tgnas.spaces import get_space

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
GENOTYPE = (
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), "
    "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], "
    "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), "
    "('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)])"
)


@pytest.fixture(scope="module")
def proxy():
    return tgnas.Proxy.load()


def test_every_arch_form_scores_like_its_graph(proxy):
    nb201, darts = get_space("nb201"), get_space("darts")
    graph = nb201.to_graph(nb201.parse(BEST))
    forms = [BEST, nb201.parse(BEST), graph, graph.to_dict(), GENOTYPE, darts.parse(GENOTYPE)]
    scores = proxy.score_many(forms)
    want = proxy.predictor.score_graphs([graph, darts.to_graph(darts.parse(GENOTYPE))])
    np.testing.assert_allclose(scores, [want[0]] * 4 + [want[1]] * 2, rtol=1e-6)
    assert isinstance(proxy.score(BEST), float)


def test_a_good_cell_outscores_an_empty_one(proxy):
    empty = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    assert proxy.score(BEST) > proxy.score(empty)


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ("bogus", ArchitectureError, "no search space parses"),
        (42, ArchitectureError, "cannot score a int"),
        (
            {"nodes": [{"op": "input"}, {"op": "output"}], "edges": [[1, 0]]},
            GraphError,
            "cycle|dangling|input",
        ),
        (
            {"nodes": [{"op": "input"}, {"op": "warp"}, {"op": "output"}], "edges": [[0, 1], [1, 2]]},
            UnknownOperatorError,
            "warp",
        ),
    ],
)
def test_bad_architectures(proxy, bad, error, match):
    with pytest.raises(error, match=match):
        proxy.score(bad)


def test_score_many_wants_a_list(proxy):
    with pytest.raises(TgnasError, match="list"):
        proxy.score_many(BEST)
