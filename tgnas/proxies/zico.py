r"""ZiCo (Li et al., "ZiCo: Zero-shot NAS via Inverse Coefficient of Variation on Gradients", ICLR 2023).

The batch is split into two halves, each gives the gradient :math:`g^{(k)}` of its cross-entropy loss (train
mode). For every weight :math:`w` of a convolution or linear layer :math:`l`, with :math:`\mu_w` the mean of
:math:`|g_w^{(k)}|` and :math:`\sigma_w` the (population) standard deviation of :math:`g_w^{(k)}` over the
halves,

.. math::
    s = \sum_l \log \sum_{w \in l,\ \sigma_w > 0} \frac{\mu_w}{\sigma_w},

skipping layers whose inner sum is 0 (no weight with a varying gradient). High values: gradients that are
large and consistent across batches, which the paper links to fast convergence and good generalisation.
The paper draws two batches from the training set; here they are the two halves of the proxy batch.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from tgnas.proxies.base import ProxyBatch, ProxyError, register, weighted_layers


def zico_score(grads: list[list[torch.Tensor]]) -> float:
    r"""The ZiCo sum from per-layer gradient samples: ``grads[l][k]`` is layer ``l``'s gradient on batch
    ``k`` (same shape for every ``k``)."""
    total = 0.0
    for samples in grads:
        g = torch.stack([s.double().reshape(-1) for s in samples])  # (K, n_l)
        sigma = g.std(dim=0, unbiased=False)
        keep = sigma > 0
        inner = float((g.abs().mean(dim=0)[keep] / sigma[keep]).sum())
        if inner > 0:
            total += math.log(inner)
    return total


@register("zico", reference="Li et al., ICLR 2023", data=True)
def zico(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    """ZiCo over the two halves of the batch (module docstring)."""
    layers = weighted_layers(model, "zico")
    b = batch.inputs.shape[0]
    if b < 4:
        raise ProxyError(f"proxy 'zico' needs a batch of at least 4 images (two halves of 2), got {b}")
    grads: list[list[torch.Tensor]] = [[] for _ in layers]
    for part in (slice(0, b // 2), slice(b // 2, b)):
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(batch.inputs[part]), batch.targets[part]).backward()
        for k, m in enumerate(layers):
            grads[k].append(m.weight.grad.detach().clone() if m.weight.grad is not None else None)
    used = [g for g in grads if all(s is not None for s in g)]
    return {"zico": zico_score(used)}
