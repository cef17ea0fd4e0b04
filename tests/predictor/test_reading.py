"""Readings and the graph rewrites that follow them: zero operations dropped, sum nodes contracted."""

from tgnas.opgraph import OpGraph
from tgnas.predictor.reading import ZERO, Reading, contract_sums, drop_zero
from tgnas.predictor.stated import SUM


def reads(*families):
    return [Reading(f or "x", f or "x", f, 0.9, 0.2, f or "x") for f in families]


def test_a_zero_node_is_dropped_with_what_then_carries_nothing():
    # input -> a -> zero -> output, input -> b -> output: the zero cuts a off every path
    g = OpGraph(("input", "a", "none", "b", "output"), ((0, 1), (1, 2), (2, 4), (0, 3), (3, 4)))
    out, read = drop_zero(g, reads("input", "conv", ZERO, "conv", "output"))
    assert out.ops == ("input", "b", "output") and out.edges == ((0, 1), (1, 2))
    assert [r.family for r in read] == ["input", "conv", "output"]


def test_a_cell_through_which_nothing_flows_keeps_its_first_zero_node():
    g = OpGraph(("input", "none", "none", "output"), ((0, 1), (1, 3), (0, 2), (2, 3)))
    out, _ = drop_zero(g, reads("input", ZERO, ZERO, "output"))
    assert out.ops == ("input", "none", "output") and out.edges == ((0, 1), (1, 2))


def test_without_zero_or_sum_nodes_the_graph_is_unchanged():
    g = OpGraph(("input", "a", "output"), ((0, 1), (1, 2)))
    r = reads("input", "conv", "output")
    assert drop_zero(g, r) == (g, r) and contract_sums(g, r) == (g, r)


def test_a_sum_node_is_contracted_into_edges_from_its_inputs_to_its_outputs():
    # input -> a, input -> b, a -> sum, b -> sum, sum -> c -> output
    g = OpGraph(("input", "a", "b", "add", "c", "output"), ((0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 5)))
    out, read = contract_sums(g, reads("input", "conv", "conv", SUM, "conv", "output"))
    assert out.ops == ("input", "a", "b", "c", "output")
    assert set(out.edges) == {(0, 1), (0, 2), (1, 3), (2, 3), (3, 4)}
    assert SUM not in [r.family for r in read]


def test_a_reading_settles_on_one_candidate():
    r = Reading("op", "t", None, 0.6, 0.01, "t", candidates=(("a", "x"), ("b", "y")))
    settled = r.as_candidate(1)
    assert (settled.family, settled.read_as, settled.candidates) == ("b", "y", ())
