"""The Accel-NASBench space: both string forms, choices, graphs, the network against the labelled file."""

import json

import numpy as np
import pytest
import torch

from tgnas.benchmarks import get_benchmark
from tgnas.errors import ArchitectureError
from tgnas.networks.anb import ANBNetwork
from tgnas.spaces import get_space
from tgnas.spaces.anb import ANBArch, from_json, parse, to_graph, to_json
from tgnas.spaces.anb_text import TEMPLATES

TEXT = "e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2"


def test_string_and_json_forms_round_trip():
    a = parse(TEXT)
    assert str(a) == TEXT and from_json(to_json(a)) == a
    assert parse(json.dumps(to_json(a))) == a
    assert parse(json.dumps({"architecture": to_json(a)})) == a
    assert a.blocks[2].se and not a.blocks[0].se


@pytest.mark.parametrize(
    "text, message",
    [
        ("e6k3l1-e4k5l2", "7 '-'-separated"),
        ("e5k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2", "expansion"),
        ("e6k7l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2", "kernel"),
        ("e6k3l5-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2", "layers"),
        ("e6k3-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2", "malformed block 0"),
        ("{not json", "malformed"),
    ],
)
def test_bad_strings(text, message):
    with pytest.raises(ArchitectureError, match=message):
        parse(text)


def test_bad_json_objects():
    obj = to_json(parse(TEXT))
    with pytest.raises(ArchitectureError, match="lacks block3_e"):
        from_json({k: v for k, v in obj.items() if k != "block3_e"})
    with pytest.raises(ArchitectureError, match="unknown keys.*block7_e"):
        from_json({**obj, "block7_e": 4})
    with pytest.raises(ArchitectureError, match="se must be"):
        from_json({**obj, "block0_se": 1})
    with pytest.raises(ArchitectureError, match="expansion"):
        from_json({**obj, "block0_e": True})
    for bad in (2.5, "6", None, 6.5):
        with pytest.raises(ArchitectureError, match="layers must be one of 1, 2, 3, 4"):
            from_json({**obj, "block0_l": bad})


def test_whole_floats_and_numpy_integers_are_the_choices_they_name():
    obj = to_json(parse(TEXT))
    loose = {k: float(v) if k.endswith(("_e", "_l")) else v for k, v in obj.items()}
    loose |= {k: np.int64(v) for k, v in obj.items() if k.endswith("_k")}
    arch = from_json(loose)
    assert arch == parse(TEXT) and str(arch) == TEXT and to_json(arch) == obj
    assert all(type(v) is int for k, v in to_json(arch).items() if not k.endswith("_se"))


def test_sample_and_mutate(rng):
    space = get_space("anb")
    for _ in range(20):
        a = space.sample(rng)
        b = space.mutate(a, rng)
        assert isinstance(b, ANBArch) and sum(x != y for x, y in zip(a.blocks, b.blocks, strict=True)) == 1


def test_network_and_graph_costs_match_the_labelled_file():
    bench = get_benchmark("anb")
    params, macs = bench.column("imagenet", "params"), bench.column("imagenet", "flops")
    for i in range(0, len(bench), 400):
        a = parse(bench.arch_strings()[i])
        g = to_graph(a)
        assert sum(c["params"] for c in g.costs if c) / 1e6 == pytest.approx(params[i], rel=1e-6)
        assert sum(c["flops"] for c in g.costs if c) / 1e6 == pytest.approx(macs[i], rel=0.02)
        net = ANBNetwork(a)
        assert sum(p.numel() for p in net.parameters()) / 1e6 == pytest.approx(params[i], rel=0.02)


def test_graph_is_a_chain_with_one_node_per_layer_and_varied_texts():
    a = parse(TEXT)
    g = to_graph(a)
    assert g.num_nodes == 2 + 2 + sum(b.layers for b in a.blocks)
    assert g.edges == tuple((i, i + 1) for i in range(g.num_nodes - 1))
    texts = {to_graph(a, template=t).texts[3] for t in range(TEMPLATES)}
    assert len(texts) == TEMPLATES


def test_forward_at_reduced_resolution():
    net = ANBNetwork(parse(TEXT), num_classes=10).eval()
    with torch.no_grad():
        assert net(torch.zeros(1, 3, 64, 64)).shape == (1, 10)
    with torch.no_grad():
        assert np.isfinite(float(net(torch.randn(2, 3, 32, 32)).sum()))
