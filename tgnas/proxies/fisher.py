r"""Fisher (Theis et al., "Faster gaze prediction with dense networks and Fisher pruning", 2018; as a NAS
proxy: Turner et al., BlockSwap, ICLR 2020; Abdelfattah et al., ICLR 2021).

For every convolution output :math:`a \in \mathbb{R}^{B \times C \times H \times W}` and the cross-entropy
:math:`L`, the per-channel saliency is

.. math::
    \Delta_c = \frac{1}{2B} \sum_b \Big( \sum_{h,w} a_{bchw} \frac{\partial L}{\partial a_{bchw}} \Big)^2,

and :math:`s = \sum_{\text{convs}} \sum_c \Delta_c`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tgnas.proxies.base import ProxyBatch, register, weighted_layers


@register("fisher", reference="Theis et al., 2018; Turner et al., ICLR 2020")
def fisher(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    convs = [m for m in weighted_layers(model, "fisher") if isinstance(m, nn.Conv2d)]
    acts: list[torch.Tensor] = []

    def keep(_mod, _inp, out):
        out.retain_grad()
        acts.append(out)

    handles = [m.register_forward_hook(keep) for m in convs]
    try:
        F.cross_entropy(model(batch.inputs), batch.targets).backward()
    finally:
        for h in handles:
            h.remove()
    total = 0.0
    for a in acts:
        if a.grad is not None:
            per_channel = (a.detach() * a.grad).sum(dim=(2, 3))  # (B, C)
            total += float(0.5 * per_channel.pow(2).mean(0).sum())
    return {"fisher": total}
