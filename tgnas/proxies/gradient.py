r"""Loss-gradient saliencies from one backward pass of the cross-entropy :math:`L` on the batch.

- **SNIP** (Lee et al., "SNIP: Single-shot network pruning based on connection sensitivity", ICLR 2019):
  :math:`s = \sum_\theta |\theta \odot \partial L / \partial \theta|`.
- **grad_norm** (Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS", ICLR 2021):
  :math:`s = \sum_{\text{layers}} \lVert \partial L / \partial W \rVert_F`.

Sums run over the weights of convolutions and linear layers.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from tgnas.proxies.base import ProxyBatch, register, weighted_layers


@register(
    "gradient",
    outputs=("snip", "grad_norm"),
    reference="Lee et al., ICLR 2019; Abdelfattah et al., ICLR 2021",
    data=True,
)
def gradient(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    layers = weighted_layers(model, "snip")
    model.zero_grad(set_to_none=True)
    F.cross_entropy(model(batch.inputs), batch.targets).backward()
    grads = [(m.weight.detach(), m.weight.grad) for m in layers if m.weight.grad is not None]
    return {
        "snip": float(sum((w * g).abs().sum() for w, g in grads)),
        "grad_norm": float(sum(g.norm() for _, g in grads)),
    }
