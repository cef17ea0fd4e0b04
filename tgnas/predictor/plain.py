r"""The GCN predictor's inference in plain torch: what scoring runs, without torch_geometric.

:class:`PlainGCN` computes exactly what :class:`~tgnas.predictor.model.GCNPredictor` (the PyG model that
training uses) computes in eval mode, with the same parameter names, so a checkpoint's state dict loads
into either. A graph convolution of the ``gcn`` kind is

.. math::
    \mathrm{conv}(H)_i = \sum_{j \in N(i) \cup \{i\}} \frac{1}{\sqrt{\hat d_j \hat d_i}} (H W)_j + b,
    \qquad \hat d_i = 1 + |\{j : (j, i) \in E\}|,

the normalised adjacency with self-loops (Kipf & Welling), applied as one sparse matrix product per layer
and direction (the reversed direction uses the reversed edges). Pooling over each graph's nodes is a
scatter-add (``index_add_``) divided by the node counts. Importing this module loads torch only: scoring
with a shipped checkpoint does not pay for importing torch_geometric (its import pulls in ``torch._dynamo``
and sympy, seconds on a small machine). The equality with the PyG model is tested on every NAS-Bench-201
cell (``tests/predictor/test_plain.py``).
"""

from __future__ import annotations

import warnings

import torch
from torch import nn

from tgnas.predictor.config import GCNConfig

SUPPORTED_CONVS = ("gcn",)  # GraphConv checkpoints are scored by the PyG model itself


class _Conv(nn.Module):
    """The parameters of PyG's ``GCNConv(d, d)``: ``lin`` (no bias) and ``bias``."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.lin = nn.Linear(d, d, bias=False)
        self.bias = nn.Parameter(torch.zeros(d))

    def forward(self, h: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        return adjacency @ self.lin(h) + self.bias


class PlainGCN(nn.Module):
    """``(x (N, in_dim), edge_index (2, E), batch (N,)) -> (G,)``, as :class:`GCNPredictor` in eval mode."""

    def __init__(self, config: GCNConfig) -> None:
        super().__init__()
        if config.conv not in SUPPORTED_CONVS:
            raise ValueError(
                f"the plain-torch GCN computes {SUPPORTED_CONVS} convolutions, not {config.conv!r}"
            )
        self.config = config
        d = config.hidden
        self.encode = nn.Sequential(nn.Linear(config.in_dim, d), nn.ReLU(), nn.Linear(d, d))
        self.forward_convs = nn.ModuleList(_Conv(d) for _ in range(config.layers))
        self.backward_convs = nn.ModuleList(
            _Conv(d) for _ in range(config.layers if config.direction == "both" else 0)
        )
        self.norms = nn.ModuleList(nn.LayerNorm(d) for _ in range(config.layers))
        self.virtual = (
            nn.ModuleList(nn.Sequential(nn.Linear(d, d), nn.ReLU()) for _ in range(config.layers))
            if config.readout == "virtual"
            else None
        )
        concat = config.global_cost and config.cost_path == "mlp"
        self.head = nn.Sequential(nn.Linear(d + (3 if concat else 0), d), nn.ReLU(), nn.Linear(d, 1))
        self.cost_linear = nn.Linear(3, 1, bias=False) if config.global_cost and not concat else None

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        num_graphs = int(batch.max()) + 1 if batch.numel() else 0
        n = x.size(0)
        counts = torch.bincount(batch, minlength=num_graphs).clamp(min=1).unsqueeze(1).to(x.dtype)  # (G, 1)

        def mean_pool(v: torch.Tensor) -> torch.Tensor:
            out = torch.zeros(num_graphs, v.size(1), dtype=v.dtype, device=v.device)
            return out.index_add_(0, batch, v) / counts.to(v.dtype)

        nodes = x
        if self.cost_linear is not None and self.config.features == "v2":
            nodes = torch.cat([x[:, :-3], torch.zeros_like(x[:, -3:-1]), x[:, -1:]], 1)  # totals: linear only
        h = self.encode(nodes)
        fwd = normalised_adjacency(edge_index, n, h.dtype)
        bwd = normalised_adjacency(edge_index.flip(0), n, h.dtype) if len(self.backward_convs) else None
        g = torch.zeros(num_graphs, h.size(1), dtype=h.dtype, device=h.device)
        for layer in range(self.config.layers):
            if self.virtual is not None:
                h = h + g[batch]
            msg = self.forward_convs[layer](h, fwd)
            if bwd is not None:
                msg = msg + self.backward_convs[layer](h, bwd)
            h = self.norms[layer](h + torch.relu(msg))
            if self.virtual is not None:
                g = g + self.virtual[layer](mean_pool(h))
        pooled = self._readout(h, batch, num_graphs, g, mean_pool)
        if not self.config.global_cost:
            return self.head(pooled).squeeze(-1)
        totals = (
            _v1_totals(x, batch, num_graphs, counts) if self.config.features == "v1" else mean_pool(x[:, -3:])
        )
        if self.cost_linear is not None:
            return self.head(pooled).squeeze(-1) + self.cost_linear(totals).squeeze(-1)
        return self.head(torch.cat([pooled, totals], dim=1)).squeeze(-1)

    def _readout(self, h, batch, num_graphs, g, mean_pool) -> torch.Tensor:
        mode = self.config.readout
        if mode == "virtual":
            return g + mean_pool(h)
        if mode == "mean":
            return mean_pool(h)
        if mode == "sum":
            return torch.zeros(num_graphs, h.size(1), dtype=h.dtype, device=h.device).index_add_(0, batch, h)
        if mode == "max":
            out = torch.full((num_graphs, h.size(1)), float("-inf"), dtype=h.dtype, device=h.device)
            return out.scatter_reduce_(0, batch.unsqueeze(1).expand_as(h), h, reduce="amax")
        last = torch.zeros(num_graphs, dtype=torch.long, device=h.device)  # "output": each graph's last node
        last = last.scatter_reduce_(0, batch, torch.arange(h.size(0), device=h.device), reduce="amax")
        return h[last]


def normalised_adjacency(edge_index: torch.Tensor, n: int, dtype: torch.dtype) -> torch.Tensor:
    r"""The sparse ``(n, n)`` matrix :math:`A_{ij} = 1 / \sqrt{\hat d_i \hat d_j}` for each edge ``j -> i``
    and each self-loop ``i -> i``, with :math:`\hat d_i` the in-degree of ``i`` plus one (PyG's ``gcn_norm``
    with ``add_self_loops=True``)."""
    loops = torch.arange(n, device=edge_index.device)
    src = torch.cat([edge_index[0], loops])
    dst = torch.cat([edge_index[1], loops])
    deg = torch.bincount(dst, minlength=n).to(dtype)
    weight = deg[src].rsqrt() * deg[dst].rsqrt()
    coo = torch.sparse_coo_tensor(torch.stack([dst, src]), weight, (n, n), check_invariants=False).coalesce()
    if coo.device.type != "cpu":
        return coo
    with warnings.catch_warnings():  # "sparse CSR support is in beta": the product used here is stable
        warnings.simplefilter("ignore", UserWarning)
        return coo.to_sparse_csr()  # on a CPU a CSR product is the fastest


def _v1_totals(x: torch.Tensor, batch: torch.Tensor, num_graphs: int, counts: torch.Tensor) -> torch.Tensor:
    """:func:`tgnas.predictor.model.total_cost` without PyG."""
    params = torch.expm1(10 * x[:, -3].double())
    flops = torch.expm1(20 * x[:, -2].double())
    totals = torch.zeros(num_graphs, 2, dtype=torch.float64, device=x.device)
    totals.index_add_(0, batch, torch.stack([params, flops], 1))
    share = (
        torch.zeros(num_graphs, 1, dtype=x.dtype, device=x.device).index_add_(0, batch, x[:, -1:]) / counts
    )
    return torch.cat(
        [torch.log1p(totals).to(x.dtype) / torch.tensor([15.0, 20.0], device=x.device), share], 1
    )


def plain_or_pyg(config: GCNConfig) -> nn.Module:
    """The inference module for ``config``: :class:`PlainGCN`, or the PyG model for other convolutions."""
    if config.conv in SUPPORTED_CONVS:
        return PlainGCN(config)
    from tgnas.predictor.model import GCNPredictor

    return GCNPredictor(config)
