r"""AZ-NAS: four complementary proxies from one pass (Lee & Ham, "AZ-NAS: Assembling Zero-Cost Proxies
for Network Architecture Search", CVPR 2024), implemented from the paper's formulas.

The network runs once; its feature blocks (``model.blocks()``, or found automatically:
:mod:`tgnas.proxies.blocks`) give the features :math:`x_l \in \mathbb{R}^{B \times C \times H \times W}`
after block :math:`l`, block :math:`l` computing :math:`x_l` from :math:`x_{l-1}` (:math:`x_0`: the input).

- **Expressivity**: treat the :math:`BHW` spatial positions of :math:`x_l` as samples of a
  :math:`C`-dimensional feature, take the eigenvalues :math:`\lambda_i` of their covariance, normalise
  :math:`p_i = \lambda_i / \sum_j \lambda_j`, and sum the entropies over blocks:
  :math:`s_E = \sum_l -\sum_i p_i \log p_i`.
- **Progressivity**: the smallest increase of that entropy from one block to the next,
  :math:`s_P = \min_{l \ge 2} (H_l - H_{l-1})`.
- **Trainability**: the spectral norm :math:`\sigma_l` of each block's Jacobian
  :math:`J_l = \partial x_l / \partial x_{l-1}`, estimated from one backward step through the block: a fresh
  random :math:`\pm 1` tensor :math:`v_l` shaped like :math:`x_l` is back-propagated to
  :math:`g_l = J_l^\top v_l`, and :math:`M_l = \frac{1}{N} \sum_p g_l(p)\, v_l(p)^\top` averages the outer
  products over the :math:`N = BHW` positions :math:`p` (as :math:`\mathbb{E}[v v^\top] = I`, :math:`M_l`
  estimates the position-wise channel Jacobian :math:`J_l^\top`); :math:`\sigma_l = \lVert M_l \rVert_2`, its
  largest singular value. A block that shrinks the resolution by :math:`s` has :math:`g_l` rearranged
  space-to-depth (:math:`C \to C s^2` channels, zero-padded to a multiple of :math:`s`) so that positions
  match. The score :math:`-\sigma_l - 1/\sigma_l + 2` is 0 for :math:`\sigma_l = 1` and negative otherwise;
  :math:`s_T` is its mean over blocks. A block whose output ignores its input (:math:`\sigma_l = 0`) or
  equals it (:math:`J_l = I`: the block adds no depth, and would otherwise score the best possible 0) scores
  :math:`-\infty`. (Against an earlier estimate, one vector back-propagated through all blocks and read
  as norm ratios, it lifted the four-proxy aggregate's Kendall tau on CIFAR-10 from 0.677 to 0.730 on the
  benchmark's seeded 1,000 NAS-Bench-201 cells at batch 64; chosen on the first 95 of them, 0.719 to 0.740.)
- **Complexity**: FLOPs of one sample (:func:`tgnas.cost.count_flops`).
"""

from __future__ import annotations

import torch
from torch import nn

from tgnas.cost import count_flops
from tgnas.proxies.base import ProxyBatch, ProxyError, register
from tgnas.proxies.blocks import find_blocks


def feature_entropy(x: torch.Tensor) -> float:
    """Entropy of the normalised eigenvalue spectrum of the channel covariance of ``x`` (B, C, H, W)."""
    samples = x.detach().double().permute(0, 2, 3, 1).reshape(-1, x.shape[1])  # (BHW, C)
    samples = samples - samples.mean(0, keepdim=True)
    cov = samples.T @ samples / max(samples.shape[0] - 1, 1)  # (C, C)
    eig = torch.linalg.eigvalsh(cov).clamp(min=0)
    total = eig.sum()
    if not torch.isfinite(total) or total <= 0:
        return float("nan")
    p = eig / total
    p = p[p > 0]
    return float(-(p * p.log()).sum())


def _position_rows(g: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """``g`` as one row per position of ``like``: (B*H*W, C*s*s) for feature maps, (B, -1) otherwise."""
    if g.dim() == 4 and like.dim() == 4:
        h, w = like.shape[2:]
        s = max(-(-g.shape[2] // h), -(-g.shape[3] // w), 1)  # ceil: the block's stride
        if (g.shape[2], g.shape[3]) != (s * h, s * w):
            # zero-pad to a multiple of the stride (a block that enlarges the map, rare in classifiers, is
            # only roughly aligned this way: its input is padded up to the output's size)
            g = nn.functional.pad(g, (0, s * w - g.shape[3], 0, s * h - g.shape[2]))
        if s > 1:
            g = nn.functional.pixel_unshuffle(g, s)
        return g.permute(0, 2, 3, 1).reshape(-1, g.shape[1])
    return g.reshape(g.shape[0], -1)


def block_sigma(x_in: torch.Tensor, x_out: torch.Tensor, gen: torch.Generator) -> float:
    """sigma of one block (module docstring): inf for a block that returns its input unchanged."""
    # drawn on the CPU generator, then laid out like x_out: a grad in another memory layout than the
    # forward's (channels-last) sends the convolutions' backward down a slow path
    signs = torch.randint(0, 2, x_out.shape, generator=gen, dtype=x_out.dtype).mul_(2).sub_(1)
    v = torch.empty_like(x_out).copy_(signs)
    if x_out.grad_fn is None or not x_in.requires_grad:  # the block ignores its input (or had none)
        return 0.0
    (g,) = torch.autograd.grad(x_out, x_in, v, retain_graph=True, allow_unused=True)
    if g is None:
        return 0.0
    if g.shape == v.shape and torch.equal(g, v):
        return float("inf")
    a, b = _position_rows(g.detach().double(), v), _position_rows(v.double(), v)
    return float(torch.linalg.matrix_norm(a.T @ b / a.shape[0], ord=2))


@register(
    "az",
    outputs=("expressivity", "progressivity", "trainability", "complexity"),
    reference="Lee & Ham, AZ-NAS, CVPR 2024",
    revision=2,  # 2: trainability from per-block singular values
)
def aznas(model: nn.Module, batch: ProxyBatch) -> dict[str, float]:
    """The four AZ-NAS proxies from one forward pass through the feature blocks (module docstring)."""
    blocks = find_blocks(model, batch.inputs)
    x0 = batch.inputs.detach().clone().requires_grad_(True)
    outputs: dict[nn.Module, list[torch.Tensor]] = {b: [] for b in blocks}

    def keep(module, _inp, out):
        outputs[module].append(out)

    handles = [b.register_forward_hook(keep) for b in blocks]
    try:
        model(x0)
    finally:
        for h in handles:
            h.remove()
    if any(len(v) != 1 or not isinstance(v[0], torch.Tensor) for v in outputs.values()):
        raise ProxyError("proxy 'az' needs feature blocks that each run once and return one tensor")
    features = [x0, *(outputs[b][0] for b in blocks)]
    pairs = list(zip(features, features[1:], strict=False))  # (x_{l-1}, x_l) of every block
    entropies = [feature_entropy(x) for x in features[1:] if x.dim() == 4]
    gen = torch.Generator(device="cpu").manual_seed(0)
    train_scores = []
    for x_in, x_out in reversed(pairs):
        sigma = block_sigma(x_in, x_out, gen)
        finite = 0 < sigma < float("inf")
        train_scores.append(-sigma - 1.0 / sigma + 2.0 if finite else float("-inf"))
    increments = [b - a for a, b in zip(entropies, entropies[1:], strict=False)]
    return {
        "expressivity": float(sum(entropies)),
        "progressivity": float(min(increments)) if increments else float("nan"),
        "trainability": float(sum(train_scores) / len(train_scores)),
        "complexity": float(count_flops(model, tuple(batch.inputs.shape[1:]))),
    }
