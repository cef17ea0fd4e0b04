r"""Parameter and FLOP counts of a ``torch.nn.Module``.

FLOPs are counted per sample, one per multiply-accumulate of a weighted layer plus one per elementary
operation of the layers around it:

.. math::
    \mathrm{FLOPs} = \sum_{\text{conv}} H_o W_o C_o \Big(\frac{C_i}{g} k_h k_w + b\Big)
        + \sum_{\text{linear}} d_{out} (d_{in} + b)
        + \sum_{\text{pool}} |y|\, k_h k_w + \sum_{\text{global pool}} |x|
        + \sum_{\text{BN}} 2|y| + \sum_{\text{ReLU}} |y|

with ``b = 1`` for a layer with a bias. Residual additions are not counted. This is the convention of the
NAS-Bench-201 FLOPs table shipped in ``data/nb201``: our counts agree with it to within 0.02 % (a constant
1,078 FLOPs at 32x32 with 10 classes), checked in ``tests/test_cost.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


def _conv(mod: nn.Conv2d, _x: torch.Tensor, y: torch.Tensor) -> int:
    kh, kw = mod.kernel_size
    return y.numel() * ((mod.in_channels // mod.groups) * kh * kw + (mod.bias is not None))


def _linear(mod: nn.Linear, _x: torch.Tensor, y: torch.Tensor) -> int:
    return y.numel() * (mod.in_features + (mod.bias is not None))


def _pool(mod: nn.AvgPool2d | nn.MaxPool2d, _x: torch.Tensor, y: torch.Tensor) -> int:
    k = mod.kernel_size
    kh, kw = (k, k) if isinstance(k, int) else k
    return y.numel() * kh * kw


_FLOP_RULES = {
    nn.Conv2d: _conv,
    nn.Linear: _linear,
    nn.AvgPool2d: _pool,
    nn.MaxPool2d: _pool,
    nn.AdaptiveAvgPool2d: lambda _m, x, _y: x.numel(),
    nn.BatchNorm2d: lambda _m, _x, y: 2 * y.numel(),
    nn.ReLU: lambda _m, _x, y: y.numel(),
}


def module_flops(mod: nn.Module, x: torch.Tensor, y: torch.Tensor) -> int | None:
    """FLOPs of one call of a leaf module on one sample (``x``, ``y``: its input and output, batch 1), in
    the convention above; ``None`` for a layer type the convention does not count."""
    rule = _FLOP_RULES.get(type(mod))
    return None if rule is None else int(rule(mod, x, y))


def count_params(model: nn.Module) -> int:
    """Number of parameters (trainable or not) of ``model``."""
    return sum(p.numel() for p in model.parameters())


def count_flops(model: nn.Module, input_shape: Sequence[int]) -> int:
    """Multiply-accumulates of one forward pass of a single sample (see the module docstring).

    Args:
        model: the network; it is run once in eval mode on zeros, without gradients, then put back in its
            previous mode.
        input_shape: shape of one sample without the batch dimension, e.g. ``(3, 32, 32)``.
    """
    total = 0

    def hook(mod: nn.Module, inp: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        nonlocal total
        total += _FLOP_RULES[type(mod)](mod, inp[0][:1], out[:1])

    handles = []
    for mod in model.modules():
        if type(mod) in _FLOP_RULES:
            handles.append(mod.register_forward_hook(hook))
    was_training = model.training
    try:
        model.eval()
        param = next(model.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
        with torch.no_grad():
            model(torch.zeros(1, *input_shape, device=device))
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    return total
