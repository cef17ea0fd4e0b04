"""Reading an operator graph of NAS-Bench-101 operations back into its cell."""

import numpy as np

from tgnas.benchmarks import get_benchmark
from tgnas.embed import family
from tgnas.opgraph import OpGraph
from tgnas.spaces import get_space
from tgnas.spaces.nb101 import canonical
from tgnas.spaces.nb101_read import cell_of, nb201_twin, space_graph

C3, C1, MP = "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"


def families(graph):
    return [family(op) for op in graph.ops]


def shuffled(graph, rng):
    """``graph`` with its inner nodes renumbered at random (edges may then run backwards)."""
    n = graph.num_nodes
    perm = [0, *(rng.permutation(n - 2) + 1).tolist(), n - 1]  # old index -> new index
    inv = np.argsort(perm)
    pick = lambda seq: tuple(seq[i] for i in inv)  # noqa: E731
    edges = tuple((perm[u], perm[v]) for u, v in graph.edges)
    return OpGraph(pick(graph.ops), edges, pick(graph.texts), pick(graph.costs))


def test_every_labelled_cell_reads_back_as_itself_in_any_node_order():
    bench, space = get_benchmark("nb101"), get_space("nb101")
    rng = np.random.default_rng(0)
    for s in bench.arch_strings()[:120]:
        arch = space.parse(s)
        given = space.to_graph(arch)
        assert space_graph(given, families(given)) == given
        mixed = shuffled(given, rng)
        cell, order = cell_of(mixed, families(mixed))
        assert canonical(cell) == canonical(arch)
        # costs travel with their nodes, texts and costs are the space's where none are given
        read = space_graph(mixed, families(mixed))
        assert [read.costs[k] for k in range(read.num_nodes)] == [mixed.costs[v] for v in order]
        bare = OpGraph(mixed.ops, mixed.edges)
        assert space_graph(bare, families(bare)) == space.to_graph(cell)


def test_reworded_operations_read_by_family():
    graph = OpGraph(("input", "a", "b", "output"), ((0, 1), (0, 2), (1, 3), (2, 3)))
    cell, _ = cell_of(graph, ["input", "nor_conv_1x1", "max_pool_3x3", "output"])
    assert cell.ops == ("input", C1, MP, "output")


def test_what_is_no_cell_is_not_read():
    chain = lambda k: OpGraph(("input", *[C3] * k, "output"), tuple((i, i + 1) for i in range(k + 1)))  # noqa: E731
    assert cell_of(chain(5), families(chain(5))) is not None
    assert cell_of(chain(6), families(chain(6))) is None  # 8 vertices
    skip = OpGraph(("input", C3, "skip_connect", "output"), ((0, 1), (1, 2), (2, 3)))
    assert cell_of(skip, families(skip)) is None  # an operation NAS-Bench-101 does not have
    unread = [None, "nor_conv_3x3", None, None]
    assert cell_of(skip, unread) is None
    # 7 vertices, 10 edges: over the edge limit
    edges = ((0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (0, 6), (1, 6), (2, 6), (0, 3))
    dense = OpGraph(("input", *[C3] * 5, "output"), edges)
    assert cell_of(dense, families(dense)) is None


def test_cells_nb201_also_has_are_its_convolution_cells():
    nb201 = get_space("nb201")
    twin = nb201.to_graph(
        nb201.parse("|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|nor_conv_3x3~2|")
    )
    cell, _ = cell_of(twin, families(twin))
    assert nb201_twin(cell)
    assert space_graph(twin, families(twin), unless_nb201=True) is None
    assert space_graph(twin, families(twin)) is not None
    pooled = OpGraph(("input", C3, MP, "output"), ((0, 1), (1, 2), (2, 3)))
    assert not nb201_twin(cell_of(pooled, families(pooled))[0])
    # at most three of NAS-Bench-201's operations feed its output: four parallel branches are no cell of it
    fan = OpGraph(
        ("input", C3, C3, C1, C1, "output"), ((0, 1), (0, 2), (0, 3), (0, 4), (1, 5), (2, 5), (3, 5), (4, 5))
    )
    assert not nb201_twin(cell_of(fan, families(fan))[0])
