"""Reading an Accel-NASBench network drawn one node per operation back into its architecture."""

import numpy as np
import pytest
import space_nets
import torch

from tgnas.networks.anb import layers
from tgnas.opgraph import OpGraph
from tgnas.protocols.crossspace import with_operations
from tgnas.spaces import get_space
from tgnas.spaces.anb_opread import operation, read_operations
from tgnas.spaces.anb_read import network_of, space_graphs

SPACE = get_space("anb")
ARCH = SPACE.parse("e1k3l2se-e4k5l2-e6k3l3se-e6k5l1-e4k5l2-e1k5l4se-e6k3l2")


def reprs(part, **n):
    """Nodes as PyTorch prints the modules, each convolution followed by its normalisation."""
    conv = "Conv2d({}, {}, kernel_size=({k}, {k}), stride=({s}, {s}){g}, bias=False)"
    bn = ("BatchNorm2d", "BatchNorm2d(...)")
    if part == "stem":
        return [("Conv2d", conv.format(3, 32, k=3, s=2, g="")), bn, ("SiLU", "SiLU()")]
    if part == "expand":
        return [("Conv2d", conv.format(n["c_in"], n["mid"], k=1, s=1, g="")), bn, ("SiLU", "SiLU()")]
    if part == "depthwise":
        m = n["mid"]
        return [("Conv2d", conv.format(m, m, k=n["kernel"], s=n["stride"], g=f", groups={m}")), bn]
    if part == "se":
        return [("SqueezeExcitation", f"SqueezeExcitation(fc1: Conv2d({n['mid']}, {n['squeeze']}, 1x1))")]
    if part == "project":
        return [("Conv2d", conv.format(n["mid"], n["c_out"], k=1, s=1, g="")), bn]
    return [("Conv2d", conv.format(320, 1280, k=1, s=1, g="")), ("Linear", "Linear(1280, 1000)")]


def named(part, **n):
    """Operator names that say the operation, texts that carry the numbers."""
    return {
        "stem": [("stem", None)],
        "expand": [("pw_expand", f"{n.get('c_in')} -> {n.get('mid')}")],
        "depthwise": [(f"dw_conv_{n.get('kernel')}x{n.get('kernel')}", f"stride {n.get('stride')}")],
        "se": [("squeeze_excite", None)],
        "project": [("pw_project", f"to {n.get('c_out')} channels")],
        "head": [("classifier", None)],
    }[part]


@pytest.mark.parametrize(
    ("op", "text", "kind"),
    [
        ("Conv2d", "Conv2d(96, 96, kernel_size=(5, 5), stride=(2, 2), groups=96, bias=False)", "D"),
        ("Conv2d", "Conv2d(16, 96, kernel_size=(1, 1), stride=(1, 1), bias=False)", "P"),
        ("Conv2d", "Conv2d(3, 32, kernel_size=(3, 3), stride=(2, 2), groups=1)", None),
        ("dwconv5x5", None, "D"),
        ("Conv", "kernel_shape=[5, 5], strides=[2, 2], group=96", "D"),  # ONNX's attributes
        ("Conv", "kernel_shape=[1, 1], strides=[1, 1], group=1", "P"),
        ("op", "5x5 depth-wise convolution", "D"),
        ("op", "per-channel convolution with a 3x3 kernel", "D"),
        ("se", "squeeze-and-excitation, ratio 0.25", "S"),
        ("gate", "channel attention", "S"),
        ("op", "no squeeze-and-excitation here", None),
        ("conv", "pointwise linear projection to 24 channels", "P"),
        ("expand", "widen 6-fold", "P"),
        ("conv", "1 by 1 convolution", "P"),
        ("BatchNorm2d", "BatchNorm2d(96)", None),
        ("add", "x + identity", None),
        ("Linear", "Linear(in_features=1280, out_features=1000)", None),
    ],
)
def test_what_operation_a_node_is(op, text, kind):
    assert operation(op, text) == kind


@pytest.mark.parametrize("write", [reprs, named])
@pytest.mark.parametrize("add", [None, ("Add", "x + identity")])
def test_networks_drawn_one_node_per_operation_read_back(write, add, rng):
    for arch in [ARCH, *(SPACE.sample(rng) for _ in range(20))]:
        graph = with_operations(arch, write, add)
        assert read_operations(graph) == network_of(graph) == arch
    assert space_graphs(with_operations(ARCH, reprs))[0] == SPACE.to_graph(ARCH)  # the space's own costs


def onnx(part, **n):
    """ONNX's nodes: the weight's shape out-channels first, ``group=`` for a depthwise convolution, an SE
    of pooling, two 1x1 convolutions, a sigmoid and a product (a gated branch)."""

    def conv(k, out, cin, group=1):
        return "Conv", f"kernel_shape=[{k}, {k}] group={group} W=[{out}, {cin // group}, {k}, {k}]"

    if part == "stem":
        return [conv(3, 32, 3), ("BatchNormalization", None)]
    if part == "expand":
        return [conv(1, n["mid"], n["c_in"]), ("Sigmoid", None)]
    if part == "depthwise":
        return [conv(n["kernel"], n["mid"], n["mid"], n["mid"])]
    if part == "se":
        m, q = n["mid"], n["squeeze"]
        return [("GlobalAveragePool", None), conv(1, q, m), conv(1, m, q), ("Sigmoid", None), ("Mul", None)]
    if part == "project":
        return [conv(1, n["c_out"], n["mid"])]
    return [conv(1, 1280, 320), ("Gemm", "W=[1000, 1280]")]


def test_a_gate_drawn_beside_the_depthwise_convolution_is_read(rng):
    """Squeeze-and-excitation as a side branch (depthwise -> SE -> multiply <- depthwise), its 1x1
    convolutions read as the SE's; a projection's input width written first or last."""

    def gated(part, **n):
        if part == "se":
            return [("se", "squeeze-excite gate"), ("mul", "x * gate")]
        return reprs(part, **n)

    assert read_operations(with_operations(ARCH, gated, gate=True)) == ARCH
    for arch in [ARCH, *(SPACE.sample(rng) for _ in range(10))]:
        assert read_operations(with_operations(arch, onnx, add=("Add", None), gate=True)) == arch
    assert (
        read_operations(with_operations(ARCH, onnx, add=("Add", None))) is None
    )  # the SE's 1x1 convs in line


def _with(graph: OpGraph, at: int, op: str, text: str | None) -> OpGraph:
    texts = list(graph.texts)
    ops = list(graph.ops)
    ops[at], texts[at] = op, text
    return OpGraph(tuple(ops), graph.edges, tuple(texts))


def test_what_draws_no_network_is_not_read():
    graph = with_operations(ARCH, named)
    kinds = [operation(o, t) for o, t in zip(graph.ops, graph.texts, strict=True)]
    first_dw, first_pw = kinds.index("D"), kinds.index("P")
    assert read_operations(_with(graph, first_dw, "dw_conv_7x7", None)) is None  # a kernel off the space
    assert read_operations(_with(graph, first_pw, "pw_project", "to 40 channels")) is None  # a width skipped
    assert read_operations(_with(graph, first_dw, "squeeze_excite", None)) is None  # SE without depthwise
    expand = kinds.index("P", kinds.index("P", first_pw + 1) + 1)  # block 1's expansion
    assert read_operations(_with(graph, expand, "pw_expand", "16 -> 80")) is None  # 5 x 16: no expansion
    assert read_operations(OpGraph(graph.ops, graph.edges)) is None  # no numbers: no widths
    assert (
        read_operations(OpGraph(graph.ops[:-6] + ("output",), graph.edges[:-6], graph.texts[:-6] + (None,)))
        is None
    )


def test_a_residual_is_only_read_inside_one_block():
    graph = with_operations(ARCH, named)
    kinds = [operation(o, t) for o, t in zip(graph.ops, graph.texts, strict=True)]
    projections = [p for p, k in enumerate(kinds) if k == "P" and graph.ops[p] == "pw_project"]
    inside = (projections[0], projections[1] + 1)  # around block 0's second layer
    across = (projections[1], projections[2] + 1)  # around block 1's first layer, which changes the width
    assert read_operations(OpGraph(graph.ops, (*graph.edges, inside), graph.texts)) == ARCH
    assert read_operations(OpGraph(graph.ops, (*graph.edges, across), graph.texts)) is None


def test_graphs_of_other_spaces_are_not_read():
    for name in ("nb201", "nb101", "darts"):
        space = get_space(name)
        rng = np.random.default_rng(0)
        assert all(read_operations(space.to_graph(space.sample(rng))) is None for _ in range(20))


class _MBConv(torch.nn.Module):
    """An MBConv layer written apart from tgnas's networks: ReLU6, and an SE of linear layers."""

    def __init__(self, x) -> None:
        super().__init__()
        nn, mid = torch.nn, x.c_in * x.expansion
        widen = [nn.Conv2d(x.c_in, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU6()]
        self.expand = nn.Sequential(*(widen if x.expansion > 1 else []))
        self.dw = nn.Sequential(
            nn.Conv2d(mid, mid, x.kernel, x.stride, x.kernel // 2, groups=mid, bias=False),
            nn.BatchNorm2d(mid),
            nn.ReLU6(),
        )
        sq = max(1, x.c_in // 4)
        self.se = nn.Sequential(nn.Linear(mid, sq), nn.ReLU(), nn.Linear(sq, mid)) if x.se else None
        self.project = nn.Sequential(nn.Conv2d(mid, x.c_out, 1, bias=False), nn.BatchNorm2d(x.c_out))
        self.residual = x.residual

    def forward(self, inputs):
        y = self.dw(self.expand(inputs))
        if self.se is not None:
            y = y * torch.sigmoid(self.se(y.mean((2, 3))))[:, :, None, None]
        y = self.project(y)
        return inputs + y if self.residual else y


def _network(arch) -> torch.nn.Module:
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, 2, 1, bias=False),
        nn.BatchNorm2d(32),
        nn.ReLU6(),
        *(_MBConv(x) for x in layers(arch)),
        nn.Conv2d(320, 1280, 1, bias=False),
        nn.BatchNorm2d(1280),
        nn.ReLU6(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(1280, 10),
    ).eval()


def test_a_traced_network_of_the_space_reads_as_its_architecture(rng):
    from tgnas.trace import graph_from_module

    example = torch.randn(1, 3, 32, 32)
    for arch in (ARCH, SPACE.sample(rng)):
        # the space's own network, and three written apart from it (torchvision's and timm's styles)
        apart = (_network(arch), space_nets.ANBLike(arch), space_nets.ANBLike(arch, timm=True))
        for model in (SPACE.build(arch), *apart):
            assert read_operations(graph_from_module(model.eval(), example).graph) == arch
    other = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU(), torch.nn.Conv2d(8, 8, 3))
    assert read_operations(graph_from_module(other, example).graph) is None
