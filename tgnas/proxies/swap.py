r"""SWAP (Peng et al., "SWAP-NAS: Sample-Wise Activation Patterns for Ultra-fast NAS", ICLR 2024).

One forward pass of the batch (train mode). Every unit :math:`u` of every activation layer (ReLU and its
variants) that acts on a feature map gives its sample-wise activation pattern, the binary vector
:math:`p_u = ([a_u(x_1) > 0], \dots, [a_u(x_B) > 0]) \in \{0, 1\}^B` over the batch. The score counts the
distinct patterns,

.. math::
    s = \big|\{\, p_u : u \,\}\big| \le \min(U, 2^B),

a measure of how many different ways the network can split the batch (its expressivity). The paper's
regularised variant multiplies :math:`s` by a Gaussian of the parameter count whose centre and width are
tuned per search space; it is not included here (``params`` is available as a separate proxy).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from tgnas.proxies.base import ProxyBatch, ProxyError, register, watch_activations

_BITS = 64  # sample bits packed per int64 word (distinct powers of 2 summed: an OR, no carries)


def pack(codes: torch.Tensor) -> torch.Tensor:
    """The boolean matrix ``codes`` (B, U) as one row of int64 words per unit: (U, ceil(B / 64))."""
    b = codes.shape[0]
    words = []
    for start in range(0, b, _BITS):
        block = codes[start : start + _BITS].long()  # (<=64, U)
        weights = torch.ones(block.shape[0], dtype=torch.long, device=codes.device).cumsum(0).sub(1)
        words.append((block << weights.unsqueeze(1)).sum(0))  # (U,)
    return torch.stack(words, dim=1)  # (U, ceil(B / 64))


def distinct_rows(packed: torch.Tensor) -> int:
    """Number of distinct rows of an int64 matrix (U, W)."""
    if packed.shape[1] == 1:
        return int(torch.unique(packed[:, 0]).numel())
    rows = np.ascontiguousarray(packed.cpu().numpy())
    return int(np.unique(rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1])))).size)


def pattern_count(codes: torch.Tensor) -> int:
    """Number of distinct columns of the boolean matrix ``codes`` (B, U): distinct unit patterns."""
    return distinct_rows(pack(codes))


@register("swap", reference="Peng et al., ICLR 2024", data=True)
def swap(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    """Distinct sample-wise activation patterns (module docstring)."""
    b = batch.inputs.shape[0]
    codes: list[torch.Tensor] = []

    def keep(inp, out):
        if inp and inp[0].dim() == 4:
            codes.append(pack(out.detach().reshape(b, -1) > 0))

    watch_activations(model, batch.inputs, "swap", keep)
    if not codes:
        raise ProxyError("proxy 'swap' found no activation layer acting on a feature map (B, C, H, W)")
    return {"swap": float(distinct_rows(torch.cat(codes)))}
