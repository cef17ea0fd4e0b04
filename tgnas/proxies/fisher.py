r"""Fisher (Theis et al., "Faster gaze prediction with dense networks and Fisher pruning", 2018; as a NAS
proxy: Turner et al., BlockSwap, ICLR 2020; Abdelfattah et al., ICLR 2021).

For the output :math:`a \in \mathbb{R}^{B \times C \times H \times W}` of every convolution (``B x C`` for
a linear layer, with no spatial sum) and the cross-entropy :math:`L`, the saliency of output channel
:math:`c` is

.. math::
    \Delta_c = \frac{1}{2B} \sum_b \Big( \sum_{h,w} a_{bchw} \frac{\partial L}{\partial a_{bchw}} \Big)^2 .

As in Abdelfattah et al., a channel's saliency is the saliency of each weight that produces it, and the
score sums over all parameters: :math:`s = \sum_{\text{layers}} \sum_c n_c \Delta_c`, with :math:`n_c`
the number of weights of output channel :math:`c` (:math:`C_\text{in} k_h k_w / \text{groups}` for a
convolution, :math:`C_\text{in}` for a linear layer). Without :math:`n_c` (a plain channel sum), a 1x1
convolution would weigh as much as a 3x3 one; with it, our values rank NAS-Bench-201 cells like NASLib's
(Spearman 0.97 on its cells, with real images).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tgnas.proxies.base import ProxyBatch, register, weighted_layers


@register("fisher", reference="Theis et al., 2018; Turner et al., ICLR 2020", data=True, revision=2)
def fisher(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    layers = weighted_layers(model, "fisher")
    acts: list[tuple[nn.Module, torch.Tensor]] = []

    def keep(mod, _inp, out):
        out.retain_grad()
        acts.append((mod, out))

    handles = [m.register_forward_hook(keep) for m in layers]
    try:
        F.cross_entropy(model(batch.inputs), batch.targets).backward()
    finally:
        for h in handles:
            h.remove()
    total = 0.0
    for mod, a in acts:
        if a.grad is None:
            continue
        prod = a.detach() * a.grad
        per_channel = prod.sum(dim=tuple(range(2, prod.dim()))) if prod.dim() > 2 else prod  # (B, C)
        weights_per_channel = mod.weight[0].numel()
        total += float(0.5 * per_channel.pow(2).mean(0).sum()) * weights_per_channel
    return {"fisher": total}
