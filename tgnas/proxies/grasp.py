r"""GraSP (Wang et al., "Picking Winning Tickets Before Training by Preserving Gradient Flow", ICLR 2020).

With :math:`g = \partial L / \partial \theta` and the Hessian-gradient product
:math:`Hg = \partial (g^\top \mathrm{sg}(g)) / \partial \theta` (:math:`\mathrm{sg}` stops gradients),

.. math::
    s = -\sum_\theta \theta \odot Hg

over the weights of convolutions and linear layers.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tgnas.proxies.base import ProxyBatch, register, weighted_layers


@register("grasp", reference="Wang et al., ICLR 2020", data=True)
def grasp(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    weights = [m.weight for m in weighted_layers(model, "grasp")]
    loss = F.cross_entropy(model(batch.inputs), batch.targets)
    grads = torch.autograd.grad(loss, weights, create_graph=True, allow_unused=True)
    pairs = [(w, g) for w, g in zip(weights, grads, strict=True) if g is not None]
    if not pairs:
        return {"grasp": 0.0}
    z = sum((g * g.detach()).sum() for _, g in pairs)
    hg = torch.autograd.grad(z, [w for w, _ in pairs], allow_unused=True)
    with torch.no_grad():
        total = -sum((w * h).sum() for (w, _), h in zip(pairs, hg, strict=True) if h is not None)
    return {"grasp": float(total)}
