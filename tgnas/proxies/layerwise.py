r"""Layer-wise proxies of compressibility, expressivity and trainability, and their layer-by-layer product,
T-CET (Xiang et al., "Exploiting Network Compressibility and Topology in Zero-Cost NAS", AutoML 2023).

For every convolution and linear layer :math:`l` (the weighted layers, in the order they first run):

- **Layer-wise NWOT** (expressivity). Each image's binary code :math:`c_b = [z_l(x_b) > 0]` records which
  outputs of the layer's pre-activation :math:`z_l` are positive. With the Hamming-similarity kernel
  :math:`K_l = c c^\top + (1 - c)(1 - c)^\top` (:math:`B \times B`),
  :math:`N_l = \log \det K_l`, and :math:`N_l = 0` for a singular :math:`K_l` (two images with identical
  codes). ``lnwot`` is :math:`\sum_l N_l`.
- **Saliency SNR** (compressibility and trainability). A per-weight saliency :math:`s_w` (SynFlow's
  :math:`|w \, \partial R / \partial w|`, see :mod:`tgnas.proxies.synflow`, or SNIP's
  :math:`|w \, \partial L / \partial w|`, see :mod:`tgnas.proxies.gradient`) gives, over the layer's
  :math:`n_l` weights, :math:`S_l = \sum_w s_w / \sigma_l` with :math:`\sigma_l` the (unbiased) standard
  deviation of :math:`s_w` within the layer: a layer whose saliency is spread evenly (hard to prune) scores
  high. A degenerate layer (:math:`\sigma_l = 0`, e.g. one weight or identical saliencies) has
  :math:`S_l = \sum_w s_w`. ``snr_synflow`` and ``snr_snip`` are :math:`\sum_l S_l`.
- **T-CET** combines the two layer by layer, following the network's topology rather than multiplying
  network-wide totals:

  .. math::
      \text{T-CET} = \sum_l N_l \, g(S_l),

  with the paper's variants ``tcet`` (:math:`g(S) = S`), ``tcet_log`` (:math:`\log S` for :math:`S > 0`,
  else 0), ``tcet_log1p`` (:math:`\log(1 + S)` for :math:`S \ge 0`, else 0) and ``tcet_norm``
  (:math:`S / \operatorname{std}_l S_l`, the population standard deviation over the network's layers;
  :math:`S` itself when that is 0), all with SynFlow's saliency, and the same four with SNIP's
  (``tcet_snip``, ``tcet_snip_log``, ...).
- ``cet_global`` is the network-wide product of the same ingredients, :math:`(\sum_l N_l)(\sum_l S_l)`
  (SynFlow), the baseline the layer-by-layer combination is compared with.

The codes come from one forward pass in eval mode (fresh batch-norm statistics: the identity), SNIP from
one cross-entropy backward pass in train mode, SynFlow from one all-ones pass in double precision with
absolute weights, in that order, on the runner's copy of the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tgnas.proxies.base import ProxyBatch, register, watch, weighted_layers

VARIANTS: dict[str, Callable[[float, float], float]] = {
    "": lambda s, spread: s,
    "_log": lambda s, spread: math.log(s) if s > 0 else 0.0,
    "_log1p": lambda s, spread: math.log1p(s) if s >= 0 else 0.0,
    "_norm": lambda s, spread: s / spread if spread > 0 else s,
}


def code_logdet(codes: torch.Tensor) -> float:
    r""":math:`\log\det K` of the Hamming-similarity kernel of binary ``codes`` (B, U); 0 when singular."""
    c = codes.float()  # integer counts below 2^24 are exact in float32
    kernel = c @ c.T + (1 - c) @ (1 - c).T  # (B, B)
    sign, logdet = torch.linalg.slogdet(kernel.double())
    return float(logdet) if sign > 0 else 0.0


def saliency_snr(saliency: torch.Tensor) -> float:
    r""":math:`\sum_w s_w / \sigma` over one layer's per-weight saliencies; :math:`\sum_w s_w` if
    :math:`\sigma` is 0 or undefined (a single weight)."""
    s = saliency.detach().double().reshape(-1)
    total = float(s.sum())
    sigma = float(s.std()) if s.numel() > 1 else 0.0
    return total / sigma if sigma > 0 and math.isfinite(sigma) else total


def layer_nwot(model: nn.Module, layers: list[nn.Module], inputs: torch.Tensor) -> dict[nn.Module, float]:
    """``{layer: N_l}`` from one no-grad forward pass (a layer run several times sums its terms)."""
    out: dict[nn.Module, float] = {m: 0.0 for m in layers}
    b = inputs.shape[0]

    def hook(module, _inp, z):
        out[module] += code_logdet(z.detach().reshape(b, -1) > 0)

    watch(model, inputs, layers, hook)
    return out


def snip_saliency(
    model: nn.Module, layers: list[nn.Module], batch: ProxyBatch
) -> dict[nn.Module, torch.Tensor]:
    """``{layer: |W * dL/dW|}`` for the cross-entropy of the batch."""
    model.zero_grad(set_to_none=True)
    F.cross_entropy(model(batch.inputs), batch.targets).backward()
    return {m: (m.weight.detach() * m.weight.grad).abs() for m in layers if m.weight.grad is not None}


def synflow_saliency(model: nn.Module, layers: list[nn.Module], shape: tuple[int, ...]) -> dict:
    """``{layer: |W * dR/dW|}`` with absolute double-precision weights and an all-ones input (in place)."""
    model.double()
    with torch.no_grad():
        for p in model.parameters():
            p.abs_()
    device = next(model.parameters()).device
    model.zero_grad(set_to_none=True)
    model(torch.ones((1, *shape), dtype=torch.float64, device=device)).sum().backward()
    return {m: (m.weight.detach() * m.weight.grad).abs() for m in layers if m.weight.grad is not None}


def combine(nwot: list[float], snr: list[float], variant: str) -> float:
    r""":math:`\sum_l N_l\, g(S_l)` for one of :data:`VARIANTS`."""
    spread = float(np.std(snr)) if snr else 0.0
    g = VARIANTS[variant]
    return float(sum(n * g(s, spread) for n, s in zip(nwot, snr, strict=True)))


OUTPUTS = (
    "lnwot",
    "snr_synflow",
    "snr_snip",
    "cet_global",
    *(f"tcet{v}" for v in VARIANTS),
    *(f"tcet_snip{v}" for v in VARIANTS),
)


@register("layerwise", outputs=OUTPUTS, mode="eval", reference="Xiang et al., AutoML 2023", data=True)
def layerwise(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    """T-CET, its variants and its ingredients from one eval-mode pass, one SNIP pass and one SynFlow
    pass (module docstring)."""
    layers = weighted_layers(model, "layerwise")
    nwot = layer_nwot(model, layers, batch.inputs)
    model.train()
    snip = snip_saliency(model, layers, batch)
    model.eval()
    synflow = synflow_saliency(model, layers, tuple(batch.inputs.shape[1:]))
    # layers that took part in both passes (a layer cut off from the output gets no gradient)
    used = [m for m in layers if m in synflow and m in snip]
    n = [nwot[m] for m in used]
    s_syn = [saliency_snr(synflow[m]) for m in used]
    s_snip = [saliency_snr(snip[m]) for m in used]
    values = {
        "lnwot": float(sum(nwot.values())),
        "snr_synflow": float(sum(s_syn)),
        "snr_snip": float(sum(s_snip)),
        "cet_global": float(sum(nwot.values())) * float(sum(s_syn)),
    }
    for v in VARIANTS:
        values[f"tcet{v}"] = combine(n, s_syn, v)
        values[f"tcet_snip{v}"] = combine(n, s_snip, v)
    return values
