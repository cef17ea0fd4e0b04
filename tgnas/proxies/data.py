"""Batches for proxies: Gaussian noise (the default) or real CIFAR-10 test images."""

from __future__ import annotations

import numpy as np
import torch

from tgnas.errors import DataError
from tgnas.paths import DATA_FILES, benchmark_file
from tgnas.proxies.base import ProxyBatch

IMAGES = DATA_FILES["CIFAR-10 images"]
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)


def gaussian_batch(batch_size: int = 64, size: int = 32, num_classes: int = 10, seed: int = 0) -> ProxyBatch:
    """Standard-normal images ``(B, 3, size, size)`` with uniformly random labels, seeded."""
    gen = torch.Generator().manual_seed(seed)
    return ProxyBatch(
        torch.randn(batch_size, 3, size, size, generator=gen),
        torch.randint(0, num_classes, (batch_size,), generator=gen),
        num_classes,
    )


def cifar10_batch(batch_size: int = 64, size: int | tuple[int, int] = 32) -> ProxyBatch:
    """The first ``batch_size`` of 1,000 real CIFAR-10 test images (``images/cifar10_test_1000_balanced.npz``
    in the benchmark data folder), normalised per channel, resized (bilinear) to ``size`` (``S`` for
    ``S x S``, or ``(H, W)``) when that is not their 32 x 32."""
    path = benchmark_file("CIFAR-10 images", IMAGES)
    try:
        with np.load(path, allow_pickle=False) as z:
            x, y = z["x"], z["y"]
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"cannot read the CIFAR-10 images {path}: {exc}") from None
    if not 2 <= batch_size <= len(x):
        raise DataError(f"the CIFAR-10 image file has {len(x)} images; asked for a batch of {batch_size}")
    images = torch.from_numpy(x[:batch_size]).permute(0, 3, 1, 2).float() / 255.0  # (B, 3, 32, 32)
    mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    images = (images - mean) / std
    hw = (size, size) if isinstance(size, int) else tuple(size)
    if hw != tuple(images.shape[-2:]):
        images = torch.nn.functional.interpolate(images, size=hw, mode="bilinear", align_corners=False)
    return ProxyBatch(images, torch.from_numpy(y[:batch_size]).long(), 10)
