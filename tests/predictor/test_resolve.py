"""Reading new operator texts as known operators, and nominal costs for graphs given without costs."""

import numpy as np
import pytest

from tgnas.embed import anchor_texts, default_embedder, describe_op, wordings
from tgnas.embed import family as family_of
from tgnas.networks.nb201_ops import op_costs
from tgnas.opgraph import OpGraph
from tgnas.predictor import nominal
from tgnas.predictor.predictor import load_checkpoint
from tgnas.predictor.resolve import TextResolver, allowed
from tgnas.predictor.stated import rules_out, stated_kernel, stated_output, stated_weights
from tgnas.spaces import get_space

NB201_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
SPEC_CHAIN = '{"matrix": [[0,1,0,0],[0,0,1,0],[0,0,0,1],[0,0,0,0]], "ops": '
SPEC_CHAIN += '["input", "conv3x3-bn-relu", "conv1x1-bn-relu", "output"]}'  # NAS-Bench-201 has this cell too
SPEC_TWO = '{"matrix": [[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]], "ops": '
SPEC_TWO += '["input", "conv3x3-bn-relu", "conv3x3-bn-relu", "output"]}'


def chain(*ops, texts=None, costs=None):
    edges = tuple((i, i + 1) for i in range(len(ops) + 1))
    return OpGraph(("input", *ops, "output"), edges, texts=texts, costs=costs)


@pytest.fixture(scope="module")
def universal():
    return load_checkpoint("universal")


@pytest.fixture(scope="module")
def resolver():
    training = {t for op in (*NB201_OPS, "input", "output") for t in wordings(op)}
    return TextResolver(training, default_embedder())


def test_every_anchor_text_belongs_to_one_family():
    bank = anchor_texts()
    texts = [t for anchors in bank.values() for t in anchors]
    assert len(texts) == len(set(texts))
    assert describe_op("conv3x3-bn-relu") in bank["nor_conv_3x3"]  # a family across spaces
    assert "conv3x3-bn-relu" not in bank and "mbconv" in bank


def test_end_families_only_at_the_ends():
    assert allowed("input", "first") and allowed("stem", "first") and not allowed("none", "first")
    assert allowed("concat", "last") and not allowed("input", "inner") and allowed("nor_conv_3x3", "inner")
    assert allowed("stem", "inner") and allowed("head", "inner")  # a network's stem and head sit inside


def test_training_texts_are_read_as_themselves(resolver):
    (r,) = resolver.read([("nor_conv_3x3", describe_op("nor_conv_3x3"))])
    assert (r.family, r.read_as, r.match) == ("nor_conv_3x3", describe_op("nor_conv_3x3"), pytest.approx(1.0))
    graph = chain("nor_conv_3x3", "skip_connect", costs=(None, {"params": 1.0}, {"params": 0.0}, None))
    assert resolver.resolve([graph]) == [[graph]]


def test_a_new_wording_is_read_as_its_operator(resolver):
    (r,) = resolver.read([("copy", "forwards the tensor to the next node without altering it")])
    assert r.family == "skip_connect" and r.read_as in wordings("skip_connect") and r.margin >= 0.05
    (r,) = resolver.read([("meanpool", "averages the values in every small window")])
    assert r.family == "avg_pool_3x3" and r.read_as in wordings("avg_pool_3x3")


def test_a_text_about_no_known_operator_is_left_alone(resolver):
    text = "multi-head self attention over all tokens"
    (r,) = resolver.read([("attention", text)])
    assert r.family is None and r.read_as == text and r.match < 0.5
    with pytest.raises(ValueError, match="role"):
        resolver.read([("attention", text)], role="middle")


def test_no_reading_without_a_clear_lead(resolver):
    strict = TextResolver(resolver.training, default_embedder(), margin=1.0)
    (r,) = strict.read([("copy", "forwards the tensor to the next node without altering it")])
    assert r.family is None and r.read_as == r.text


def test_nominal_costs_are_the_first_stage_cell_costs():
    graph = chain("nor_conv_3x3", "avg_pool_3x3", "none")
    out = nominal.impute(graph, ["input", "nor_conv_3x3", "avg_pool_3x3", "none", "output"])
    table = op_costs(16, 32)
    assert out.costs == (None, table["nor_conv_3x3"], table["avg_pool_3x3"], table["none"], None)
    assert out.costs[1] == {"params": 2336.0, "flops": 2408448.0}
    assert nominal.impute(graph, ["input", "mbconv", "avg_pool_3x3", "none", "output"]) is graph
    given = chain("nor_conv_3x3", "avg_pool_3x3", "none", costs=(None, {"params": 5.0}, None, None, None))
    assert nominal.impute(given, ["input", "nor_conv_3x3", "avg_pool_3x3", "none", "output"]) is given


def test_a_generic_nb201_cell_scores_as_the_space_gives_it(universal):
    space = get_space("nb201")
    cells = [space.sample(np.random.default_rng(k)) for k in range(20)]
    given = [space.to_graph(c) for c in cells]
    generic = [OpGraph(g.ops, g.edges) for g in given]
    assert np.allclose(universal.score_graphs(generic), universal.score_graphs(given), atol=1e-4)
    alone = universal.score_graphs(generic, resolve=False, impute=False)
    assert not np.allclose(alone, universal.score_graphs(given), atol=1e-3)


def test_costs_are_imputed_for_all_graphs_of_a_call_or_none(universal):
    known = chain("nor_conv_3x3", "skip_connect")
    odd = chain(
        "nor_conv_3x3", "attention", texts=(None, None, "multi-head self attention over all tokens", None)
    )
    ((alone,),) = universal.resolver.resolve([known])
    assert alone.costs is not None
    (together,) = universal.resolver.resolve([known, odd])
    assert all(g.costs is None for g in together)


def test_unseen_report_names_the_reading(universal):
    graph = chain(
        "nor_conv_3x3",
        "copy",
        texts=(None, None, "forwards the tensor to the next node without altering it", None),
    )
    (u,) = universal.unseen_operators([graph])
    assert u.op == "copy" and u.family == "skip_connect" and u.read_as is not None and u.prior_weight == 0.0


def test_nb101_operations_get_their_cells_costs_not_nominal_ones(universal):
    """A NAS-Bench-101 vertex's width depends on its cell: a graph of its operations that is a cell gets the
    cell's costs, one that is none gets no costs."""
    space = get_space("nb101")
    ((out,),) = universal.resolver.resolve([chain("conv3x3-bn-relu", "maxpool3x3")])
    spec = '{"matrix": [[0,1,0,0],[0,0,1,0],[0,0,0,1],[0,0,0,0]], "ops": '
    spec += '["input", "conv3x3-bn-relu", "maxpool3x3", "output"]}'
    assert out == space.to_graph(space.parse(spec))
    eight = chain(*["conv3x3-bn-relu"] * 3, *["maxpool3x3"] * 3)  # 8 vertices: no cell
    ((out,),) = universal.resolver.resolve([eight])
    assert out.costs is None
    ((out,),) = universal.resolver.resolve([chain("nor_conv_3x3", "skip_connect")])
    assert out.costs == nominal.impute(out, list(out.ops)).costs  # NAS-Bench-201's: nominal costs


def test_zero_operations_are_dropped_so_unpruned_cells_read_as_pruned(resolver):
    space = get_space("nb201")
    arch = space.parse("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|")
    pruned = space.to_graph(arch)
    from tgnas.spaces.nb201 import to_graph

    unpruned = to_graph(arch, prune=False)
    assert unpruned.num_nodes == 8 and pruned.num_nodes < 8
    ((out,),) = resolver.resolve([unpruned])
    assert out.ops == pruned.ops and out.edges == pruned.edges and out.costs == pruned.costs
    assert resolver.resolve([unpruned], rewrite=False) == [[unpruned]]  # as given, the GCN alone
    everything_zero = to_graph(space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"), prune=False)
    ((out,),) = resolver.resolve([everything_zero])
    assert out.ops == ("input", "none", "output") and out.edges == ((0, 1), (1, 2))
    assert out == space.to_graph(space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"))


def test_a_text_without_a_clear_lead_is_read_each_way_and_the_scores_averaged(universal):
    text = "convolution layer with batch norm"  # no kernel size: a 1x1 or a 3x3 convolution
    (r,) = universal.resolver.read([("op", text)])
    assert r.family is None and r.read_as == text
    assert {f for f, _ in r.candidates} == {"nor_conv_1x1", "nor_conv_3x3"}
    graph = chain("op", "skip_connect", texts=(None, text, None, None))
    ways = universal.resolver.resolve([graph])
    assert len(ways) == 2 and all(w[0].costs is not None and w[0].texts[1] != text for w in ways)
    assert ways[0][0].costs[1] != ways[1][0].costs[1]  # a 1x1 and a 3x3 convolution's nominal costs
    settled = [universal.score_graphs(w, resolve=False, impute=False)[0] for w in ways]
    assert universal.score_graphs([graph])[0] == pytest.approx(np.mean(settled))
    (u,) = universal.unseen_operators([graph])
    assert u.op == "op" and set(u.candidates) == {"nor_conv_1x1", "nor_conv_3x3"}


def test_of_near_equal_families_the_one_the_predictor_trained_on_is_read(resolver):
    text = "spatial convolution with batch norm"  # as near to a 1x1 as to a 3x3 convolution's texts
    (both,) = resolver.read([("conv", text)])
    assert both.family is None and {f for f, _ in both.candidates} == {"nor_conv_1x1", "nor_conv_3x3"}
    only_3x3 = {t for op in ("nor_conv_3x3", "none", "input", "output") for t in wordings(op)}
    (r,) = TextResolver(only_3x3, default_embedder()).read([("conv", text)])
    assert r.family == "nor_conv_3x3" and r.margin < 0.05 and not r.candidates
    assert r.read_as == describe_op("nor_conv_3x3")  # the default text of the family's own operator


def test_candidates_multiply_up_to_the_cap():
    from tgnas.predictor.resolve import MAX_VARIANTS, Reading, _choices

    def vague(op):
        return Reading(op, op, None, 0.6, 0.01, op, candidates=(("a", "x"), ("b", "y"), ("c", "z")))

    table = {"inner": {(op, op): vague(op) for op in ("p", "q", "r")}, "first": {}, "last": {}}
    ways = _choices(table)
    assert len(ways) == 9 <= MAX_VARIANTS  # two texts of three candidates; the third stays unread
    assert {frozenset(r.family for r in w.values()) for w in ways} >= {frozenset({"a", "b"})}
    assert all(("inner", "r", "r") not in w for w in ways)
    assert _choices({"inner": {("p", "p"): Reading("p", "p", "a", 0.9, 0.3, "x")}}) == [{}]


def test_a_weak_match_is_read_only_when_the_text_states_a_kernel_or_weights(resolver):
    from tgnas.predictor.resolve import FLOOR, LOW_FLOOR

    text = "blends the stacked maps spot by spot"  # states nothing: left as it is
    (plain,) = resolver.read([("mixer", text)])
    assert LOW_FLOOR <= plain.match < FLOOR
    assert plain.family is None and not plain.candidates and plain.read_as == text
    (stated,) = resolver.read([("op", "reshuffles the planes with learned coefficients")])
    assert LOW_FLOOR <= stated.match < FLOOR and stated.family == "nor_conv_3x3"


def test_a_new_text_read_as_a_described_family_embeds_that_operators_default_text(resolver):
    near = "ReLU activation followed by a 3x3 convolution and batch normalisation"  # a training text's start
    far = "filter every pixel with its neighbours through learned weights"
    for text in (near, far):
        (r,) = resolver.read([("op", text)])
        assert r.family == "nor_conv_3x3" and r.read_as == describe_op("nor_conv_3x3")
    trained = describe_op("nor_conv_1x1", "short")  # a training text stays as it is
    assert trained != describe_op("nor_conv_1x1") and resolver.read([("op", trained)])[0].read_as == trained


def test_a_weak_match_with_a_clear_lead_is_read_as_a_trained_cell_operation(resolver):
    from tgnas.predictor.resolve import FLOOR, WEAK_FLOOR, WEAK_MARGIN

    (r,) = resolver.read([("blot", "a blank tie: whatever arrives is multiplied away")])
    assert WEAK_FLOOR <= r.match < FLOOR and r.margin >= WEAK_MARGIN and r.family == "none"
    (first,) = resolver.read([("blot", "a blank tie: whatever arrives is multiplied away")], "first")
    assert first.family is None  # an end node is read only with a full match
    (off,) = resolver.read([("node", "dropout with probability one half")])  # off-topic: no clear lead
    assert off.margin < WEAK_MARGIN and off.family is None and off.read_as == off.text


def test_a_stated_kernel_and_weights_that_leave_one_trained_operation_read_as_it(resolver):
    from tgnas.predictor.resolve import LOW_FLOOR

    (r,) = resolver.read([("op", "sweeps a tunable nine-tap box")])  # kernel 3, weights: nor_conv_3x3
    assert r.match < LOW_FLOOR and r.family == "nor_conv_3x3"
    (r,) = resolver.read([("op", "sweeps a nine-tap box")])  # kernel 3 alone leaves the pool as well
    assert r.family is None and not r.candidates


def test_a_stated_output_with_a_stated_kernel_reads_as_the_weightless_operation_left(universal):
    # a mean over a 3-wide neighbourhood, no word on weights: average pooling, not a 3x3 convolution
    (r,) = universal.resolver.read(
        [("op", "every entry becomes its surrounding patch's sum divided by the count")]
    )
    assert (r.family, r.candidates) == ("avg_pool_3x3", ())
    assert stated_weights("op", r.text) is None and stated_output("op", r.text) == "mean"
    # the same size with no output and no weights: left as it is
    (vague,) = universal.resolver.read([("op", "handles each entry with its surrounding patch")])
    assert vague.family is None


def test_a_weightless_window_of_no_stated_kind_is_no_max_pooling(universal):
    (r,) = universal.resolver.read([("op", "a parameter-free pass over each 3x3 patch")])
    assert r.family == "avg_pool_3x3"  # max pooling was trained (NAS-Bench-101), but its text says max
    (m,) = universal.resolver.read([("op", "a parameter-free pass over each 3x3 patch keeping its peak")])
    assert m.family == "max_pool_3x3"


def test_a_family_two_spaces_share_reads_as_the_space_of_the_call(universal):
    """A reworded NAS-Bench-101 cell reads as NAS-Bench-101's operators (a max pool says which space): it is
    read back into its cell and scores as the cell given, with the cell's costs."""
    space = get_space("nb101")
    cells = [space.to_graph(space.sample(np.random.default_rng(k))) for k in range(12)]
    assert any("maxpool3x3" in g.ops for g in cells) and any("maxpool3x3" not in g.ops for g in cells)
    words = {
        "conv3x3-bn-relu": ("area", "a learned 3-by-3 filter bank, then batch norm and a rectifier"),
        "conv1x1-bn-relu": ("mix", "a learned 1x1 channel mixing, then batch norm and a rectifier"),
        "maxpool3x3": ("peak", "keeps the largest value of each 3x3 window"),
    }
    reworded = [
        OpGraph(
            tuple(words[o][0] if o in words else o for o in g.ops),
            g.edges,
            tuple(words[o][1] if o in words else t for o, t in zip(g.ops, g.texts, strict=True)),
        )
        for g in cells
    ]
    (ways,) = universal.resolver.resolve(reworded)
    assert ways == cells
    assert np.allclose(universal.score_graphs(reworded), universal.score_graphs(cells), atol=1e-5)
    # a convolution alone says no space (NAS-Bench-201 has that cell too): the family's own operator
    # (NAS-Bench-201's), with its nominal cost
    conv = chain("area", texts=(None, words["conv3x3-bn-relu"][1], None))
    ((alone,),) = universal.resolver.resolve([conv])
    assert alone.texts[1] == describe_op("nor_conv_3x3") and alone.costs is not None
    pooled = chain("area", "peak", texts=(None, words["conv3x3-bn-relu"][1], words["maxpool3x3"][1], None))
    reported = {u.op: u.read_as for u in universal.unseen_operators([pooled])}
    assert reported["area"] == describe_op("conv3x3-bn-relu")  # the report names what is scored
    (with_pool,) = universal.resolver.resolve([conv, pooled])
    assert with_pool[0] == space.to_graph(
        space.parse('{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input", "conv3x3-bn-relu", "output"]}')
    )


def test_a_network_whose_layer_texts_state_their_numbers_scores_as_the_space_gives_it(universal):
    from tgnas.networks.anb import layers

    space = get_space("anb")
    archs = [space.sample(np.random.default_rng(k)) for k in range(6)]
    given = [space.to_graph(a) for a in archs]
    mine = []  # no costs; each layer as "e6 k5 se to 40"
    for a, g in zip(archs, given, strict=True):
        words = [f"e{x.expansion} k{x.kernel}{' se' if x.se else ''} to {x.c_out}" for x in layers(a)]
        mine.append(OpGraph(g.ops, g.edges, (None, "first conv", *words, "head", None)))
    assert np.allclose(universal.score_graphs(mine), universal.score_graphs(given), atol=1e-5)
    alone = universal.score_graphs(mine, resolve=False, impute=False)
    assert not np.allclose(alone, universal.score_graphs(given), atol=1e-3)
    assert universal.unseen_operators(mine) == []  # parsed: the space's own texts, nothing unseen to report


def test_a_network_drawn_one_node_per_operation_scores_as_the_space_gives_it(universal):
    from tgnas.protocols.crossspace import with_operations

    def write(part, **n):  # the numbers in the texts, the operations in the names
        return {
            "stem": [("conv", "3x3, stride 2"), ("bn", None)],
            "expand": [("conv1x1", f"{n.get('c_in')} to {n.get('mid')} channels")],
            "depthwise": [("depthwise", f"{n.get('kernel')}x{n.get('kernel')}, stride {n.get('stride')}")],
            "se": [("SE", None)],
            "project": [("conv1x1", f"{n.get('mid')} to {n.get('c_out')} channels"), ("bn", None)],
            "head": [("conv1x1", "1280"), ("fc", "1000 classes")],
        }[part]

    space = get_space("anb")
    archs = [space.sample(np.random.default_rng(20 + k)) for k in range(4)]
    drawn = [with_operations(a, write, add=("add", None)) for a in archs]
    given = universal.score_graphs([space.to_graph(a) for a in archs])
    np.testing.assert_allclose(universal.score_graphs(drawn), given, rtol=1e-5)
    np.testing.assert_allclose([universal.score_graphs([g])[0] for g in drawn], given, rtol=1e-5)


def test_a_network_scores_as_the_mean_over_the_space_wordings(universal):
    from tgnas.spaces.anb import to_graph
    from tgnas.spaces.anb_text import TEMPLATES

    space = get_space("anb")
    archs = [space.sample(np.random.default_rng(10 + k)) for k in range(5)]
    worded = [[to_graph(a, template=t) for a in archs] for t in range(TEMPLATES)]
    alone = np.array([universal.score_graphs(w, resolve=False, impute=False) for w in worded])
    assert not np.allclose(alone[0], alone[-1], atol=1e-3)  # the GCN alone reads the wordings differently
    for w in worded:  # whichever wording is given, the mean over all of them
        np.testing.assert_allclose(universal.score_graphs(w), alone.mean(0), rtol=1e-5)
    cell = get_space("nb201").to_graph(
        get_space("nb201").parse("|nor_conv_3x3~0|+|skip_connect~0|none~1|+|none~0|none~1|avg_pool_3x3~2|")
    )
    mixed = universal.score_graphs([cell, *worded[1]])  # a cell scored with networks: scored as alone
    np.testing.assert_allclose(mixed, [*universal.score_graphs([cell]), *alone.mean(0)], rtol=1e-5)


def test_a_cell_of_nb101_operations_scores_alone_as_the_space_gives_it(universal):
    """Scored one at a time, without costs and in other words, a NAS-Bench-101 cell that NAS-Bench-201 does
    not also have is read back into its cell; one it has is, where its output is read as a concatenation."""
    from tgnas.spaces.nb101_read import cell_of, nb201_twin

    space = get_space("nb101")
    words = {
        "conv3x3-bn-relu": ("area", "a learned 3-by-3 filter bank, then batch norm and a rectifier"),
        "conv1x1-bn-relu": ("mix", "a learned 1x1 channel mixing, then batch norm and a rectifier"),
        "maxpool3x3": ("peak", "keeps the largest value of each 3x3 window"),
    }
    concat = "stacks the feature maps of its predecessors along the channel axis"
    rng = np.random.default_rng(3)
    cells = [space.to_graph(space.sample(rng)) for _ in range(40)]
    cells += [space.to_graph(space.parse(s)) for s in (SPEC_CHAIN, SPEC_TWO)]
    for g in cells:
        twin = nb201_twin(cell_of(g, [family_of(op) for op in g.ops])[0])
        ops = tuple(words[o][0] if o in words else o for o in g.ops)
        texts = tuple(words[o][1] if o in words else None for o in g.ops)
        generic_ends = OpGraph(ops, g.edges, texts)
        joined = OpGraph(ops, g.edges, (*texts[:-1], concat))
        ((read,),) = universal.resolver.resolve([generic_ends])
        assert (read == g) != twin
        ((read,),) = universal.resolver.resolve([joined])
        assert read == g
    assert any(nb201_twin(cell_of(g, [family_of(op) for op in g.ops])[0]) for g in cells)


def test_a_specialist_that_never_trained_on_nb101_reads_no_cell():
    specialist = load_checkpoint("nb201_cifar10_156")
    graph = chain("conv3x3-bn-relu", "maxpool3x3")
    ((read,),) = specialist.resolver.resolve([graph])
    assert read.costs is None  # a NAS-Bench-101 cell would carry its costs


def _darts_genotypes(n=8, seed=3):
    space, rng = get_space("darts"), np.random.default_rng(seed)
    return space, [space.sample(rng) for _ in range(n)]


def test_nominal_costs_of_a_darts_graph_are_the_space_costs():
    """After the normal cell's concatenation, the reduction cell is costed at twice the width and half the
    resolution: a genotype's generic graph gets exactly the costs the space gives it."""
    space, archs = _darts_genotypes()
    for arch in archs:
        given = space.to_graph(arch)
        bare = OpGraph(given.ops, given.edges)
        assert nominal.impute(bare, list(given.ops)).costs == given.costs
    graph = chain("sep_conv_3x3", "concat", "sep_conv_3x3", "concat", "sep_conv_3x3")
    cells = nominal.cells(graph, list(graph.ops))
    assert cells == [0, 0, 0, 1, 1, 2, 2]
    costs = nominal.impute(graph, list(graph.ops)).costs
    assert costs[1]["params"] < costs[3]["params"] < costs[5]["params"]


def test_a_specialised_convolution_states_its_depthwise_kernel_and_no_plain_operation():
    assert stated_kernel("dw5", "per-channel 5 by 5 filter, then a pointwise projection") == 5
    assert stated_kernel("x", "1x1 convolution then 3x3 convolution") is None  # two sizes, nothing special
    text = "atrous depthwise 3x3 filter then a pointwise projection"
    assert stated_kernel("blk", text) == 3
    assert rules_out("nor_conv_3x3", "blk", text, 3) and rules_out("avg_pool_3x3", "blk", text, 3)
    assert rules_out("sep_conv_3x3", "blk", text, 3)  # says dilated: the separable one is another operation
    assert not rules_out("dil_conv_3x3", "blk", text, 3)
    pooled = "per-channel mean of each 3x3 window"  # pooling works per channel too
    assert rules_out("nor_conv_3x3", "p", pooled, 3) and not rules_out("avg_pool_3x3", "p", pooled, 3)
    assert rules_out("mbconv", "s", "separable depthwise 3x3 convolution", 3)
    assert not rules_out("mbconv", "s", "separable depthwise 3x3 MBConv layer", 3)


def test_a_darts_cell_in_new_words_scores_as_its_genotype(universal):
    """Separable and dilated convolutions (families the predictor never trained on) read as the DARTS
    operators, an inner concatenation as the cell's end, and the nominal costs as the space's."""
    words = {
        "sep_conv_3x3": (
            "sepconv3",
            "depthwise separable 3 by 3 convolution followed by a pointwise one, twice",
        ),
        "sep_conv_5x5": (
            "sepconv5",
            "depthwise separable 5 by 5 convolution followed by a pointwise one, twice",
        ),
        "dil_conv_3x3": ("dilconv3", "dilated depthwise 3x3 convolution then a pointwise projection"),
        "dil_conv_5x5": ("dilconv5", "dilated depthwise 5x5 convolution then a pointwise projection"),
        "max_pool_3x3": ("mp", "largest value of each 3x3 window"),
        "avg_pool_3x3": ("ap", "mean of each 3x3 window, no weights"),
        "skip_connect": ("id", "passes its input through unchanged"),
        "concat": ("cat", "concatenates the cell's intermediate feature maps along the channels"),
    }
    space, archs = _darts_genotypes()
    graphs = [space.to_graph(a) for a in archs]
    given = universal.score_graphs(graphs)
    reworded = [
        OpGraph(
            tuple(words[op][0] if op in words else op for op in g.ops),
            g.edges,
            tuple(words[op][1] if op in words else None for op in g.ops),
        )
        for g in graphs
    ]
    np.testing.assert_allclose(universal.score_graphs(reworded), given, atol=1e-5)
    np.testing.assert_allclose(
        universal.score_graphs([OpGraph(g.ops, g.edges) for g in graphs]), given, atol=1e-5
    )


SUM_TEXT = "element-wise sum of its inputs"  # not a text of the descriptions


def test_sum_nodes_are_contracted_so_explicit_states_read_as_the_cell(resolver):
    from tgnas.protocols.crossspace import with_states

    space = get_space("nb201")
    cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|"
    arch = space.parse(cell)
    given = space.to_graph(arch)
    states = with_states(OpGraph(given.ops, given.edges), "add", SUM_TEXT)
    assert states.ops.count("add") == 2 and states.num_nodes == given.num_nodes + 2  # states 1 and 2
    ((out,),) = resolver.resolve([states])
    assert (out.ops, out.edges, out.costs) == (given.ops, given.edges, given.costs)
    chained = OpGraph(  # a sum feeding a sum, and a sum feeding the output
        ("input", "nor_conv_3x3", "add", "add", "nor_conv_1x1", "add", "output"),
        ((0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (3, 5), (5, 6)),
        (None, None, SUM_TEXT, SUM_TEXT, None, SUM_TEXT, None),
    )
    ((out,),) = resolver.resolve([chained])
    assert out.ops == ("input", "nor_conv_3x3", "nor_conv_1x1", "output")
    assert out.edges == ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))


def test_a_predictor_that_trained_on_sums_keeps_its_sum_nodes():
    training = {t for op in (*NB201_OPS, "input", "output", "add") for t in wordings(op)}
    keeps = TextResolver(training, default_embedder())
    assert not keeps.contracts
    graph = chain("nor_conv_3x3", "add", "nor_conv_1x1", texts=(None, None, SUM_TEXT, None, None))
    ((out,),) = keeps.resolve([graph], impute=False)
    assert out.ops == graph.ops
    assert load_checkpoint("nb201_traced_1000").resolver.contracts is False  # traced graphs have adds


@pytest.mark.parametrize(
    "text",
    [
        "the link is cut, so downstream it contributes a tensor in which every entry is nought",  # zeros
        "gives back what it receives verbatim",  # its input
        "mean of the incoming feature maps",  # a mean
    ],
)
def test_a_stated_output_rules_out_a_sum(text):
    from tgnas.predictor.stated import SUM

    assert rules_out(SUM, "node", text, None, None, stated_output("node", text))
    assert rules_out(SUM, "add", "sum of its inputs, with learned weights", None, True)
    assert rules_out(SUM, "add", "sums a 3x3 window", 3)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("DAG node; output = Σ incoming edge outputs", "add"),  # a weak match, saying it sums its inputs
        ("accumulator: the elementwise total of the incoming tensors", "add"),  # ties with the identity
        ("the tensor goes straight through to the successor, untransformed", "skip_connect"),  # says no sum
    ],
)
def test_a_text_stating_a_sum_of_its_inputs_is_read_as_the_contracted_sum(universal, text, family):
    (r,) = universal.resolver.read([("node", text)], "inner")
    assert (r.family, r.candidates) == (family, ())


def test_the_unseen_report_says_a_sum_is_contracted(universal):
    graph = chain("nor_conv_3x3", "add", "nor_conv_1x1", texts=(None, None, SUM_TEXT, None, None))
    (u,) = universal.unseen_operators([graph])
    assert (u.family, u.contracted, u.prior_weight, u.read_as) == ("add", True, 0.0, None)
    plain = chain("nor_conv_3x3", "nor_conv_1x1")
    np.testing.assert_allclose(universal.score_graphs([graph]), universal.score_graphs([plain]), atol=1e-6)


def test_a_concatenation_written_as_code_ends_the_cell_and_is_not_read_as_a_zero(universal):
    (r,) = universal.resolver.read([("cell_out", "torch.cat of the intermediate nodes on dim 1")], "inner")
    assert r.family == "concat"


def test_an_output_text_on_an_inner_node_is_read_as_a_sum_even_with_costs(universal):
    text = describe_op("output")  # the training text of the output node, on the cell's states
    costs = (None, *({"params": 1.0, "flops": 1.0} for _ in range(3)), None)
    graph = chain("nor_conv_3x3", "add", "nor_conv_1x1", texts=(None, None, text, None, None), costs=costs)
    ((out,),) = universal.resolver.resolve([graph])
    assert out.ops == ("input", "nor_conv_3x3", "nor_conv_1x1", "output")


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("tf.concat(vertex_outputs, axis=3)", "concat"),  # NAS-Bench-101's output: it concatenates
        ("reduces its incoming tensors by summing them", "output"),  # NAS-Bench-201's: it sums
        ("a blue banana", None),  # no kind stated: read by its words alone (too weak here)
    ],
)
def test_an_output_that_states_its_kind_weakly_reads_as_the_one_end_of_that_kind(universal, text, family):
    (r,) = universal.resolver.read([("sink", text)], "last")
    assert r.family == family and r.match < 0.4  # each well below the floor of a reading by its words
