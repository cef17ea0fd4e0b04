import numpy as np
import pytest

from tgnas.arch import OpGraph
from tgnas.errors import GraphError


def diamond() -> OpGraph:
    return OpGraph(("input", "conv", "pool", "output"), ((0, 1), (0, 2), (1, 3), (2, 3)))


def test_valid_graph_properties():
    g = diamond()
    assert g.num_nodes == 4
    assert g.depths() == [0, 1, 1, 2]
    assert hash(g) == hash(diamond()) and g == diamond()


def test_dict_round_trip_keeps_text_and_cost():
    g = OpGraph(
        ("input", "sep", "output"),
        ((0, 1), (1, 2)),
        texts=(None, "separable conv", None),
        costs=(None, {"params": 10.0}, None),
    )
    d = g.to_dict()
    assert d["nodes"][1] == {"op": "sep", "text": "separable conv", "params": 10.0}
    back = OpGraph.from_dict(d)
    assert back == g and back.texts == g.texts and back.costs[1] == {"params": 10.0}


@pytest.mark.parametrize(
    "ops, edges, message",
    [
        (("input", "a", "output"), ((0, 1), (1, 2), (2, 1)), "cycle"),
        (("input", "a", "b", "output"), ((0, 1), (1, 3)), "node 2 .* no input"),
        (("input", "a", "b", "output"), ((0, 1), (0, 2), (1, 3)), "node 2 .* no output"),
        (("a", "b", "output"), ((0, 1), (1, 2)), "input"),
        (("input", "a", "b"), ((0, 1), (1, 2)), "output"),
        (("input", "output", "a", "output"), ((0, 1), (1, 2), (2, 3)), "second 'output'"),
        (("input", "output"), ((0, 5),), "outside"),
        (("input", "a", "output"), ((0, 1), (1, 1), (1, 2)), "self-loop"),
        (("input",), (), "at least"),
    ],
)
def test_invalid_graphs_name_the_problem(ops, edges, message):
    with pytest.raises(GraphError, match=message):
        OpGraph(ops, edges)


def test_from_dict_rejects_malformed():
    with pytest.raises(GraphError, match="nodes"):
        OpGraph.from_dict({"edges": []})
    with pytest.raises(GraphError, match="op"):
        OpGraph.from_dict({"nodes": [{"type": "x"}], "edges": []})
    with pytest.raises(GraphError, match="pairs"):
        OpGraph.from_dict({"nodes": [{"op": "input"}, {"op": "output"}], "edges": [[0]]})


def test_cached_structure_checks_still_name_each_graphs_operator():
    edges = ((0, 1), (1, 3))  # node 2 dangles; the check of this edge set is cached after the first call
    for op in ("conv", "pool"):
        with pytest.raises(GraphError, match=f"node 2 \\('{op}'\\) has no input"):
            OpGraph(("input", "a", op, "output"), edges)


def test_large_graphs_are_checked_without_the_cache():
    n = 400  # a chain longer than CACHED_EDGES
    chain = OpGraph(("input",) + ("relu",) * (n - 2) + ("output",), tuple((i, i + 1) for i in range(n - 1)))
    assert chain.depths()[-1] == n - 1
    with pytest.raises(GraphError, match="cycle"):
        OpGraph(chain.ops, chain.edges + ((300, 100),))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, "12"])
def test_opgraph_refuses_a_cost_that_is_not_a_finite_count(value):
    ops, edges = ("input", "nor_conv_3x3", "output"), ((0, 1), (1, 2))
    assert (
        OpGraph(ops, edges, costs=(None, {"params": 12.0, "flops": np.float32(3.0)}, None)).costs[1]["params"]
        == 12
    )
    with pytest.raises(GraphError, match="node 1 \\('nor_conv_3x3'\\): params must be a finite number >= 0"):
        OpGraph(ops, edges, costs=(None, {"params": value}, None))
