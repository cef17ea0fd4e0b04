"""DARTS genotypes in NAS-Bench-301's configuration, NASLib's compact form and as a JSON object."""

import json

import numpy as np
import pytest

from tgnas.errors import ArchitectureError, UnknownOperatorError
from tgnas.spaces import get_space
from tgnas.spaces.darts import parse
from tgnas.spaces.darts_forms import edge_of, first_edge, to_compact, to_config

P = "NetworkSelectorDatasetInfo:darts:"
# DARTS-V2's normal cell; the reduction cell in max pools and skips (the paper's genotype, written out)
NORMAL = [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1),
          ("sep_conv_3x3", 1), ("skip_connect", 0), ("skip_connect", 0), ("dil_conv_3x3", 2)]  # fmt: skip
REDUCE = [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1),
          ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1)]  # fmt: skip
V2 = f"Genotype(normal={NORMAL}, normal_concat=[2, 3, 4, 5], reduce={REDUCE}, reduce_concat=[2, 3, 4, 5])"


def test_edge_numbering_is_node_by_node():
    assert [first_edge(j) for j in (2, 3, 4, 5)] == [0, 2, 5, 9]
    assert [edge_of(i) for i in (0, 1, 2, 4, 5, 8, 9, 13)] == [
        (2, 0), (2, 1), (3, 0), (3, 2), (4, 0), (4, 3), (5, 0), (5, 4)
    ]  # fmt: skip


def test_config_of_darts_v2_has_the_known_keys():
    config = to_config(NORMAL, REDUCE)
    # node 4 of the normal cell reads states 0 and 1 with sep_conv_3x3 and skip_connect: edges 5 and 6
    assert config[P + "edge_normal_5"] == "skip_connect" and config[P + "edge_normal_6"] == "sep_conv_3x3"
    assert config[P + "edge_normal_11"] == "dil_conv_3x3"  # node 5 reads state 2
    assert config[P + "inputs_node_normal_5"] == "0_2" and config[P + "inputs_node_reduce_4"] == "0_2"
    assert len(config) == 2 * (8 + 3)


def test_every_form_parses_to_the_genotype():
    space = get_space("darts")
    want = space.canonical(parse(V2))
    assert space.canonical(parse(json.dumps({"normal": NORMAL, "reduce": REDUCE}))) == want
    config = to_config(NORMAL, REDUCE)
    short = {k.removeprefix(P): v for k, v in config.items()}
    record = {"optimized_hyperparamater_config": {**config, P + "layers": 8, "OptimizerSelector:sgd:lr": 0.1}}
    compact = to_compact(NORMAL, REDUCE)
    assert compact[0][7] == (2, 5) and compact[1][0] == (0, 0)  # dil_conv_3x3 is 5, max_pool_3x3 0
    fields = {"normal": NORMAL, "normal_concat": [2, 3, 4, 5], "reduce": REDUCE, "reduce_concat": [2, 3]}
    forms = [config, json.dumps(config), short, record, json.dumps(record), compact, str(compact),
             json.dumps(compact)]  # fmt: skip
    forms += [{"genotype": V2, "val_accuracy": 94.2}, json.dumps({"compact": compact, "val_accuracy": 94.2})]
    for form in forms:
        assert space.canonical(parse(form)) == want, form
    shorter = parse(V2.replace("reduce_concat=[2, 3, 4, 5]", "reduce_concat=[2, 3]"))
    assert parse(fields) == parse(json.dumps(fields)) == shorter


def test_a_node_reading_one_state_twice_has_no_configuration():
    with pytest.raises(ArchitectureError, match="node 2 of the normal cell reads state 0 twice"):
        to_config([("sep_conv_3x3", 0)] * 2 + NORMAL[2:], REDUCE)


def test_config_and_compact_round_trip_sampled_genotypes(rng):
    space = get_space("darts")
    for _ in range(50):
        a = space.sample(rng)
        assert space.canonical(parse(json.dumps(to_config(a.normal, a.reduce)))) == space.canonical(a)
        assert parse(str(to_compact(a.normal, a.reduce))) == a


@pytest.mark.parametrize(
    "form, error, match",
    [
        ({P + "edge_normal_0": "sep_conv_3x3"}, ArchitectureError, "node 2 of the normal cell needs two"),
        ({**to_config(NORMAL, REDUCE), P + "edge_normal_14": "skip_connect"}, ArchitectureError, "0..13"),
        ({**to_config(NORMAL, REDUCE), P + "edge_reduce_2": "skip_connect"}, ArchitectureError, "node 3"),
        ({**to_config(NORMAL, REDUCE), P + "inputs_node_normal_5": "1_2"}, ArchitectureError, "says states"),
        ({**to_config(NORMAL, REDUCE), P + "inputs_node_normal_5": "zero"}, ArchitectureError, "'a_b'"),
        ({**to_config(NORMAL, REDUCE), "colour": "red"}, ArchitectureError, "unknown key 'colour'"),
        ({**to_config(NORMAL, REDUCE), P + "edge_normal_0": "conv_9x9"}, UnknownOperatorError, "conv_9x9"),
        ({**to_config(NORMAL, REDUCE), P + "edge_normal_0": 3}, ArchitectureError, "must name an operation"),
        ({P + "layers": 8}, ArchitectureError, "none found"),
        ("(((0, 7),) * 8, ((0, 0),) * 8)", ArchitectureError, "malformed compact"),
        ([[[0, 7]] * 8, [[0, 0]] * 8], ArchitectureError, "op index 7"),
        ([[[0, 1]] * 7, [[0, 0]] * 8], ArchitectureError, "8 .input state, op index. pairs"),
        ([[[0, "1"]] * 8, [[0, 0]] * 8], ArchitectureError, "is not an"),
        ('{"normal": [], "reduce": [], "extra": 1}', ArchitectureError, "unknown field"),
        ('{"normal": []}', ArchitectureError, "lacks reduce"),
        ("[1, 2", ArchitectureError, "malformed compact"),
        ('{"normal": [', ArchitectureError, "not valid JSON"),
        ("[1, 2]", ArchitectureError, "normal cell must hold 8"),
        ("[1]", ArchitectureError, "two cells of 8"),
        ({"genotype": V2, "compact": []}, ArchitectureError, "holds one architecture"),
        ({"arch": {"genotype": V2}}, ArchitectureError, "holds another record"),
    ],
)
def test_bad_forms_are_clear_errors(form, error, match):
    with pytest.raises(error, match=match):
        parse(form)


def test_numpy_values_in_a_config_object_are_read(rng):
    from tgnas.api import to_graph

    a = get_space("darts").sample(rng)
    compact = np.asarray(to_compact(a.normal, a.reduce))
    assert to_graph([c for c in compact]) == get_space("darts").to_graph(a)
