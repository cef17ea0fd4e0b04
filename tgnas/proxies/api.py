"""Zero-cost proxies in one call, for a module or an architecture of any space with a network.

.. code-block:: python

    import tgnas.proxies
    result = tgnas.proxies.score(my_module, names=("az", "tcet"), input_shape=(3, 32, 32))
    result.values["tcet"], result.failures
    tgnas.proxies.score("|nor_conv_3x3~0|+|...|", names=("zico",)).values["zico"]
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from tgnas.errors import ArchitectureError, TgnasError, cause
from tgnas.proxies.base import PROXIES, ProxyBatch, ProxyError
from tgnas.proxies.data import cifar10_batch
from tgnas.proxies.runner import ProxyResult, compute_proxies, resolve
from tgnas.proxies.sweep import NETWORK_OPTIONS, SweepConfig, proxy_batch


def score(
    model_or_arch: object,
    names: Sequence[str] = ("az",),
    input_shape: Sequence[int] | None = None,
    *,
    input: str = "auto",
    batch_size: int = 64,
    seed: int = 0,
) -> ProxyResult:
    """The named proxies (or families, e.g. ``az``) of one network; the caller's module is left untouched.

    Args:
        model_or_arch: an ``nn.Module`` mapping ``(B, C, H, W)`` images to ``(B, classes)`` logits, an
            architecture string of a space with a network (NAS-Bench-201, DARTS ``Genotype(...)``,
            NAS-Bench-101 JSON, Accel-NASBench), or such a space's architecture object (the space builds the
            benchmark's network).
        names: proxy or family names (``tgnas.proxies.PROXIES.names()``).
        input_shape: a module's input, ``(C, H, W)`` or ``(B, C, H, W)`` (``B`` is ignored: ``batch_size``
            images are used); for an architecture, ``(3, S, S)`` sets the resolution.
        input: ``auto`` (real CIFAR-10 images, resized, for the proxies defined on data when ``C = 3``;
            Gaussian noise otherwise), ``gaussian`` or ``cifar10``.
        batch_size: images per proxy pass.
        seed: seeds the noise, the initialisation and every proxy.

    Returns:
        The values (``-inf`` for a failed proxy, ranked worst), the failures and each family's seconds.

    Raises:
        ProxyError: a module the proxies cannot run on (wrong input shape, no layers they need).
        ArchitectureError: an architecture no space with a network parses.
    """
    wanted = resolve(names)
    if isinstance(model_or_arch, nn.Module):
        return _module(model_or_arch, wanted, input_shape, input, batch_size, seed)
    space, arch = _space_and_arch(model_or_arch)
    resolution = 0
    if input_shape is not None:
        shape = _shape(input_shape)
        if shape[0] != 3 or shape[1] != shape[2]:
            raise TgnasError(f"a {space.name} network reads square RGB images, (3, S, S); got {shape}")
        resolution = shape[1]
    config = SweepConfig(
        space=space.name,
        proxies=tuple(wanted),
        input=input,
        batch_size=batch_size,
        seed=seed,
        resolution=resolution,
    )
    net = space.build(arch, **config.network_options())
    batch, data = proxy_batch(config)
    return compute_proxies(net, batch, wanted, seed=seed, reuse_model=True, data_batch=data)


def _shape(input_shape: Sequence[int]) -> tuple[int, int, int]:
    try:
        shape = tuple(int(s) for s in input_shape)
    except (TypeError, ValueError):
        raise TgnasError(f"input_shape must be integers (C, H, W), got {input_shape!r}") from None
    if len(shape) == 4:
        shape = shape[1:]
    if len(shape) != 3 or min(shape) < 1 or max(shape) > 4096:
        raise TgnasError(
            f"input_shape must be (C, H, W) or (B, C, H, W) of sizes 1 to 4096, got {input_shape!r}"
        )
    return shape  # type: ignore[return-value]


def _module(
    model: nn.Module, wanted: list[str], input_shape, input: str, batch_size: int, seed: int
) -> ProxyResult:
    if input_shape is None:
        raise TgnasError("scoring a module needs its input_shape, e.g. (3, 32, 32)")
    c, h, w = _shape(input_shape)
    if batch_size < 2:
        raise TgnasError(f"a proxy batch needs at least 2 images, got {batch_size}")
    gen = torch.Generator().manual_seed(seed)
    try:
        noise = torch.randn(batch_size, c, h, w, generator=gen)
    except RuntimeError as exc:  # an allocation the machine cannot make
        raise TgnasError(f"cannot make a batch of shape {(batch_size, c, h, w)}: {cause(exc)}") from None
    if input not in ("auto", "gaussian", "cifar10"):
        raise TgnasError(f"unknown proxy input {input!r}; choose one of: auto, gaussian, cifar10")
    if input == "cifar10" and c != 3:
        raise TgnasError(f"cifar10 input needs a module reading 3-channel images, got {c} channels")
    try:
        out = _probe(model, noise[:2])
    except Exception as exc:  # noqa: BLE001 (the user's module: any failure is a bad input)
        raise ProxyError(f"the module rejects inputs of shape (B, {c}, {h}, {w}): {cause(exc)}") from None
    if not isinstance(out, torch.Tensor) or out.dim() != 2:
        raise ProxyError(
            f"proxies need a module returning (B, classes) logits, got {getattr(out, 'shape', out)}"
        )
    classes = int(out.shape[1])
    batch = ProxyBatch(noise, torch.randint(0, classes, (batch_size,), generator=gen), classes)
    data = None
    reads_images = any(PROXIES.get(n).data for n in wanted)
    if input == "cifar10" or (input == "auto" and reads_images and c == 3):
        images = cifar10_batch(batch_size, (h, w))
        data = ProxyBatch(images.inputs, images.targets % classes, classes)
        if input == "cifar10":
            batch, data = data, None
    return compute_proxies(model, batch, wanted, seed=seed, data_batch=data)


def _probe(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """One no-grad forward pass in eval mode (no batch-norm statistics change); the mode restored after."""
    was = model.training
    try:
        with torch.no_grad():
            return model.eval()(x)
    finally:
        model.train(was)


def _space_and_arch(arch: object):
    from tgnas.spaces import get_space
    from tgnas.spaces.darts import is_genotype

    if isinstance(arch, str):
        from tgnas.api import parse_architecture

        arch = parse_architecture(arch)
    if is_genotype(arch):
        return get_space("darts"), get_space("darts").parse(arch)
    for name in NETWORK_OPTIONS:
        space = get_space(name)
        if isinstance(arch, space.arch_type):
            return space, arch
    raise ArchitectureError(
        f"cannot compute proxies of a {type(arch).__name__}: pass an nn.Module with its input_shape, or an "
        f"architecture of a space with a network ({', '.join(NETWORK_OPTIONS)})"
    )
