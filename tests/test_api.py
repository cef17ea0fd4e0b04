"""The plug-in API: tgnas.Predictor (and its deprecated name tgnas.Proxy)."""

import numpy as np
import pytest

import tgnas
from tgnas.errors import ArchitectureError, GraphError, TgnasError, UnknownOperatorError
from tgnas.predictor.predictor import load_checkpoint
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
    return tgnas.Predictor.load()


def test_every_arch_form_scores_like_its_graph():
    one = tgnas.Predictor.load("nb201_cifar10_half")  # a named checkpoint scores every form
    nb201, darts = get_space("nb201"), get_space("darts")
    graph = nb201.to_graph(nb201.parse(BEST))
    forms = [BEST, nb201.parse(BEST), graph, graph.to_dict(), GENOTYPE, darts.parse(GENOTYPE)]
    scores = one.score_many(forms)
    want = one.predictor.score_graphs([graph, darts.to_graph(darts.parse(GENOTYPE))])
    np.testing.assert_allclose(scores, [want[0]] * 4 + [want[1]] * 2, rtol=1e-6)
    assert isinstance(one.score(BEST), float)


def test_default_routes_nb201_cells_to_the_specialist_and_the_rest_to_the_universal(proxy):
    nb201, nb101, anb = get_space("nb201"), get_space("nb101"), get_space("anb")
    rng = np.random.default_rng(0)
    cell, spec, net = nb201.parse(BEST), nb101.sample(rng), anb.sample(rng)
    graph = nb201.to_graph(cell)
    scores = proxy.score_many([BEST, nb101.format(spec), anb.format(net), graph.to_dict(), GENOTYPE])
    assert proxy.predictor.card.get("name", "nb201_cifar10_half") != "universal"
    assert scores[0] == pytest.approx(float(proxy.predictor.score_graphs([graph])[0]), rel=1e-6)
    universal = load_checkpoint("universal")
    want = universal.score_graphs(
        [
            nb101.to_graph(spec),
            anb.to_graph(net),
            graph,
            get_space("darts").to_graph(get_space("darts").parse(GENOTYPE)),
        ]
    )
    np.testing.assert_allclose(scores[1:], want, rtol=1e-5)


def test_a_spaces_json_form_scores_as_a_dict_too(proxy):
    from tgnas.spaces.anb import to_json
    from tgnas.spaces.darts_forms import to_compact, to_config

    rng = np.random.default_rng(1)
    nb101, anb, darts = get_space("nb101"), get_space("anb"), get_space("darts")
    spec, net, genotype = nb101.sample(rng), anb.sample(rng), darts.sample(rng)
    as_text = [nb101.format(spec), anb.format(net), darts.format(genotype)]
    as_dicts = [
        {"matrix": np.asarray(spec.matrix), "ops": list(spec.ops)},  # NumPy arrays, as NAS code holds them
        {"architecture": to_json(net)},
        to_config(genotype.normal, genotype.reduce),
        to_compact(genotype.normal, genotype.reduce),
    ]
    want = proxy.score_many(as_text)
    np.testing.assert_allclose(proxy.score_many(as_dicts), [*want, want[2]], rtol=1e-6)
    with pytest.raises(ArchitectureError, match="no search space parses"):
        proxy.score({"matrix": [[0, 1], [0, 0]]})
    with pytest.raises(ArchitectureError, match="holds a value of type object"):
        proxy.score({"matrix": object()})


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
    with pytest.raises(TgnasError, match="list"):
        proxy.unseen_operators(BEST)


def test_modules_are_traced_and_scored_by_the_traced_predictor(proxy):
    import torch
    import zoo

    from tgnas.api import module_graph

    models = [zoo.ResNetLike(8, 1), zoo.MobileNetLike(8, 1), zoo.vgg_like(8, 1), zoo.vgg_like(16, 2)]
    scores = proxy.score_many(models, input_shape=(1, 3, 32, 32))
    graphs = [module_graph(m, (1, 3, 32, 32)) for m in models]
    np.testing.assert_allclose(scores, proxy.traced.score_graphs(graphs), rtol=1e-6)
    assert proxy.traced.card["graphs"] == "traced" and np.isfinite(scores).all()
    assert len(set(np.round(scores, 4))) == 4  # different models, different scores
    mixed = proxy.score_many([BEST, models[0]], input_shape=(1, 3, 32, 32))
    assert mixed[0] == pytest.approx(proxy.score(BEST)) and mixed[1] == pytest.approx(scores[0])
    assert tgnas.graph_from_module(models[0], torch.zeros(1, 3, 32, 32)).method == "fx"


def test_a_module_of_the_accel_nasbench_space_is_scored_as_its_architecture(proxy):
    """Its traced graph reads as the network (:mod:`tgnas.spaces.anb_opread`): the universal predictor
    scores it as the architecture, not the traced predictor trained on NAS-Bench-201's networks."""
    from tgnas.api import module_graph

    anb = get_space("anb")
    net = anb.sample(np.random.default_rng(3))
    model = anb.build(net).eval()
    report = proxy.report([model, anb.format(net)], input_shape=(1, 3, 32, 32))
    assert report.scores[0] == pytest.approx(report.scores[1], rel=1e-5)
    assert report.operators_unseen[0] == []
    assert report.read_as == [f"anb {anb.format(net)}", None]  # a string is the architecture already
    traced = proxy.traced.score_graphs([module_graph(model, (1, 3, 32, 32))])[0]
    assert report.scores[0] != pytest.approx(traced, abs=1e-3)


def test_a_nas_bench_101_network_is_scored_as_its_cell(proxy):
    """Its traced graph reads back into the cell (:mod:`tgnas.spaces.nb101_netread`), whichever code built
    it: the universal predictor scores the cell, as its spec."""
    import space_nets
    import zoo

    nb101 = get_space("nb101")
    cell = nb101.parse(
        '{"matrix": [[0,1,1,1],[0,0,0,1],[0,0,0,1],[0,0,0,0]], '
        '"ops": ["input","conv3x3-bn-relu","maxpool3x3","output"]}'
    )
    models = [nb101.build(cell, stem_channels=8), space_nets.NB101Like(cell.matrix, cell.ops, width=8)]
    report = proxy.report([*models, nb101.format(cell), zoo.ResNetLike(8, 1)], input_shape=(1, 3, 32, 32))
    assert report.scores[0] == report.scores[1] == pytest.approx(report.scores[2], rel=1e-6)
    assert report.read_as == [f"nb101 {nb101.format(cell)}"] * 2 + [None, None]
    assert report.operators_unseen[:2] == [[], []]


def test_a_darts_network_is_scored_as_its_genotype(proxy):
    import space_nets

    darts = get_space("darts")
    genotype = darts.sample(np.random.default_rng(4))
    models = [darts.build(genotype, channels=4), space_nets.DartsLike(genotype, width=4, layers=5)]
    report = proxy.report([*models, darts.format(genotype)], input_shape=(1, 3, 32, 32))
    assert report.scores[0] == report.scores[1] == pytest.approx(report.scores[2], rel=1e-6)
    read = [darts.parse(r.split(" ", 1)[1]) for r in report.read_as[:2]]
    assert [darts.canonical(g) for g in read] == [darts.canonical(genotype)] * 2
    assert report.read_as[2] is None


def test_a_nas_bench_201_network_is_scored_by_the_specialist_as_its_cell(proxy):
    import space_nets

    nb201 = get_space("nb201")
    cell = nb201.parse(BEST)
    ops = {t: {s: cell.op(t, s) for s in range(t)} for t in (1, 2, 3)}
    models = [nb201.build(cell, channels=4, cells_per_stage=1), space_nets.NB201Like(ops, width=4)]
    report = proxy.report([*models, BEST], input_shape=(1, 3, 32, 32))
    assert report.scores[0] == report.scores[1] == pytest.approx(report.scores[2], rel=1e-6)
    read = [nb201.parse(r.removeprefix("nb201 ")) for r in report.read_as[:2]]
    assert [nb201.canonical(a) for a in read] == [nb201.canonical(cell)] * 2 and report.read_as[2] is None
    named = tgnas.api.Predictor.load("nb201_cifar10_156")  # a named cell checkpoint scores what is read
    by_named = named.report(models[:1], input_shape=(1, 3, 32, 32))
    assert by_named.read_as == report.read_as[:1] and by_named.scores[0] == pytest.approx(named.score(BEST))
    traced = tgnas.api.Predictor.load("nb201_traced_1000")  # a named traced-graph checkpoint reads nothing
    assert traced.report(models[:1], input_shape=(1, 3, 32, 32)).read_as == [None]


def test_a_traced_networks_graph_scores_as_its_module(proxy):
    """The graph tgnas's tracer draws of a network, passed as a graph (an OpGraph or its dict), is read back
    as the module is."""
    from tgnas.api import module_graph

    darts, nb101 = get_space("darts"), get_space("nb101")
    models = [
        darts.build(darts.sample(np.random.default_rng(2)), channels=4, layers=5),
        nb101.build(nb101.parse(CHAIN_SPEC), stem_channels=8),
        get_space("nb201").build(get_space("nb201").parse(BEST), channels=4, cells_per_stage=1),
    ]
    graphs = [module_graph(m, (1, 3, 32, 32)) for m in models]
    by_module = proxy.report(models, input_shape=(1, 3, 32, 32))
    by_graph = proxy.report([graphs[0], graphs[1].to_dict(), graphs[2]])
    assert by_graph.read_as == by_module.read_as and None not in by_graph.read_as
    np.testing.assert_allclose(by_graph.scores, by_module.scores, rtol=1e-6)


CHAIN_SPEC = (
    '{"matrix": [[0,1,0,1],[0,0,1,0],[0,0,0,1],[0,0,0,0]], '
    '"ops": ["input","conv1x1-bn-relu","maxpool3x3","output"]}'
)


def test_a_report_says_which_cell_a_graph_in_other_words_was_read_as(proxy):
    nb101, nb201 = get_space("nb101"), get_space("nb201")
    spec = nb101.parse(
        '{"matrix": [[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]], '
        '"ops": ["input","conv3x3-bn-relu","maxpool3x3","output"]}'
    )
    own = nb101.to_graph(spec)
    words = {"conv3x3-bn-relu": "3x3 convolution, batch norm, ReLU", "maxpool3x3": "3x3 max pooling"}
    mine = {
        "nodes": [{"op": "input"}, {"op": "conv", "text": words["conv3x3-bn-relu"]},
                  {"op": "pool", "text": words["maxpool3x3"]}, {"op": "output", "text": "concatenation"}],
        "edges": [list(e) for e in own.edges],
    }  # fmt: skip
    generic = nb201.to_graph(nb201.parse(BEST)).to_dict()  # a graph scored as given: nothing read back
    report = proxy.report([mine, generic, nb101.format(spec)])
    assert report.read_as == [f"nb101 {nb101.format(spec)}", None, None]
    assert report.scores[0] == pytest.approx(report.scores[2], rel=1e-5)


def test_module_scoring_errors(proxy):
    import zoo

    from tgnas.trace import TraceError

    with pytest.raises(TgnasError, match="needs input_shape"):
        proxy.score(zoo.vgg_like(8, 1))
    with pytest.raises(TraceError, match="failed on an input of shape"):
        proxy.score(zoo.vgg_like(8, 1), input_shape=(1, 1, 32, 32))
    with pytest.raises(TgnasError, match="positive"):
        proxy.score(zoo.vgg_like(8, 1), input_shape=(1, 0, 32, 32))


def test_an_input_too_large_to_allocate_is_a_clear_error(proxy, monkeypatch):
    import torch
    import zoo

    from tgnas import proxies

    def refuse(*_args, **_kwargs):
        raise RuntimeError("DefaultCPUAllocator: can't allocate memory\nError code 12")

    monkeypatch.setattr(torch, "randn", refuse)
    with pytest.raises(TgnasError, match=r"input of shape \(1, 3, 9999, 9999\): RuntimeError: Default"):
        proxy.score(zoo.vgg_like(8, 1), input_shape=(1, 3, 9999, 9999))
    with pytest.raises(TgnasError, match=r"cannot make a batch of shape \(2, 3, 99, 99\)"):
        proxies.score(zoo.vgg_like(8, 1), ["params"], input_shape=(3, 99, 99), batch_size=2)


def test_a_damaged_checkpoint_is_one_line(tmp_path):
    from tgnas.errors import DataError

    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"\xff\xfe\x00 not a checkpoint")
    with pytest.raises(DataError, match="bad.pt is corrupt or unreadable") as info:
        tgnas.load_predictor(str(bad))
    assert "\n" not in str(info.value)


def test_unseen_operators_of_a_foreign_space(proxy):
    assert proxy.unseen_operators([BEST]) == []  # the shipped predictor trained on every NAS-Bench-201 op
    specialist = tgnas.Predictor.load("nb201_cifar10_half")
    found = {u.op: u for u in specialist.unseen_operators([GENOTYPE])}
    # the DARTS operators it never saw (both cells); skip_connect, input and output it knows
    assert set(found) == {"sep_conv_3x3", "dil_conv_3x3", "max_pool_3x3", "concat"}
    assert (found["sep_conv_3x3"].nodes, found["max_pool_3x3"].nodes) == (5, 5)
    assert found["max_pool_3x3"].nearest.startswith("3x3 average pooling")
    # by default DARTS goes to the universal predictor, which trained on NAS-Bench-101's max pooling
    found = {u.op for u in proxy.unseen_operators([GENOTYPE])}
    assert found == {"sep_conv_3x3", "dil_conv_3x3", "concat"}


def test_proxy_is_a_deprecated_alias_of_predictor():
    with pytest.warns(DeprecationWarning, match="tgnas.Predictor"):
        alias = tgnas.Proxy
    assert alias is tgnas.Predictor
    assert isinstance(tgnas.load_predictor("nb201_cifar10_half"), tgnas.Predictor)
