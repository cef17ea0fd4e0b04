"""Plain-English descriptions of traced operations, generated from their hyper-parameters.

Three registries: :data:`MODULE_TEXT` maps a module class name to ``fn(module) -> (op, text)``,
:data:`FUNCTION_TEXT` maps a function or method name (``add``, ``cat``, ``relu``, ...) to ``(op, text)``, and
:data:`FUNCTION_ARGS` maps a function whose text depends on its arguments (``max_pool2d``, ...) to
``fn(args, kwargs) -> (op, text) | None`` (``None``: arguments it cannot read, e.g. a computed size).
Descriptions are deterministic, so the embedder's cache makes a repeated layer free. A module class
without an entry is described from its class name and its ``extra_repr`` (flagged as ``generic``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from torch import nn

from tgnas.registry import Registry

MODULE_TEXT: Registry[Callable[[nn.Module], tuple[str, str]]] = Registry("traced module type")
FUNCTION_TEXT: Registry[tuple[str, str]] = Registry("traced function")
FUNCTION_ARGS: Registry[Callable[[tuple, dict], tuple[str, str] | None]] = Registry("traced call")
SHAPE_ONLY = frozenset(
    {
        "flatten",
        "view",
        "reshape",
        "contiguous",
        "size",
        "getitem",
        "getattr",
        "squeeze",
        "unsqueeze",
        "clone",
        "to",
        "type_as",
        "permute",
        "transpose",
        "dropout",
        "detach",
    }
)  # contracted away: they move data around without computing on it
SHAPE_ONLY_MODULES = frozenset({"Flatten", "Unflatten", "Dropout", "Dropout2d"})  # the same, as modules


def _pair(v) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


@MODULE_TEXT.register("Conv2d")
def _conv(m: nn.Conv2d) -> tuple[str, str]:
    kh, kw = _pair(m.kernel_size)
    sh, _ = _pair(m.stride)
    dh, _ = _pair(m.dilation)
    kind = "convolution"
    if m.groups == m.in_channels == m.out_channels and m.groups > 1:
        kind = "depthwise convolution"
    elif kh == kw == 1:
        kind = "pointwise convolution"
    text = f"{kh}x{kw} {kind}, stride {sh}, {m.in_channels} to {m.out_channels} channels, groups {m.groups}"
    if dh > 1:
        text += f", dilation {dh}"
    return f"conv{kh}x{kw}", text


@MODULE_TEXT.register("Linear")
def _linear(m: nn.Linear) -> tuple[str, str]:
    return "linear", f"fully connected linear layer, {m.in_features} to {m.out_features} features"


for _name in ("BatchNorm1d", "BatchNorm2d"):
    MODULE_TEXT.add(_name, lambda m: ("batchnorm", "batch normalisation"))
MODULE_TEXT.add("LayerNorm", lambda m: ("layernorm", "layer normalisation"))
MODULE_TEXT.add("GroupNorm", lambda m: ("groupnorm", f"group normalisation, {m.num_groups} groups"))
for _name, _text in {
    "ReLU": "ReLU activation",
    "ReLU6": "ReLU6 activation, clipped at 6",
    "GELU": "GELU activation",
    "SiLU": "SiLU (swish) activation",
    "Hardswish": "hard swish activation",
    "Sigmoid": "sigmoid activation",
    "Tanh": "tanh activation",
    "LeakyReLU": "leaky ReLU activation",
}.items():
    MODULE_TEXT.add(_name, lambda m, t=_text, n=_name: (n.lower(), t))


def _pool(kind: str):
    def describe(m) -> tuple[str, str]:
        kh, kw = _pair(m.kernel_size)
        sh, _ = _pair(m.stride if m.stride is not None else m.kernel_size)
        return f"{kind}_pool{kh}x{kw}", f"{kh}x{kw} {kind} pooling, stride {sh}"

    return describe


MODULE_TEXT.add("MaxPool2d", _pool("max"))
MODULE_TEXT.add("AvgPool2d", _pool("average"))


def _pool_call(kind: str):
    """``F.max_pool2d(x, kernel_size, stride=None, ...)`` / ``F.avg_pool2d``: described as the module."""

    def describe(args: tuple, kwargs: dict) -> tuple[str, str] | None:
        kernel = kwargs.get("kernel_size", args[1] if len(args) > 1 else None)
        stride = kwargs.get("stride", args[2] if len(args) > 2 else None) or kernel  # None or []: the kernel
        sizes = [_pair(v) if isinstance(v, int | list | tuple) else () for v in (kernel, stride)]
        if any(len(s) != 2 or not all(isinstance(v, int) for v in s) for s in sizes):
            return None  # a size computed at run time
        (kh, kw), (sh, _) = sizes
        return f"{kind}_pool{kh}x{kw}", f"{kh}x{kw} {kind} pooling, stride {sh}"

    return describe


FUNCTION_ARGS.add("max_pool2d", _pool_call("max"))
FUNCTION_ARGS.add("avg_pool2d", _pool_call("average"))


@MODULE_TEXT.register("AdaptiveAvgPool2d")
def _adaptive(m: nn.AdaptiveAvgPool2d) -> tuple[str, str]:
    if _pair(m.output_size) == (1, 1):
        return "global_avg_pool", "global average pooling over the spatial dimensions"
    return "adaptive_avg_pool", f"adaptive average pooling to {m.output_size}"


MODULE_TEXT.add("Identity", lambda m: ("identity", "identity skip connection"))

for _name, _op, _text in [
    ("add", "add", "element-wise addition"),
    ("iadd", "add", "element-wise addition"),
    ("sum", "add", "element-wise addition"),
    ("sub", "sub", "element-wise subtraction"),
    ("mul", "mul", "element-wise multiplication"),
    ("cat", "concat", "concatenation along channels"),
    ("relu", "relu", "ReLU activation"),
    ("relu6", "relu6", "ReLU6 activation, clipped at 6"),
    ("silu", "silu", "SiLU (swish) activation"),
    ("gelu", "gelu", "GELU activation"),
    ("hardswish", "hardswish", "hard swish activation"),
    ("tanh", "tanh", "tanh activation"),
    ("batch_norm", "batchnorm", "batch normalisation"),
    ("layer_norm", "layernorm", "layer normalisation"),
    ("sigmoid", "sigmoid", "sigmoid activation"),
    ("mean", "mean", "average over a dimension"),
    ("adaptive_avg_pool2d", "global_avg_pool", "global average pooling over the spatial dimensions"),
    ("matmul", "matmul", "matrix multiplication"),
]:
    FUNCTION_TEXT.add(_name, (_op, _text))


def stated_number(text: str | None, word: str, default: int) -> int:
    """The number a generated text states after ``word`` (``stride 2``, ``groups 32``, ``dilation 2``);
    ``default`` where it states none (the readers of traced networks use it)."""
    found = re.search(rf"\b{word} (\d+)", text or "")
    return int(found.group(1)) if found else default


def describe_module(m: nn.Module) -> tuple[str, str, bool]:
    """``(op, text, generic)`` of a leaf module; ``generic`` when no describer is registered."""
    name = type(m).__name__
    if name in MODULE_TEXT:
        op, text = MODULE_TEXT.get(name)(m)
        return op, text, False
    extra = m.extra_repr()
    return name.lower(), f"{name} layer" + (f" ({extra})" if extra else ""), True


def describe_function(name: str, args: tuple = (), kwargs: dict | None = None) -> tuple[str, str, bool]:
    """``(op, text, generic)`` of a traced function or method called ``name`` with ``args`` / ``kwargs``
    (tensor arguments as placeholders; only the constants are read)."""
    if name in FUNCTION_ARGS and (found := FUNCTION_ARGS.get(name)(tuple(args), dict(kwargs or {}))):
        return found[0], found[1], False
    if name in FUNCTION_TEXT:
        op, text = FUNCTION_TEXT.get(name)
        return op, text, False
    return name, f"{name.replace('_', ' ')} operation", True
