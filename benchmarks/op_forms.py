r"""Accel-NASBench networks written one node per operation: scored as given?

Usage: ``.venv/bin/python benchmarks/op_forms.py [--every 4]``

An MBConv layer drawn at operation level is an expansion (a 1x1 convolution, absent at expansion 1), a
depthwise convolution, a squeeze-and-excitation where the layer has one, and a 1x1 projection, each maybe
followed by its normalisation and activation; the stem and the head become several nodes too
(:func:`tgnas.protocols.crossspace.with_operations`). :data:`DEVELOPMENT` holds the forms the reading of such
graphs (:mod:`tgnas.spaces.anb_opread`) was written against: the graph tgnas's tracer makes of the space's
PyTorch network (squeeze-and-excitation as a gated branch) and of ones written apart from it in torchvision's
EfficientNet style and in timm's (added at stop 34; read as they were), module reprs as PyTorch prints them,
operator names with short texts, prose, and ONNX's nodes (added later, with the reading of ``group=``,
``kernel_shape=[k, k]`` and a weight shape written out-channels first). :data:`BLIND` was written after that
reading was committed and measured once (``keras`` then led to skipping normalisations and activations named
after their part, and is no longer blind). As in ``blind_forms.py``, the shipped universal checkpoint trained
on every labelled Accel-NASBench network, so this measures agreement with the space's own scores: Kendall tau,
one call for all graphs and one graph per call, and the largest absolute difference.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tgnas.protocols.crossspace import Nodes, with_operations

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import space_nets  # noqa: E402 (the test suite's independent networks)
from code_forms import agreement_table  # noqa: E402 (a sibling script)

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _torch(part: str, **n: int) -> Nodes:
    def bn(c: int) -> tuple[str, str]:
        return "BatchNorm2d", f"BatchNorm2d({c}, eps=0.001, momentum=0.01, affine=True)"

    act = ("SiLU", "SiLU(inplace=True)")
    if part == "stem":
        return [
            ("Conv2d", "Conv2d(3, 32, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)"),
            bn(32),
            act,
        ]
    if part == "expand":
        return [
            ("Conv2d", f"Conv2d({n['c_in']}, {n['mid']}, kernel_size=(1, 1), stride=(1, 1), bias=False)"),
            bn(n["mid"]),
            act,
        ]
    if part == "depthwise":
        m, k, s = n["mid"], n["kernel"], n["stride"]
        conv = f"Conv2d({m}, {m}, kernel_size=({k}, {k}), stride=({s}, {s}), padding=({k // 2}, {k // 2}), "
        return [("Conv2d", conv + f"groups={m}, bias=False)"), bn(m), act]
    if part == "se":
        m, q = n["mid"], n["squeeze"]
        return [
            (
                "SqueezeExcitation",
                (
                    f"SqueezeExcitation((avgpool): AdaptiveAvgPool2d(output_size=1) (fc1): Conv2d({m}, {q}, "
                    f"kernel_size=(1, 1), stride=(1, 1)) (fc2): Conv2d({q}, {m}, kernel_size=(1, 1), "
                    "stride=(1, 1)) "
                    "(activation): SiLU() (scale_activation): Sigmoid())"
                ),
            )
        ]
    if part == "project":
        return [
            ("Conv2d", f"Conv2d({n['mid']}, {n['c_out']}, kernel_size=(1, 1), stride=(1, 1), bias=False)"),
            bn(n["c_out"]),
        ]
    return [
        ("Conv2d", "Conv2d(320, 1280, kernel_size=(1, 1), stride=(1, 1), bias=False)"),
        bn(1280),
        act,
        ("AdaptiveAvgPool2d", "AdaptiveAvgPool2d(output_size=1)"),
        ("Flatten", "Flatten(start_dim=1)"),
        ("Linear", "Linear(in_features=1280, out_features=1000, bias=True)"),
    ]


def _named(part: str, **n: int) -> Nodes:
    if part == "stem":
        return [("conv3x3", "stem convolution, stride 2, 32 filters")]
    if part == "expand":
        return [("conv1x1", f"pointwise expansion from {n['c_in']} to {n['mid']} channels, BN, swish")]
    if part == "depthwise":
        k = n["kernel"]
        return [
            (
                f"dwconv{k}x{k}",
                f"depthwise convolution on {n['mid']} channels, stride {n['stride']}, BN, swish",
            )
        ]
    if part == "se":
        return [("se", "squeeze-and-excitation")]
    if part == "project":
        return [("conv1x1", f"linear pointwise projection to {n['c_out']} channels, BN")]
    return [("conv1x1", "1280 features"), ("pool", "global average pooling"), ("fc", "classifier")]


def _prose(part: str, **n: int) -> Nodes:
    if part == "stem":
        return [("stem", "a strided three by three convolution from the image to 32 channels")]
    if part == "expand":
        e = n["mid"] // n["c_in"]
        return [("expand", f"a 1x1 convolution widening {n['c_in']} channels {_WORDS[e]}-fold to {n['mid']}")]
    if part == "depthwise":
        k, down = n["kernel"], ", downsampling by two" if n["stride"] == 2 else ""
        return [
            (
                "depthwise",
                f"each of the {n['mid']} channels filtered separately by its own {k}x{k} kernel{down}",
            )
        ]
    if part == "se":
        return [
            (
                "attention",
                "channel attention: global pooling, a small bottleneck and a sigmoid gate that "
                "rescales the channels",
            )
        ]
    if part == "project":
        return [("project", f"a linear 1x1 convolution mapping back down to {n['c_out']} channels")]
    return [("head", "final 1x1 convolution to 1280 channels, average pooling and a linear classifier")]


def _onnx(part: str, **n: int) -> Nodes:
    def conv(k: int, out: int, cin: int, s: int = 1, group: int = 1) -> tuple[str, str]:
        return (
            "Conv",
            f"kernel_shape=[{k}, {k}] strides=[{s}, {s}] group={group} W=[{out}, {cin // group}, {k}, {k}]",
        )

    bn, act = ("BatchNormalization", None), ("Mul", "x * Sigmoid(x)")
    if part == "stem":
        return [conv(3, 32, 3, 2), bn, act]
    if part == "expand":
        return [conv(1, n["mid"], n["c_in"]), bn, act]
    if part == "depthwise":
        m = n["mid"]
        return [conv(n["kernel"], m, m, n["stride"], m), bn, act]
    if part == "se":
        m, q = n["mid"], n["squeeze"]
        return [
            ("GlobalAveragePool", None),
            conv(1, q, m),
            act,
            conv(1, m, q),
            ("Sigmoid", None),
            ("Mul", None),
        ]
    if part == "project":
        return [conv(1, n["c_out"], n["mid"]), bn]
    return [
        conv(1, 1280, 320),
        bn,
        act,
        ("GlobalAveragePool", None),
        ("Flatten", None),
        ("Gemm", "W=[1000, 1280]"),
    ]


def _traced(arch, build: Callable[[object], object] | None = None) -> object:
    from tgnas.api import module_graph
    from tgnas.spaces import get_space

    model = get_space("anb").build(arch) if build is None else build(arch)
    return module_graph(model.eval(), (1, 3, 32, 32))


DEVELOPMENT: dict[str, Callable[[object], object]] = {
    "traced network (the space's own PyTorch module, 32x32 input)": _traced,
    "traced network written apart (tests/space_nets.py ANBLike, torchvision's style)": partial(
        _traced, build=space_nets.ANBLike
    ),
    "traced network written apart (tests/space_nets.py ANBLike, timm's style)": partial(
        _traced, build=partial(space_nets.ANBLike, timm=True)
    ),
    "torch reprs, residual additions": partial(with_operations, write=_torch, add=("Add", "x + identity")),
    "named operators, residual edges": partial(with_operations, write=_named),
    "prose, residual additions": partial(
        with_operations, write=_prose, add=("sum", "adds the block input back")
    ),
    "ONNX nodes (W=[out, in, k, k], group=), SE as a gated branch, residual additions": partial(
        with_operations, write=_onnx, add=("Add", None), gate=True
    ),
}


def _keras(part: str, **n: int) -> Nodes:
    def conv(name: str, filters: int, k: int = 1, s: int = 1) -> tuple[str, str]:
        return (
            name,
            f"Conv2D(filters={filters}, kernel_size=({k}, {k}), strides=({s}, {s}), padding='same', "
            "use_bias=False)",
        )

    def bn_act(prefix: str, act: bool = True) -> Nodes:
        bn = (f"{prefix}_bn", "BatchNormalization(axis=3)")
        return [bn, (f"{prefix}_activation", "Activation('swish')")] if act else [bn]

    if part == "stem":
        return [conv("stem_conv", 32, 3, 2), *bn_act("stem")]
    if part == "expand":
        return [conv("block_expand_conv", n["mid"]), *bn_act("block_expand")]
    if part == "depthwise":
        k, s = n["kernel"], n["stride"]
        dw = (
            "block_dwconv",
            f"DepthwiseConv2D(kernel_size=({k}, {k}), strides=({s}, {s}), padding='same', use_bias=False)",
        )
        return [dw, *bn_act("block")]
    if part == "se":
        return [
            ("block_se_squeeze", "GlobalAveragePooling2D()"),
            ("block_se_reshape", f"Reshape((1, 1, {n['mid']}))"),
            ("block_se_reduce", f"Conv2D(filters={n['squeeze']}, kernel_size=(1, 1), activation='swish')"),
            ("block_se_expand", f"Conv2D(filters={n['mid']}, kernel_size=(1, 1), activation='sigmoid')"),
            ("block_se_excite", "Multiply()"),
        ]
    if part == "project":
        return [conv("block_project_conv", n["c_out"]), *bn_act("block_project", act=False)]
    return [
        conv("top_conv", 1280),
        *bn_act("top"),
        ("avg_pool", "GlobalAveragePooling2D()"),
        ("top_dropout", "Dropout(0.2)"),
        ("predictions", "Dense(1000, activation='softmax')"),
    ]


def _table(part: str, **n: int) -> Nodes:
    if part == "stem":
        return [("stem", "Conv 3×3/2, 32 filters, BN, Swish")]
    if part == "expand":
        return [("pointwise", f"Conv 1×1, {n['mid']} filters, BN, Swish")]
    if part == "depthwise":
        k = n["kernel"]
        return [("depthwise", f"DWConv {k}×{k}/{n['stride']}, BN, Swish")]
    if part == "se":
        return [("SE", "SE block, reduction 4×")]
    if part == "project":
        return [("pointwise", f"Conv 1×1, {n['c_out']} filters, BN (linear)")]
    return [
        ("head", "Conv 1×1, 1280 filters, BN, Swish"),
        ("pool", "global average pool"),
        ("fc", "FC-1000, softmax"),
    ]


BLIND: dict[str, Callable[[object], object]] = {
    "keras layers, residual additions": partial(with_operations, write=_keras, add=("block_add", "Add()")),
    "paper table, residual edges": partial(with_operations, write=_table),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=4, help="judge every k-th Accel-NASBench network")
    args = parser.parse_args()
    agreement_table({}, DEVELOPMENT | BLIND, args.every)


if __name__ == "__main__":
    main()
