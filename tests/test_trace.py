"""Tracing nn.Modules into operator graphs with generated descriptions."""

import pytest
import torch
import zoo
from torch import nn

from tgnas.cost import count_flops, count_params
from tgnas.trace import TraceError, graph_from_module
from tgnas.trace.ops import describe_module

X = torch.zeros(1, 3, 32, 32)


@pytest.mark.parametrize(
    "model",
    [
        zoo.ResNetLike(8, 1),
        zoo.ResNetLike(16, 2),
        zoo.MobileNetLike(8, 1),
        zoo.vgg_like(8, 1),
        zoo.vgg_like(16, 2),
    ],
    ids=["resnet8x1", "resnet16x2", "mobilenet8x1", "vgg8x1", "vgg16x2"],
)
def test_traced_graphs_account_for_every_layer(model):
    traced = graph_from_module(model, X)
    g = traced.graph
    assert traced.method == "fx" and traced.generic == ()
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert sum(op.startswith("conv") for op in g.ops) == len(convs)
    # node costs add up to the model's parameters and FLOPs (the cost module's convention)
    costs = [c for c in g.costs if c]
    assert sum(c["params"] for c in costs) == count_params(model)
    assert sum(c.get("flops", 0) for c in costs) == count_flops(model, (3, 32, 32))
    assert all(t for op, t in zip(g.ops, g.texts, strict=True) if op not in ("input", "output"))


def test_residual_blocks_become_additions_with_two_inputs():
    g = graph_from_module(zoo.ResNetLike(8, 1), X).graph
    indeg, _ = g.degrees()
    adds = [i for i, op in enumerate(g.ops) if op == "add"]
    assert len(adds) == 3 and all(indeg[i] == 2 for i in adds)


def test_descriptions_are_generated_from_hyper_parameters():
    assert describe_module(nn.Conv2d(16, 32, 3, stride=2, padding=1))[1] == (
        "3x3 convolution, stride 2, 16 to 32 channels, groups 1"
    )
    assert describe_module(nn.Conv2d(8, 8, 3, groups=8))[1].startswith("3x3 depthwise convolution")
    assert describe_module(nn.Conv2d(8, 8, 5, dilation=2, groups=8))[1].endswith("dilation 2")
    assert describe_module(nn.AdaptiveAvgPool2d(1))[0] == "global_avg_pool"
    op, text, generic = describe_module(nn.PixelShuffle(2))
    assert generic and text == "PixelShuffle layer (upscale_factor=2)"


class FunctionalPools(nn.Module):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.conv, self.size = nn.Conv2d(3, 4, 3, padding=1), size

    def forward(self, x):
        x = nn.functional.max_pool2d(self.conv(x), 2)
        x = nn.functional.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        x = nn.functional.max_pool2d(x, (2, 2), stride=[])  # an empty stride: the kernel's
        return nn.functional.max_pool2d(x, x.shape[-1]).flatten(1)  # a size known only at run time


def test_functional_pools_are_described_as_their_modules():
    g = graph_from_module(FunctionalPools(4), X).graph
    assert list(zip(g.ops, g.texts, strict=True))[2:5] == [
        ("max_pool2x2", describe_module(nn.MaxPool2d(2))[1]),
        ("average_pool3x3", describe_module(nn.AvgPool2d(3, 1, 1))[1]),
        ("max_pool2x2", "2x2 max pooling, stride 2"),
    ]
    assert g.ops[5] == "max_pool2d"  # generic: the size is computed


class FunctionalLayers(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv, self.bn = nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)

    def forward(self, x):
        bn = self.bn
        x = nn.functional.batch_norm(self.conv(x), bn.running_mean, bn.running_var, bn.weight, bn.bias, False)
        return nn.functional.gelu(nn.functional.relu6(nn.functional.silu(x))).mean((2, 3))


def test_functional_layers_are_described_as_their_modules():
    traced = graph_from_module(FunctionalLayers(), X)
    modules = [nn.BatchNorm2d(4), nn.SiLU(), nn.ReLU6(), nn.GELU()]
    described = list(zip(traced.graph.ops, traced.graph.texts, strict=True))[2:6]
    assert described == [describe_module(m)[:2] for m in modules] and traced.generic == ()


class SizedByAnother(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Conv2d(3, 4, 3), nn.Conv2d(4, 4, 3)

    def forward(self, x):
        y = self.a(x)
        return self.b(y).view(y.size(0), -1)  # y gives a number, not data


def test_a_size_read_from_a_tensor_is_no_edge():
    g = graph_from_module(SizedByAnother(), X).graph
    assert g.ops == ("input", "conv3x3", "conv3x3", "output") and g.edges == ((0, 1), (1, 2), (2, 3))


class WithAuxiliaryHead(nn.Module):
    """An auxiliary classifier used only in training, as DARTS's evaluation network has."""

    def __init__(self) -> None:
        super().__init__()
        self.body, self.head, self.aux = nn.Conv2d(3, 4, 3), nn.Linear(4, 10), nn.Linear(4, 10)

    def forward(self, x):
        h = self.body(x).mean((2, 3))
        if self.training:
            return self.head(h), self.aux(h)
        return self.head(h)


def test_a_module_in_training_mode_is_drawn_as_it_infers():
    model = WithAuxiliaryHead()  # a new module is in training mode
    g = graph_from_module(model, X).graph
    assert g.ops.count("linear") == 1 and model.training


def test_tracing_is_deterministic():
    a = graph_from_module(zoo.MobileNetLike(8, 1), X).graph
    b = graph_from_module(zoo.MobileNetLike(8, 1), X).graph
    assert (a.ops, a.edges, a.texts) == (b.ops, b.edges, b.texts)


def test_data_dependent_control_flow_falls_back_to_hooks_with_a_warning():
    model = zoo.DataDependent()
    x = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with pytest.warns(UserWarning, match="falling back to forward hooks"):
        traced = graph_from_module(model, x)
    assert traced.method == "hooks"
    convs = sum(op.startswith("conv") for op in traced.graph.ops)
    assert convs == (2 if model.a(x).sum() > 0 else 1)  # the path the example input takes
    with pytest.raises(TraceError, match="torch.fx cannot trace DataDependent"):
        graph_from_module(model, x, fallback=False)


def test_bad_inputs():
    with pytest.raises(TraceError, match="failed on an input of shape \\(1, 5, 32, 32\\)"):
        graph_from_module(zoo.vgg_like(8, 1), torch.zeros(1, 5, 32, 32))
    with torch.device("meta"):
        meta = zoo.vgg_like(8, 1)
    with pytest.raises(TraceError, match="meta device"):
        graph_from_module(meta, X)
    with pytest.raises(TraceError, match="needs a torch.nn.Module"):
        graph_from_module("resnet", X)  # type: ignore[arg-type]

    class Constant(nn.Module):
        def forward(self, x):
            return torch.ones(3)

    with pytest.raises(TraceError, match="does not depend on the input"):
        graph_from_module(Constant(), X)


def test_a_failure_inside_a_traced_module_is_reported_on_one_line():
    class Boom(nn.Module):
        def forward(self, x):
            raise RuntimeError("the real cause\n\nWhile executing %x ...\nOriginal traceback:\nNone")

    class Loud(nn.Module):
        def __init__(self):
            super().__init__()
            self.boom = Boom()

        def forward(self, x):
            return self.boom(x)

    with pytest.raises(TraceError) as info:
        graph_from_module(Loud(), X, fallback=False)
    assert str(info.value) == "torch.fx cannot trace Loud: RuntimeError: the real cause"
    with pytest.warns(UserWarning, match="falling back"), pytest.raises(TraceError) as info:
        graph_from_module(Loud(), X)
    assert str(info.value) == "Loud failed on an input of shape (1, 3, 32, 32): RuntimeError: the real cause"
