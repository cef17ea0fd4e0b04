"""Cost proxies: parameter count and FLOPs (larger networks of a space tend to be more accurate)."""

from __future__ import annotations

from torch import nn

from tgnas.cost import count_flops, count_params
from tgnas.proxies.base import ProxyBatch, register


@register("params", mode="eval", reference="parameter count (baseline in Abdelfattah et al., ICLR 2021)")
def params(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    """:math:`|\\theta|`: number of parameters."""
    return {"params": float(count_params(model))}


@register("flops", mode="eval", reference="FLOPs (baseline in Abdelfattah et al., ICLR 2021)")
def flops(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    """FLOPs of one sample, as :func:`tgnas.cost.count_flops` counts them."""
    return {"flops": float(count_flops(model, tuple(batch.inputs.shape[1:])))}
