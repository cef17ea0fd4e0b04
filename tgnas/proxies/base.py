"""What a zero-cost proxy is: a pure function of ``(model, batch)`` registered under one or more names.

A proxy never moves the model, never changes global flags and may modify the (copied) model it is given:
:func:`tgnas.proxies.runner.compute_proxies` prepares a fresh copy for every family. A family that shares
one pass (AZ-NAS) returns several named values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from tgnas.errors import TgnasError
from tgnas.registry import Registry


class ProxyError(TgnasError):
    """A proxy cannot run on this model or batch (missing layers, wrong shapes); names the proxy."""


@dataclass(frozen=True)
class ProxyBatch:
    """The data a proxy sees.

    Attributes:
        inputs: images, shape ``(B, C, H, W)``.
        targets: class labels, shape ``(B,)`` (random labels when the inputs are random).
        num_classes: number of classes of the model's output.
    """

    inputs: torch.Tensor
    targets: torch.Tensor
    num_classes: int

    def __post_init__(self) -> None:
        if self.inputs.dim() != 4:
            raise ProxyError(f"a proxy batch is (B, C, H, W) images, got shape {tuple(self.inputs.shape)}")
        if self.targets.shape != (self.inputs.shape[0],):
            raise ProxyError(
                f"targets must have shape ({self.inputs.shape[0]},), got {tuple(self.targets.shape)}"
            )
        if self.inputs.shape[0] < 2:
            raise ProxyError("a proxy batch needs at least 2 images")

    def to(self, device: torch.device | str) -> ProxyBatch:
        return ProxyBatch(self.inputs.to(device), self.targets.to(device), self.num_classes)


ProxyFn = Callable[[nn.Module, ProxyBatch], dict[str, float]]


@dataclass(frozen=True)
class ProxySpec:
    """A registered family.

    Attributes:
        family: the family's name (one file of ``tgnas/proxies``).
        fn: ``(model, batch) -> {name: value}``; higher values mean better predicted accuracy.
        outputs: the names it produces.
        mode: ``"train"`` or ``"eval"``: the mode the runner puts the copied model in.
        reference: the paper.
        init: the initialisation the runner applies first (a name in :data:`tgnas.proxies.init.INITS`).
        data: whether the family reads the images themselves (its paper defines it on real data): under the
            sweep's ``"auto"`` input it gets the shipped real batch, the others Gaussian noise.
        revision: bumped whenever the family's values change, so a resumed proxy file never mixes values
            of two implementations.
    """

    family: str
    fn: ProxyFn
    outputs: tuple[str, ...]
    mode: str = "train"
    reference: str = ""
    init: str = "kaiming"
    data: bool = False
    revision: int = 1


PROXIES: Registry[ProxySpec] = Registry("proxy")
FAMILIES: Registry[ProxySpec] = Registry("proxy family")


def register(
    family: str,
    outputs: tuple[str, ...] | None = None,
    mode: str = "train",
    reference: str = "",
    init: str = "kaiming",
    data: bool = False,
    revision: int = 1,
):
    """Decorator registering ``fn`` as a family producing ``outputs`` (default: just ``family``)."""

    def add(fn: ProxyFn) -> ProxyFn:
        spec = ProxySpec(family, fn, outputs or (family,), mode, reference, init, data, revision)
        FAMILIES.add(family, spec)
        for name in spec.outputs:
            PROXIES.add(name, spec)
        return fn

    return add


ACTIVATIONS = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.SiLU, nn.GELU, nn.Hardswish, nn.Mish, nn.ELU)
"""Activation layers whose output is positive exactly where the unit is active (``x > 0``)."""


def weighted_layers(model: nn.Module, proxy: str) -> list[nn.Module]:
    """The model's convolutions and linear layers; :class:`ProxyError` if there are none."""
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    if not layers:
        raise ProxyError(f"proxy {proxy!r} needs convolution or linear layers, and the model has none")
    return layers


def watch(model: nn.Module, inputs: torch.Tensor, modules: list[nn.Module], fn: Callable) -> None:
    """Runs ``model(inputs)`` without gradients, calling ``fn(module, inputs, output)`` after every call of
    one of ``modules``."""
    handles = [m.register_forward_hook(fn) for m in modules]
    try:
        with torch.no_grad():
            model(inputs)
    finally:
        for h in handles:
            h.remove()


def watch_activations(model: nn.Module, inputs: torch.Tensor, proxy: str, fn: Callable) -> None:
    """:func:`watch` of every activation layer (:data:`ACTIVATIONS`), calling ``fn(inputs, output)``;
    :class:`ProxyError` naming ``proxy`` if the model has none."""
    acts = [m for m in model.modules() if isinstance(m, ACTIVATIONS)]
    if not acts:
        raise ProxyError(f"proxy {proxy!r} needs activation layers (ReLU, SiLU, ...), and the model has none")
    watch(model, inputs, acts, lambda _mod, inp, out: fn(inp, out))
