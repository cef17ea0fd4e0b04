import numpy as np
import pytest

from tgnas.errors import GraphError
from tgnas.opgraph import OpGraph


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
    with pytest.raises(GraphError, match="a pair"):
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


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, -1, "12", True, None])
def test_opgraph_refuses_a_cost_that_is_not_a_finite_count(value):
    ops, edges = ("input", "nor_conv_3x3", "output"), ((0, 1), (1, 2))
    assert (
        OpGraph(ops, edges, costs=(None, {"params": 12.0, "flops": np.float32(3.0)}, None)).costs[1]["params"]
        == 12
    )
    with pytest.raises(GraphError, match="node 1 \\('nor_conv_3x3'\\): params must be a finite number >= 0"):
        OpGraph(ops, edges, costs=(None, {"params": value}, None))


def test_equality_and_hash_cover_texts_and_costs():
    from tgnas.opgraph import OpGraph

    base = OpGraph(("input", "conv", "output"), ((0, 1), (1, 2)))
    worded = OpGraph(base.ops, base.edges, (None, "a 3x3 convolution", None))
    costed = OpGraph(base.ops, base.edges, costs=(None, {"params": 10.0, "flops": 5.0}, None))
    same_cost = OpGraph(base.ops, base.edges, costs=(None, {"flops": 5.0, "params": 10.0}, None))
    assert base != worded and base != costed and worded != costed
    assert costed == same_cost and hash(costed) == hash(same_cost)  # key order in a cost does not matter
    assert len({base, worded, costed, same_cost}) == 3


def test_prune_unreachable_keeps_only_nodes_on_an_input_output_path():
    from tgnas.opgraph import OpGraph, prune_unreachable

    # 0 -> 1 -> 4; 0 -> 2 (dead end); 3 -> 4 (no input); 4 is the output
    edges = [(0, 1), (1, 4), (0, 2), (3, 4)]
    assert prune_unreachable(5, edges) == (0, 1, 4)
    assert prune_unreachable(3, [(0, 1)]) == ()  # the output is not reached
    g = OpGraph.from_pruned(("input", "a", "b", "c", "output"), edges, texts=(None, "x", "y", "z", None))
    assert g.ops == ("input", "a", "output") and g.edges == ((0, 1), (1, 2)) and g.texts == (None, "x", None)
    with pytest.raises(GraphError, match="does not depend on the input"):
        OpGraph.from_pruned(("input", "a", "output"), [(0, 1)])
