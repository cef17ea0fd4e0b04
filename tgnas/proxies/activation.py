r"""Proxies read off activations and input Jacobians (Mellor et al.).

- **NWOT** ("Neural Architecture Search without Training", ICML 2021): each image's binary code
  :math:`c \in \{0, 1\}^U` records which ReLU units are active (or units of another activation layer
  that is positive exactly where its input is, e.g. SiLU). With the Hamming-similarity kernel
  :math:`K = c c^\top + (1 - c)(1 - c)^\top` (:math:`B \times B`), :math:`s = \log |\det K|`.
- **jacob_cov** (the 2020 preprint of the same work): :math:`J \in \mathbb{R}^{B \times D}` holds each
  image's gradient :math:`\partial \sum_k f_k(x_b) / \partial x_b`; with :math:`\lambda` the eigenvalues of
  the correlation matrix of the rows of :math:`J`,
  :math:`s = -\sum_i \big(\log(\lambda_i + \epsilon) + 1/(\lambda_i + \epsilon)\big)`,
  :math:`\epsilon = 10^{-5}`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from tgnas.proxies.base import ProxyBatch, register, watch_activations


@register("nwot", reference="Mellor et al., ICML 2021", data=True)
def nwot(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    b = batch.inputs.shape[0]
    kernel = torch.zeros(b, b, dtype=torch.float64, device=batch.inputs.device)

    def add(_inp, out):
        c = (out.detach().reshape(b, -1) > 0).double()  # (B, U)
        kernel.add_(c @ c.T + (1 - c) @ (1 - c).T)

    watch_activations(model, batch.inputs, "nwot", add)
    sign, logdet = torch.linalg.slogdet(kernel)
    return {"nwot": float(logdet) if sign != 0 else float("-inf")}


@register("jacob_cov", reference="Mellor et al., arXiv:2006.04647 (2020)", data=True)
def jacob_cov(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    x = batch.inputs.detach().clone().requires_grad_(True)
    model(x).sum().backward()
    jac = x.grad.reshape(x.shape[0], -1).double().cpu().numpy()  # (B, D)
    with np.errstate(all="ignore"):
        corr = np.corrcoef(jac)
    if not np.all(np.isfinite(corr)):
        return {"jacob_cov": float("nan")}
    eig = np.linalg.eigvalsh(corr)
    eps = 1e-5
    return {"jacob_cov": float(-np.sum(np.log(eig + eps) + 1.0 / (eig + eps)))}
