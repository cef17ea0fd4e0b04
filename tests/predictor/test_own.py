"""A user's own labelled architectures: the file format, its bad inputs, and training beside the spaces."""

import json

import numpy as np
import pytest
import zoo

from tgnas.errors import ArchitectureError, DataError, GraphError
from tgnas.opgraph import OpGraph
from tgnas.predictor.multispace import labelled_set, own_view
from tgnas.predictor.own import load_own_labels, read_own_labels

SPEC = {"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]}
SPEC_2 = {"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "maxpool3x3", "output"]}
NB201 = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_1x1~2|"
DARTS = (
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), "
    "('skip_connect', 0), ('dil_conv_3x3', 2), ('sep_conv_3x3', 0), ('skip_connect', 2)], "
    "normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
    "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), "
    "('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])"
)
GRAPH = {
    "nodes": [{"op": "input"}, {"op": "wavelet", "text": "a fixed Haar wavelet transform"}, {"op": "output"}],
    "edges": [[0, 1], [1, 2]],
}


def body(**fields) -> str:
    return json.dumps(fields) + "\n"


def lines(*records) -> list[str]:
    return [json.dumps(r) + "\n" for r in records]


def test_every_architecture_form_is_read_with_its_space():
    own = read_own_labels(
        [
            "# my runs\n",
            "\n",
            *lines(
                {"arch": SPEC, "accuracy": 90.0},
                {"arch": json.dumps(SPEC_2), "accuracy": 80.0},  # the JSON form as text
                {"arch": NB201, "accuracy": 70.0, "group": "cifar100"},
                {"arch": GRAPH, "accuracy": 60.0, "group": "cifar100"},
            ),
        ],
        "runs.jsonl",
    )
    assert [r.space for r in own.records] == ["nb101", "nb101", "nb201", None]
    assert [r.group for r in own.records] == ["own/own", "own/own", "own/cifar100", "own/cifar100"]
    assert own.records[3].graph.texts[1] == "a fixed Haar wavelet transform"
    assert own.without_costs() == 1  # the graph states no params or flops; the spaces' graphs carry theirs
    from tgnas.spaces import get_space

    nb101, nb201 = get_space("nb101"), get_space("nb201")
    assert own.summary() == {
        "file": "runs.jsonl",
        "sha256": own.sha256,
        "lines": 4,
        "groups": {"own/own": 2, "own/cifar100": 2},
        "benchmark_forms": {  # what searches and rankings must not be judged on (the graph has no space)
            "nb101": sorted(nb101.canonical(nb101.parse(json.dumps(s))) for s in (SPEC, SPEC_2)),
            "nb201": [nb201.canonical(nb201.parse(NB201))],
        },
    }


def test_one_architecture_counts_once_with_its_mean_label():
    """Two seeds of one cell, the second written with its vertices in another order (isomorphic)."""
    swapped = {
        "matrix": [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
        "ops": ["input", "conv1x1-bn-relu", "maxpool3x3", "output"],
    }
    same = {
        "matrix": [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
        "ops": ["input", "maxpool3x3", "conv1x1-bn-relu", "output"],
    }
    own = read_own_labels(
        lines(
            {"arch": swapped, "accuracy": 90.0},
            {"arch": same, "accuracy": 92.0},
            {"arch": SPEC, "accuracy": 1},
        )
    )
    assert [r.accuracy for r in own.records] == [91.0, 1.0] and own.lines == 3


def test_the_same_architecture_in_two_groups_is_two_records():
    own = read_own_labels(
        lines(
            {"arch": SPEC, "accuracy": 90.0, "group": "a"},
            {"arch": SPEC_2, "accuracy": 80.0, "group": "a"},
            {"arch": SPEC, "accuracy": 60.0, "group": "b"},
            {"arch": SPEC_2, "accuracy": 70.0, "group": "b"},
        )
    )
    assert [(r.group, r.accuracy) for r in own.records] == [
        ("own/a", 90.0),
        ("own/a", 80.0),
        ("own/b", 60.0),
        ("own/b", 70.0),
    ]


@pytest.mark.parametrize(
    "body, error, match",
    [
        ("[1, 2]\n", DataError, r"line 1: expected an object"),
        ('{"arch": "x", "accuracy": 1, "acc": 2}\n', DataError, r"line 1: unknown key\(s\) 'acc'"),
        ('{"accuracy": 1}\n', DataError, r"line 1: give either 'arch' or 'module'"),
        (body(arch=NB201), DataError, r"line 1: no 'accuracy'"),
        (body(arch=NB201, accuracy=True), DataError, r"'accuracy' must be a finite number"),
        (body(arch=NB201, accuracy="93"), DataError, r"'accuracy' must be a finite number"),
        (body(arch=NB201, accuracy=1, group=""), DataError, r"'group' must be a non-empty"),
        ('# x\n{"arch": "|conv~0|", "accuracy": 1}\n', ArchitectureError, r"line 2: 'arch': no search space"),
        (
            '{"arch": {"nodes": [{"op": "input"}], "edges": []}, "accuracy": 1}\n',
            GraphError,
            r"line 1: 'arch'",
        ),
        ("{not json\n", DataError, r"line 1: not valid JSON"),
        ("# only a comment\n", DataError, r"holds no labelled architecture"),
        (body(arch=NB201, accuracy=1), DataError, r"group 'own' needs two architectures"),
    ],
)
def test_bad_lines_are_named(body, error, match):
    with pytest.raises(error, match=match):
        read_own_labels(body.splitlines(keepends=True), "runs.jsonl")


def test_a_group_whose_labels_are_all_equal_cannot_rank():
    with pytest.raises(DataError, match="group 'b' needs two architectures of different accuracy"):
        read_own_labels(
            lines(
                {"arch": SPEC, "accuracy": 1.0, "group": "a"},
                {"arch": SPEC_2, "accuracy": 2.0, "group": "a"},
                {"arch": SPEC, "accuracy": 5.0, "group": "b"},
                {"arch": SPEC_2, "accuracy": 5.0, "group": "b"},
            )
        )


def test_a_dash_reads_standard_input(monkeypatch):
    import io
    import sys

    body = "".join(lines({"arch": SPEC, "accuracy": 1}, {"arch": SPEC_2, "accuracy": 2}))
    monkeypatch.setattr(sys, "stdin", io.StringIO(body))
    own = load_own_labels("-")
    assert own.source == "standard input" and [r.accuracy for r in own.records] == [1.0, 2.0]


def test_a_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="labelled file not found"):
        load_own_labels(tmp_path / "nope.jsonl")
    path = tmp_path / "runs.jsonl"
    path.write_text("".join(lines({"arch": SPEC, "accuracy": 1}, {"arch": SPEC_2, "accuracy": 2})))
    assert load_own_labels(path).source == "runs.jsonl"


def test_own_labels_join_training_as_their_own_groups():
    own = read_own_labels(
        lines(
            {"arch": NB201, "accuracy": 70.0},
            {"arch": GRAPH, "accuracy": 60.0},
        )
    )
    data = labelled_set({"nb101": [0, 1, 2]}, views=3, seed=0, own=own)
    mine = [k for k, g in enumerate(data.groups) if g == "own/own"]
    assert len(mine) == 6 and data.targets[mine].tolist() == [70.0] * 3 + [60.0] * 3
    assert data.graphs[mine[0]] == own.records[0].graph  # view 0: as given
    assert set(data.groups) - {"own/own"} == {"nb101/cifar10/valid"}
    with pytest.raises(Exception, match="nothing to train on"):
        labelled_set({}, views=1)


def test_other_views_reword_what_has_no_own_text():
    own = read_own_labels(lines({"arch": NB201, "accuracy": 70.0}, {"arch": GRAPH, "accuracy": 60.0}))
    rng = np.random.default_rng(0)
    cell = [own_view(own.records[0], rng) for _ in range(20)]
    assert any("none" in g.ops for g in cell) and any("none" not in g.ops for g in cell)  # unpruned, pruned
    graph = own_view(own.records[1], rng)
    assert isinstance(graph, OpGraph) and graph.texts[1] == "a fixed Haar wavelet transform"


def test_evaluate_own_counts_benchmark_rows_the_predictors_trained_on():
    import tgnas
    from tgnas.benchmarks import get_benchmark
    from tgnas.protocols.own import evaluate_own

    bench = get_benchmark("nb101")
    strings, y = bench.arch_strings(), bench.column("cifar10", "valid")
    own = read_own_labels(
        lines(
            *({"arch": strings[i], "accuracy": float(y[i])} for i in range(4)),
            {"arch": DARTS, "accuracy": 1.0, "group": "new"},  # no DARTS label trained anything
            {"arch": GRAPH, "accuracy": 2.0, "group": "new"},
        )
    )
    judged = evaluate_own(tgnas.load_predictor(), own)
    n_own = len([r for r in own.records if r.group == "own/own"])
    assert judged["own"]["seen"] == judged["own"]["n"] == n_own  # the universal checkpoint trained on all
    assert judged["new"]["seen"] == 0 and judged["new"]["params_tau"] is None  # the graph has no costs
    assert not judged["own"]["in_sample"] and -1 <= judged["own"]["kendall_tau"] <= 1
    assert judged["own"]["params_tau"] is not None


def test_graph_records_are_read_as_the_trained_predictor_will_read_them():
    from tgnas.embed import default_embedder, paraphrases
    from tgnas.predictor.multispace import read_own
    from tgnas.predictor.novelty import node_texts
    from tgnas.predictor.resolve import TextResolver

    def chain(op, text):
        return {
            "nodes": [{"op": "input"}, {"op": op, "text": text}, {"op": "output"}],
            "edges": [[0, 1], [1, 2]],
        }

    known = chain("blur", paraphrases("nor_conv_3x3")[0])  # another wording of a trained operator
    new = chain("qgate", "entangles two qubits with a controlled phase gate")  # nothing tgnas knows
    spec = {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}  # a space's architecture: kept
    lines = [json.dumps({"arch": a, "accuracy": 80.0 + k}) for k, a in enumerate([known, new, spec])]
    own = read_own_labels(lines, "mine.jsonl")
    rows = {"nb201": list(range(0, 15625, 1000))}
    read, changed = read_own(rows, 2, 0, own)
    assert changed == 1 and read.records[1:] == own.records[1:]
    assert read.records[0].graph.texts != own.records[0].graph.texts
    texts = node_texts(labelled_set(rows, 2, 0).graphs, default_embedder())
    loose = [r.graph for r in own.records[:2]]
    assert [r.graph for r in read.records[:2]] == TextResolver(texts, default_embedder()).resolve(loose)[0]
    assert read_own({}, 2, 0, own) == (own, 0)  # no rows: nothing known to read as


SHAPE = (1, 3, 16, 16)


def test_labelled_modules_are_their_traced_graphs():
    """Each module is traced to the graph it is scored by; modules of one graph merge into one record."""
    from tgnas.api import module_graph
    from tgnas.predictor.own import labels_from_modules

    models = [zoo.vgg_like(8, 1), zoo.vgg_like(8, 2), zoo.ResNetLike(8, 1), zoo.vgg_like(8, 1)]
    own = labels_from_modules(models, [60.0, 70.0, 80.0, 64.0], SHAPE, group="cifar10")
    assert own.lines == 4 and len(own.records) == 3  # the two vgg_like(8, 1) trace alike
    first = own.records[0]
    assert first.space is None and first.graph == module_graph(models[0].eval(), SHAPE)
    assert first.accuracy == 62.0 and {r.group for r in own.records} == {"own/cifar10"}
    again = labels_from_modules(models, [60.0, 70.0, 80.0, 64.0], SHAPE, group="cifar10")
    other = labels_from_modules(models, [60.0, 70.0, 81.0, 64.0], SHAPE, group="cifar10")
    assert again.sha256 == own.sha256 != other.sha256


@pytest.mark.parametrize(
    "models, accuracies, match",
    [
        (lambda: [], [], "holds no labelled architecture"),
        (lambda: [0], [1.0], "modules item 1: expected a torch.nn.Module, got int"),
        (lambda: [zoo.vgg_like(8, 1)] * 3, [1.0], "3 modules but 1 accuracies"),
        (lambda: [zoo.vgg_like(8, 1), zoo.vgg_like(8, 2)], [1.0, float("nan")], "modules item 2: accuracy"),
        (
            lambda: [zoo.vgg_like(8, 1), zoo.vgg_like(8, 2)],
            [5.0, 5.0],
            "two architectures of different accuracy",
        ),
    ],
)
def test_labelled_modules_bad_inputs(models, accuracies, match):
    from tgnas.errors import TgnasError
    from tgnas.predictor.own import labels_from_modules

    with pytest.raises(TgnasError, match=match):
        labels_from_modules(models(), accuracies, SHAPE)


def test_a_predictor_trained_on_modules_scores_modules(tmp_path):
    """Trained alone on labelled modules, the checkpoint scores modules through the API as the traced
    predictor, each as its traced graph."""
    import tgnas
    from tgnas.api import Predictor, module_graph
    from tgnas.predictor.config import FineTuneConfig
    from tgnas.predictor.multispace import train_alone
    from tgnas.predictor.own import labels_from_modules

    models = [zoo.vgg_like(8, d) for d in (1, 2, 3)] + [zoo.ResNetLike(8, b) for b in (1, 2)]
    own = labels_from_modules(models, [60.0, 65.0, 70.0, 75.0, 80.0], SHAPE)
    result = train_alone(own, FineTuneConfig(epochs=1), recipe="mixed", progress=False)
    path, _ = result.predictor.save(tmp_path / "mine.pt")
    api = tgnas.load_predictor(traced_checkpoint=str(path))
    assert isinstance(api, Predictor)
    probe = zoo.MobileNetLike(8, 1).eval()
    want = result.predictor.score_graphs([module_graph(probe, SHAPE)])[0]
    assert api.score(probe, SHAPE) == pytest.approx(want)
    assert Predictor.load().score(probe, SHAPE) != pytest.approx(want)  # the shipped traced predictor


def test_a_labelled_file_names_modules_by_factory_and_arguments():
    """A ``module`` line is the record :func:`labels_from_modules` makes of the module its factory builds."""
    from tgnas.predictor.own import labels_from_modules

    def net(factory, accuracy, **fields):
        return {"module": f"zoo:{factory}", "input_shape": list(SHAPE), "accuracy": accuracy, **fields}

    own = read_own_labels(
        lines(
            net("vgg_like", 60, kwargs={"width": 8, "depth": 1}),
            net("resnet_small", 80, group="cifar10"),
            net("vgg_like", 70, kwargs={"width": 8, "depth": 2}),
            net("mobilenet_small", 75, group="cifar10"),
            {"arch": SPEC, "accuracy": 50},
        )
    )
    assert [r.group for r in own.records] == ["own/own", "own/cifar10", "own/own", "own/cifar10", "own/own"]
    models = [zoo.vgg_like(8, 1), zoo.resnet_small(), zoo.vgg_like(8, 2), zoo.mobilenet_small()]
    made = labels_from_modules(models, [60, 80, 70, 75], SHAPE)
    assert [r.graph for r in own.records[:4]] == [r.graph for r in made.records]
    assert all(r.space is None for r in own.records[:4]) and own.records[4].space == "nb101"


NET, SMALL = "zoo:resnet_small", [1, 3, 8, 8]
POSITIVE = "'input_shape' must be a list of positive"
TOGETHER = "'input_shape' and 'kwargs' go with 'module'"


@pytest.mark.parametrize(
    "record, match",
    [
        ({"arch": SPEC, "module": NET, "input_shape": SMALL}, "either 'arch' or 'module'"),
        ({"module": NET}, TOGETHER),
        ({"arch": SPEC, "input_shape": SMALL}, TOGETHER),
        ({"arch": SPEC, "kwargs": {}}, TOGETHER),
        ({"module": NET, "input_shape": [1, 3, "8"]}, POSITIVE),
        ({"module": NET, "input_shape": [0, 3, 8, 8]}, POSITIVE),
        ({"module": NET, "input_shape": "1,3,8,8"}, POSITIVE),
        ({"module": "zoo:vgg_like", "kwargs": [8], "input_shape": SMALL}, "'kwargs' must be an object"),
        ({"module": "zoo:nope", "input_shape": SMALL}, "line 2: 'module': cannot load zoo:nope"),
        ({"module": "zoo", "input_shape": SMALL}, "package.module:factory"),
        ({"module": "zoo:not_a_model", "input_shape": SMALL}, "not a torch.nn.Module"),
        ({"module": NET, "kwargs": {"x": 1}, "input_shape": SMALL}, "calling zoo:resnet_small\\(x=1\\)"),
        ({"module": NET, "input_shape": [1, 5, 8, 8]}, "failed on an input of shape"),
    ],
)
def test_bad_module_lines_are_named(record, match):
    from tgnas.errors import TgnasError

    text = body(arch=NB201, accuracy=1) + json.dumps({"accuracy": 2, **record}) + "\n"
    with pytest.raises(TgnasError, match=match) as info:
        read_own_labels(text.splitlines(keepends=True), "runs.jsonl")
    assert "runs.jsonl line 2" in str(info.value)
