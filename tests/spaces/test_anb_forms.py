"""Accel-NASBench architectures as EfficientNet / MnasNet block strings (TensorFlow's and timm's)."""

import json

import numpy as np
import pytest

from tgnas.errors import ArchitectureError
from tgnas.networks.anb import ANBNetwork
from tgnas.spaces import get_space
from tgnas.spaces.anb import parse
from tgnas.spaces.anb_forms import from_blocks, parse_blocks, to_blocks

B0_TF = """r1_k3_s11_e1_i32_o16_se0.25 r2_k3_s22_e6_i16_o24_se0.25 r2_k5_s22_e6_i24_o40_se0.25
r3_k3_s22_e6_i40_o80_se0.25 r3_k5_s11_e6_i80_o112_se0.25 r4_k5_s22_e6_i112_o192_se0.25
r1_k3_s11_e6_i192_o320_se0.25"""
B0_TIMM = [  # timm's efficientnet_b0 arch_def
    ["ds_r1_k3_s1_e1_c16_se0.25"],
    ["ir_r2_k3_s2_e6_c24_se0.25"],
    ["ir_r2_k5_s2_e6_c40_se0.25"],
    ["ir_r3_k3_s2_e6_c80_se0.25"],
    ["ir_r3_k5_s1_e6_c112_se0.25"],
    ["ir_r4_k5_s2_e6_c192_se0.25"],
    ["ir_r1_k3_s1_e6_c320_se0.25"],
]


def test_efficientnet_b0_in_both_dialects():
    b0 = parse(B0_TF)
    assert str(b0) == "e1k3l1se-e6k3l2se-e6k5l2se-e6k3l3se-e6k5l3se-e6k5l4se-e6k3l1se"
    assert parse(json.dumps(B0_TIMM)) == b0 == parse(", ".join(s for (s,) in B0_TIMM))
    assert parse("-".join(B0_TF.split())) == b0
    assert sum(p.numel() for p in ANBNetwork(b0).parameters()) == pytest.approx(5.29e6, rel=0.01)  # B0's size


def test_blocks_round_trip_and_score_as_the_string_form():
    space, rng = get_space("anb"), np.random.default_rng(3)
    for arch in (space.sample(rng) for _ in range(30)):
        for dialect in ("tf", "timm"):
            blocks = to_blocks(arch, dialect)
            assert from_blocks(blocks) == arch and parse_blocks(" ".join(blocks)) == arch
    bare = "r1_k3_e4 r2_k5_e6_se0.25 r3_k3_e1 r1_k5_e6 r4_k3_e4_se0 r2_k5_e6 r1_k3_e1"  # no strides or widths
    assert str(parse(bare)) == "e4k3l1-e6k5l2se-e1k3l3-e6k5l1-e4k3l4-e6k5l2-e1k3l1"
    shuffled = " ".join("_".join(reversed(b.split("_"))) for b in bare.split())  # fields in any order
    assert parse(shuffled) == parse(bare)
    import tgnas

    predictor = tgnas.load_predictor()
    assert predictor.score(bare) == predictor.score(str(parse(bare)))


@pytest.mark.parametrize(
    "text, message",
    [
        ("r1_k3_s11_e1_i32_o16_se0.25", "7 blocks, got 1 block strings"),
        (B0_TF.replace("s22_e6_i16", "s11_e6_i16"), "block 1 .* has stride 2 in the space, got s11"),
        (B0_TF.replace("_se0.25", "_se0.5", 1), "squeeze-and-excitation ratio is 0.25"),
        (B0_TF.replace("e1_i32", "e1_noskip_i32"), "'noskip' is not a field"),
        (B0_TF.replace("o112", "o120"), "block 4 .* has 112 output channels in the space, got o120"),
        (B0_TF.replace("r4_", "r5_"), "block 5 .*layers must be one of 1, 2, 3, 4"),
        (B0_TF.replace("e6_i16", "e6_e4_i16"), "gives e twice"),
        (B0_TF.replace("r1_k3_s11_e1", "r1_s11_e1"), "block 0 .* lacks its kernel k"),
        (B0_TF.replace("_e6_i16", "_i16"), "block 1 .* lacks its expansion e"),
        (json.dumps([["ds_r1_k3_s1_e6_c16"]] + B0_TIMM[1:]), "ds.* block has no expansion; got e6"),
        (json.dumps([1, 2, 3, 4, 5, 6, 7]), "a list of strings"),
        ('["r1_k3_e1", ', "malformed JSON"),
    ],
)
def test_bad_block_strings(text, message):
    with pytest.raises(ArchitectureError, match=message):
        parse(text)
