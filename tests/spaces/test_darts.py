"""The DARTS space: genotype strings, sampling, mutation and operator graphs."""

import pytest

from tgnas.errors import ArchitectureError, UnknownOperatorError
from tgnas.spaces import get_space
from tgnas.spaces.darts import CONCAT, DartsArch, parse

NORMAL = (
    "[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), "
    "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)]"
)
REDUCE = (
    "[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), "
    "('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)]"
)
DARTS_V2 = (
    f"Genotype(normal={NORMAL}, normal_concat=range(2, 6), reduce={REDUCE}, reduce_concat=[2, 3, 4, 5])"
)


@pytest.fixture
def space():
    return get_space("darts")


def test_parse_format_round_trip(space):
    arch = space.parse(DARTS_V2)
    assert arch.normal[0] == ("sep_conv_3x3", 0) and arch.normal_concat == (2, 3, 4, 5)
    assert space.parse(space.format(arch)) == arch


@pytest.mark.parametrize(
    "text, error, match",
    [
        ("Genotype(normal=[], reduce=[])", ArchitectureError, "needs 8"),
        (DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)"), ArchitectureError, "reads state 5"),
        (DARTS_V2.replace("dil_conv_3x3", "conv_9x9"), UnknownOperatorError, "conv_9x9"),
        ("Genotype(normal=__import__('os').getcwd(), reduce=[])", ArchitectureError, "literal"),
        ("Genotype([], [])", ArchitectureError, "by name"),
        ("Genotype(normal=[", ArchitectureError, "malformed"),
        ("|nor_conv_3x3~0|", ArchitectureError, "malformed"),
        ("dict(normal=[])", ArchitectureError, "looks like Genotype"),
        (DARTS_V2.replace("normal_concat=range(2, 6)", "normal_concat=[2, 2]"), ArchitectureError, "twice"),
        (DARTS_V2.replace("reduce_concat", "colour"), ArchitectureError, "unknown field"),
    ],
)
def test_bad_genotypes(text, error, match):
    with pytest.raises(error, match=match):
        parse(text)


def test_sample_and_mutate_are_valid(space, rng):
    archs = [space.sample(rng) for _ in range(200)]
    assert len(set(archs)) == 200
    for a in archs:
        for cell in (a.normal, a.reduce):
            assert all(op != "none" for op, _ in cell)
            assert all(cell[k][1] != cell[k + 1][1] for k in range(0, 8, 2))  # two distinct inputs
        b = space.mutate(a, rng)
        assert b != a
        changed = sum(x != y for x, y in zip(a.normal + a.reduce, b.normal + b.reduce, strict=True))
        assert changed == 1


def test_sampling_is_reproducible(space):
    import numpy as np

    a = [space.sample(np.random.default_rng(3)) for _ in range(3)]
    assert a[0] == a[1] == a[2]


def test_graph_of_darts_v2(space):
    g = space.to_graph(space.parse(DARTS_V2))
    assert g.ops[0] == "input" and g.ops[-1] == "output" and g.ops.count(CONCAT) == 1
    assert len(g.ops) == 1 + 8 + 1 + 8 + 1  # every op reaches the output in DARTS_V2
    assert all(
        c is not None for op, c in zip(g.ops, g.costs, strict=True) if op not in ("input", "output", CONCAT)
    )


def test_graph_drops_none_and_dead_ops(space):
    arch = space.parse(DARTS_V2)
    normal = list(arch.normal)
    normal[0] = ("none", 0)
    cut = DartsArch(
        tuple(normal), arch.reduce, (3, 4, 5), arch.reduce_concat
    )  # node 2 no longer concatenated
    g = space.to_graph(cut)
    # node 2 keeps one op (sep_conv_3x3 from state 1) because node 5 reads node 2
    assert g.ops.count("none") == 0 and len(g.ops) == 1 + 7 + 1 + 8 + 1


def test_canonical_ignores_input_order(space):
    arch = space.parse(DARTS_V2)
    normal = list(arch.normal)
    normal[0], normal[1] = normal[1], normal[0]
    swapped = DartsArch(tuple(normal), arch.reduce)
    assert swapped != arch and space.canonical(swapped) == space.canonical(arch)


def test_describe_a_genotype_gives_its_nb301_network_parameters():
    """``tgnas arch`` on DARTS: the parameters of the genotype's NAS-Bench-301 network (C = 32, 8 cells)."""
    from tgnas.describe import describe

    report = describe(DARTS_V2, "darts")
    assert report.benchmark == {} and report.cost == {"default": {"params_M": pytest.approx(0.919722)}}
