import collections

import numpy as np
import pytest

from tgnas.errors import ArchitectureError, TgnasError, UnknownNameError, UnknownOperatorError
from tgnas.spaces import SPACES, SearchSpace, get_space
from tgnas.spaces.nb201 import EDGES, OPS, NB201Arch, canonical, format_arch, parse, to_graph

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


@pytest.mark.parametrize("name", SPACES.names())
def test_every_space_follows_the_protocol(name, rng):
    space = get_space(name)
    assert isinstance(space, SearchSpace)
    a = space.sample(rng)
    assert space.parse(space.format(a)) == a
    b = space.mutate(a, rng)
    assert b != a and space.parse(space.format(b)) == b
    space.to_graph(a)  # validates


def test_parse_known_string():
    a = parse(BEST)
    assert a.op(1, 0) == "nor_conv_3x3" and a.op(3, 0) == "skip_connect" and a.op(3, 2) == "nor_conv_1x1"
    assert str(a) == BEST


def test_round_trip_over_all_benchmark_strings(nb201_bench):
    strings = nb201_bench.arch_strings()
    assert len(set(strings)) == 15625
    for s in strings:
        assert format_arch(parse(s)) == s


def test_enumerate_covers_the_benchmark(nb201_bench):
    space = get_space("nb201")
    archs = list(space.enumerate())
    assert len(archs) == space.size() == 15625 == len(set(archs))
    assert {format_arch(a) for a in archs} == set(nb201_bench.arch_strings())


def test_inputs_may_come_in_any_order():
    swapped = BEST.replace("|nor_conv_3x3~0|nor_conv_3x3~1|+", "|nor_conv_3x3~1|nor_conv_3x3~0|+")
    assert parse(swapped) == parse(BEST)


def test_canonical_forms_give_the_benchmark_classes(nb201_bench):
    keys = [canonical(parse(s)) for s in nb201_bench.arch_strings()]
    assert len(set(keys)) == 6466


def test_canonical_merges_known_equivalents():
    # Swapping the operations of two parallel edges into node 3 from node 0 and node 1 when both see x:
    a = parse("|skip_connect~0|+|none~0|none~1|+|nor_conv_3x3~0|nor_conv_1x1~1|none~2|")
    b = parse("|skip_connect~0|+|none~0|none~1|+|nor_conv_1x1~0|nor_conv_3x3~1|none~2|")
    assert a != b and canonical(a) == canonical(b)
    c = parse("|skip_connect~0|+|none~0|none~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|")
    assert canonical(a) != canonical(c)


def test_sample_is_seeded_and_uniform():
    space = get_space("nb201")
    first = [space.sample(np.random.default_rng(3)) for _ in range(2)]
    assert first[0] == first[1]
    rng = np.random.default_rng(1)
    counts = collections.Counter(op for _ in range(2000) for op in space.sample(rng).ops)
    assert set(counts) == set(OPS) and min(counts.values()) > 0.17 * 12000


def test_mutate_changes_exactly_one_edge(rng):
    space = get_space("nb201")
    a = space.sample(rng)
    for _ in range(50):
        before = a.ops
        b = space.mutate(a, rng)
        assert a.ops == before  # mutate returns a new architecture
        assert sum(x != y for x, y in zip(a.ops, b.ops, strict=True)) == 1
        a = b
    assert space.mutate(a, np.random.default_rng(5)) == space.mutate(a, np.random.default_rng(5))


def test_operator_graph_structure():
    g = to_graph(parse(BEST))
    assert g.ops == (
        "input",
        "nor_conv_3x3",
        "nor_conv_3x3",
        "nor_conv_3x3",
        "skip_connect",
        "nor_conv_3x3",
        "nor_conv_1x1",
        "output",
    )
    # op node of edge 2<-1 (node 3) reads node 1, i.e. op node 1 (edge 1<-0)
    assert (1, 3) in g.edges and (0, 1) in g.edges and (0, 2) in g.edges
    # ops into cell node 3 (op nodes 4, 5, 6) feed the output; op nodes of edges into node 2 feed 6
    assert {(4, 7), (5, 7), (6, 7)} <= set(g.edges) and {(2, 6), (3, 6)} <= set(g.edges)
    assert len(g.edges) == 10


@pytest.mark.parametrize(
    "text, error, message",
    [
        ("nor_conv_3x3~0", ArchitectureError, "start and end"),
        ("|nor_conv_3x3~0|+|nor_conv_3x3~0|", ArchitectureError, "3 '\\+'-separated"),
        (
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
            ArchitectureError,
            "node 2 .* 2 input",
        ),
        (
            "|conv_7x7~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
            UnknownOperatorError,
            "conv_7x7.*valid: none",
        ),
        (
            "|nor_conv_3x3~1|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
            ArchitectureError,
            "source must be below 1",
        ),
        (
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|none~0|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
            ArchitectureError,
            "twice",
        ),
        (
            "|nor_conv_3x3|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
            ArchitectureError,
            "op~source",
        ),
    ],
)
def test_bad_strings_name_the_problem(text, error, message):
    with pytest.raises(error, match=message):
        parse(text)
    assert issubclass(error, ValueError)


def test_bad_arch_objects():
    with pytest.raises(ArchitectureError, match="6 edges"):
        NB201Arch(("none",) * 5)
    with pytest.raises(UnknownOperatorError):
        NB201Arch(("sep_conv_3x3",) * len(EDGES))
    with pytest.raises(ArchitectureError, match="str"):
        parse(42)


def test_unknown_space():
    with pytest.raises(UnknownNameError, match="nb201"):
        get_space("nb999")
    assert issubclass(UnknownNameError, TgnasError)


def test_pruned_graph_keeps_only_live_operations():
    resnet = parse("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|")
    g = to_graph(resnet)
    assert g.ops == ("input", "nor_conv_3x3", "nor_conv_3x3", "skip_connect", "skip_connect", "output")
    assert set(g.edges) == {(0, 1), (1, 2), (2, 4), (0, 3), (3, 5), (4, 5)}
    # an operation whose result never reaches the output is dropped: conv on 2<-1 with node 2 unused
    dead = parse("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|")
    assert to_graph(dead).ops == ("input", "skip_connect", "output")
    full = to_graph(dead, prune=False)
    assert full.num_nodes == 8 and len(full.edges) == 10


def test_equivalent_cells_share_a_pruned_graph(nb201_bench):
    space = get_space("nb201")
    graphs = {}
    for s in nb201_bench.arch_strings()[:3000]:
        a = parse(s)
        graphs.setdefault(canonical(a), set()).add((space.to_graph(a).ops, space.to_graph(a).edges))
    # the pruned graph is a function of the cell's computation up to the order of parallel edges
    assert sum(len(v) for v in graphs.values()) < 1.3 * len(graphs)


def test_partial_cells_with_one_candidate_equal_the_cell_graph(rng):
    from tgnas.spaces import PartialArch, get_space

    space = get_space("nb201")
    for _ in range(200):
        arch = space.sample(rng)
        partial = PartialArch(tuple((op,) for op in arch.ops))
        g, p = space.to_graph(arch), space.partial_graph(partial)
        assert (g.ops, g.edges, g.costs) == (p.ops, p.edges, p.costs)
        assert space.from_partial(partial) == arch


def test_supernet_graph_and_network():
    import torch

    from tgnas.cost import count_params
    from tgnas.spaces import get_space

    space = get_space("nb201")
    supernet = space.supernet()
    g = space.partial_graph(supernet)
    assert g.num_nodes == 2 + 6 * 4  # every non-none candidate of every edge
    net = space.build(supernet, channels=4, cells_per_stage=1)
    assert net(torch.randn(2, 3, 16, 16)).shape == (2, 10)
    conv_only = space.build(supernet.without(0, "nor_conv_3x3"), channels=4, cells_per_stage=1)
    # one 3x3 conv + BN unit per cell, one cell in each stage of 4, 8 and 16 channels
    assert count_params(net) - count_params(conv_only) == sum(9 * c * c + 2 * c for c in (4, 8, 16))


def test_partial_arch_errors():
    import pytest

    from tgnas.errors import ArchitectureError
    from tgnas.spaces import PartialArch, get_space

    with pytest.raises(ArchitectureError, match="no candidate"):
        PartialArch((("none",), ()))
    with pytest.raises(ArchitectureError, match="twice"):
        PartialArch((("none", "none"),))
    with pytest.raises(ArchitectureError, match="several candidates"):
        get_space("nb201").from_partial(get_space("nb201").supernet())
    with pytest.raises(ArchitectureError, match="6 edges"):
        get_space("nb201").partial_graph(PartialArch((("none",),)))
