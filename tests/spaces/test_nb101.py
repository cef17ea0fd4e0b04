"""The NAS-Bench-101 space: parsing, pruning, canonical hashing, sampling, graphs and the network."""

import json

import numpy as np
import pytest
import torch

from tgnas.benchmarks import get_benchmark
from tgnas.errors import ArchitectureError, UnknownOperatorError
from tgnas.networks.nb101 import NB101Network, vertex_channels
from tgnas.spaces import get_space
from tgnas.spaces.nb101 import NB101Arch, canonical, parse

C3, C1, MP = "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"
SPEC = {
    "matrix": [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
    "ops": ["input", C3, MP, "output"],
}


def test_parse_both_key_styles_and_round_trip():
    space = get_space("nb101")
    a = space.parse(json.dumps(SPEC))
    b = space.parse(json.dumps({"adjacency": SPEC["matrix"], "operations": SPEC["ops"]}))
    record = {"module_adjacency": SPEC["matrix"], "module_operations": SPEC["ops"], "trainable_parameters": 1}
    assert space.parse(json.dumps(record)) == a  # the benchmark's own fixed statistics
    labelled = {"adjacency": SPEC["matrix"], "operations": SPEC["ops"], "val_accuracy": 93.1, "params_M": 2.2}
    assert space.parse(json.dumps(labelled)) == a  # a record of the labelled file, whole
    with pytest.raises(ArchitectureError, match="unknown keys in a NAS-Bench-101 spec: colour"):
        space.parse(json.dumps({**labelled, "colour": "red"}))
    assert a == b and space.parse(space.format(a)) == a
    assert a.edges() == [(0, 1), (0, 2), (1, 3), (2, 3)]


def test_isomorphic_cells_share_the_canonical_key():
    swapped = {
        "matrix": [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
        "ops": ["input", MP, C3, "output"],
    }
    other = {**SPEC, "ops": ["input", C3, C1, "output"]}
    assert canonical(parse(json.dumps(SPEC))) == canonical(parse(json.dumps(swapped)))
    assert canonical(parse(json.dumps(SPEC))) != canonical(parse(json.dumps(other)))


def test_vertices_off_every_path_are_pruned():
    spec = {
        "matrix": [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],  # vertex 2 reaches nothing
        "ops": ["input", C3, C1, "output"],
    }
    a = parse(json.dumps(spec))
    assert a.ops == ("input", C3, "output") and a.edges() == [(0, 1), (1, 2)]


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"matrix": [[0, 1], [1, 0]], "ops": ["input", "output"]}, "upper-triangular"),
        (
            {"matrix": np.triu(np.ones((8, 8), int), 1).tolist(), "ops": ["input"] + [C3] * 6 + ["output"]},
            "2..7",
        ),
        (
            {"matrix": np.triu(np.ones((7, 7), int), 1).tolist(), "ops": ["input"] + [C3] * 5 + ["output"]},
            "9 edges",
        ),
        ({"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv5x5", "output"]}, "unknown"),
        ({"matrix": [[0, 0, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", C3, "output"]}, "does not reach"),
        ({"matrix": [[0, 2], [0, 0]], "ops": ["input", "output"]}, "only 0 and 1"),
        ({"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"], "extra": 1}, "unknown keys"),
        ({"matrix": [[0, 1], [0, 0]]}, "needs"),
    ],
)
def test_bad_specs_are_clear_errors(spec, message):
    with pytest.raises((ArchitectureError, UnknownOperatorError), match=message):
        parse(json.dumps(spec))


def test_bad_text():
    for text in ("not json", "[" * 100_000, json.dumps([1, 2])):
        with pytest.raises(ArchitectureError):
            parse(text)


def test_sample_and_mutate_give_valid_different_cells(rng):
    space = get_space("nb101")
    for _ in range(20):
        a = space.sample(rng)
        assert a.num_vertices <= 7 and len(a.edges()) <= 9
        b = space.mutate(a, rng)
        assert isinstance(b, NB101Arch) and space.canonical(b) != space.canonical(a)


def test_channel_rule():
    m = ((0, 1, 1, 1, 0), (0, 0, 0, 0, 1), (0, 0, 0, 1, 0), (0, 0, 0, 0, 1), (0, 0, 0, 0, 0))
    # vertices 1 and 3 feed the output: 129 = 65 + 64; vertex 2 feeds only vertex 3
    assert vertex_channels(128, 129, m) == [128, 65, 64, 64, 129]


def test_network_parameters_match_the_labelled_file():
    bench = get_benchmark("nb101")
    params = bench.column("cifar10", "params")
    space = get_space("nb101")
    for i in range(0, len(bench), 50):
        net = space.build(space.parse(bench.arch_strings()[i]))
        count = sum(p.numel() for p in net.parameters()) / 1e6
        assert count == pytest.approx(params[i], rel=0.02)


def test_network_forward_and_graph_costs():
    a = parse(json.dumps(SPEC))
    out = NB101Network(a, stem_channels=8)(torch.zeros(2, 3, 32, 32))
    assert out.shape == (2, 10)
    g = get_space("nb101").to_graph(a)
    assert g.ops == a.ops and g.edges == ((0, 1), (0, 2), (1, 3), (2, 3))
    assert (
        g.costs[2]["params"] > 0 and g.costs[1]["params"] > g.costs[2]["params"]
    )  # conv3x3 > pool's projection
    assert "concatenates" in g.texts[-1]
