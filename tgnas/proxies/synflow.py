r"""SynFlow (Tanaka et al., "Pruning neural networks without any data by iteratively conserving synaptic
flow", NeurIPS 2020; as a NAS proxy: Abdelfattah et al., ICLR 2021).

With every parameter replaced by its absolute value, batch norm acting as the identity (eval mode on fresh
statistics) and an all-ones input :math:`\mathbb{1}`, let :math:`R = \mathbb{1}^\top f(\mathbb{1})`. Then

.. math::
    s = \sum_{\theta \in \text{conv, linear weights}}
        \Big| \theta \odot \frac{\partial R}{\partial \theta} \Big|,

computed in double precision. Data-free: the batch only gives the input shape.
"""

from __future__ import annotations

import torch
from torch import nn

from tgnas.proxies.base import ProxyBatch, register, weighted_layers


@register("synflow", mode="eval", reference="Tanaka et al., NeurIPS 2020")
def synflow(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    layers = weighted_layers(model, "synflow")
    model.double()
    with torch.no_grad():
        for p in model.parameters():
            p.abs_()
    ones = torch.ones((1, *batch.inputs.shape[1:]), dtype=torch.float64, device=batch.inputs.device)
    model.zero_grad(set_to_none=True)
    model(ones).sum().backward()
    with torch.no_grad():
        total = sum(
            float((m.weight * m.weight.grad).abs().sum()) for m in layers if m.weight.grad is not None
        )
    return {"synflow": total}
