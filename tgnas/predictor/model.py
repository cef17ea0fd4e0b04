r"""The GCN accuracy predictor as a plain ``torch.nn.Module``.

Each layer is a graph convolution (Kipf & Welling, ICLR 2017) with a residual connection and layer norm,

.. math::
    H^{(l+1)} = \mathrm{LN}\big(H^{(l)}
        + \mathrm{ReLU}(\hat D^{-1/2} \hat A \hat D^{-1/2} H^{(l)} W^{(l)})\big),

where :math:`\hat A` is the adjacency with self-loops of the operator DAG: forward edges only
(``direction="forward"``), or forward and reversed edges through two separate convolutions whose outputs are
summed (``direction="both"``, as in TG-NAS's bidirectional message passing). A readout pools node states
into one vector per graph (``mean``, ``sum``, ``max``, ``output`` — the output node's state —, or
``virtual`` — a global node that reads every node at each layer, as in TG-NAS), and an MLP maps it to one
score (standardised accuracy).

With ``global_cost``, the head also reads the graph's total cost,
:math:`u = (\log(1 + \sum_v p_v)/15,\ \log(1 + \sum_v f_v)/20,\ \mathrm{mean}_v\,c_v)` with
:math:`p_v, f_v` the parameters and FLOPs of node :math:`v` (recovered from its cost features) and
:math:`c_v` its ``has_cost`` flag: a sum of per-node log-costs, which is all message passing can form,
cannot express the total, and the total is the strongest single predictor of accuracy (tau 0.59 for
parameters on NAS-Bench-201 CIFAR-10). With the ``v2`` node features (:mod:`tgnas.predictor.features`)
:math:`u` is the per-graph mean of their last three columns (log totals and the share of nodes with a
cost), and with ``cost_path="linear"`` it enters as a linear term, :math:`s = \mathrm{MLP}(h_G) + w^\top u`,
so that a space whose totals lie outside the training range is still ranked by them consistently (the
node states then do not see the totals). ``cost_path="prior"`` fixes that term to
:math:`b \log(1 + \sum_v p_v)`, with the slope :math:`b` fitted on the training labels
(:func:`tgnas.predictor.train.within_group_slope`) and the GCN trained on what it leaves: a prior that
larger networks rank higher, which holds in every labelled space, and that a new space inherits.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn
from torch_geometric.nn import GCNConv, GraphConv, global_add_pool, global_max_pool, global_mean_pool
from torch_geometric.nn.conv.gcn_conv import gcn_norm
from torch_geometric.utils import scatter

from tgnas.predictor.config import COST_PATHS, READOUTS, GCNConfig  # noqa: F401  (GCNConfig: re-exported)

CONVS = {
    # normalisation (with self-loops) is computed once per forward pass and passed as edge weights
    "gcn": lambda d, aggr: GCNConv(d, d, normalize=False),
    "graph": lambda d, aggr: GraphConv(d, d, aggr=aggr),
}


def _csr_transposed(edge_index: torch.Tensor, weight: torch.Tensor, n: int) -> torch.Tensor:
    """The weighted adjacency as a sparse CSR matrix ``A[target, source]`` (PyG's ``adj_t`` layout)."""
    with warnings.catch_warnings():  # "sparse CSR support is in beta": the product used here is stable
        warnings.simplefilter("ignore", UserWarning)
        coo = torch.sparse_coo_tensor(edge_index.flip(0), weight, (n, n), check_invariants=False)
        return coo.coalesce().to_sparse_csr()


def total_cost(x: torch.Tensor, batch: torch.Tensor, num_graphs: int) -> torch.Tensor:
    """``(G, 3)`` graph totals from the last three node features (``log_params``, ``log_flops``,
    ``has_cost`` of :mod:`tgnas.predictor.features`): log of total parameters / 15, log of total FLOPs / 20,
    and the share of nodes with a cost."""
    params = torch.expm1(10 * x[:, -3].double())  # features store log(1 + p) / 10
    flops = torch.expm1(20 * x[:, -2].double())  # and log(1 + f) / 20
    totals = scatter(torch.stack([params, flops], 1), batch, dim=0, dim_size=num_graphs, reduce="sum")
    share = scatter(x[:, -1:], batch, dim=0, dim_size=num_graphs, reduce="mean")
    return torch.cat(
        [torch.log1p(totals).to(x.dtype) / torch.tensor([15.0, 20.0], device=x.device), share], 1
    )


class GCNPredictor(nn.Module):
    """Scores operator graphs: ``(x (N, in_dim), edge_index (2, E), batch (N,)) -> (G,)``."""

    def __init__(self, config: GCNConfig) -> None:
        super().__init__()
        self.config = config
        d = config.hidden
        self.encode = nn.Sequential(nn.Linear(config.in_dim, d), nn.ReLU(), nn.Linear(d, d))
        make = CONVS[config.conv]
        self.forward_convs = nn.ModuleList(make(d, config.aggregation) for _ in range(config.layers))
        self.backward_convs = nn.ModuleList(
            make(d, config.aggregation) for _ in range(config.layers if config.direction == "both" else 0)
        )
        self.norms = nn.ModuleList(nn.LayerNorm(d) for _ in range(config.layers))
        self.virtual = (
            nn.ModuleList(nn.Sequential(nn.Linear(d, d), nn.ReLU()) for _ in range(config.layers))
            if config.readout == "virtual"
            else None
        )
        self.dropout = nn.Dropout(config.dropout)
        concat = config.global_cost and config.cost_path == "mlp"
        self.head = nn.Sequential(nn.Linear(d + (3 if concat else 0), d), nn.ReLU(), nn.Linear(d, 1))
        self.cost_linear = nn.Linear(3, 1, bias=False) if config.global_cost and not concat else None
        if self.cost_linear is not None and config.cost_path == "prior":  # fixed, set by the trainer
            nn.init.zeros_(self.cost_linear.weight)
            self.cost_linear.weight.requires_grad_(False)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        num_graphs = int(batch.max()) + 1 if batch.numel() else 0
        nodes = x
        if self.cost_linear is not None and self.config.features == "v2":
            nodes = torch.cat([x[:, :-3], torch.zeros_like(x[:, -3:-1]), x[:, -1:]], 1)  # totals: linear only
        h = self.encode(nodes)  # (N, d)
        fwd, bwd = self._adjacency(edge_index, h.size(0), h.dtype)
        g = torch.zeros(num_graphs, h.size(1), dtype=h.dtype, device=h.device)  # (G, d) virtual node
        for layer in range(self.config.layers):
            if self.virtual is not None:
                h = h + g[batch]
            msg = self.forward_convs[layer](h, *fwd)
            if self.backward_convs:
                msg = msg + self.backward_convs[layer](h, *bwd)
            h = self.norms[layer](h + self.dropout(torch.relu(msg)))
            if self.virtual is not None:
                g = g + self.virtual[layer](global_mean_pool(h, batch, num_graphs))
        pooled = self._readout(h, batch, num_graphs, g)  # (G, d)
        if not self.config.global_cost:
            return self.head(pooled).squeeze(-1)  # (G,)
        if self.config.features == "v1":
            totals = total_cost(x, batch, num_graphs)  # (G, 3)
        else:
            totals = global_mean_pool(x[:, -3:], batch, num_graphs)
        if self.cost_linear is not None:
            return self.head(pooled).squeeze(-1) + self.cost_linear(totals).squeeze(-1)
        return self.head(torch.cat([pooled, totals], dim=1)).squeeze(-1)

    def _adjacency(self, edge_index: torch.Tensor, n: int, dtype: torch.dtype) -> tuple[tuple, tuple]:
        """(edge_index, edge_weight) for the forward and reversed convolutions."""
        reverse = edge_index.flip(0)
        if self.config.conv != "gcn":
            return (edge_index, None), (reverse, None)
        fwd = gcn_norm(edge_index, None, n, add_self_loops=True, dtype=dtype)
        bwd = gcn_norm(reverse, None, n, add_self_loops=True, dtype=dtype)
        if torch.is_grad_enabled() or edge_index.device.type != "cpu":
            return fwd, bwd
        # inference on a CPU: a sparse CSR matrix product beats gather/scatter message passing (~25 %)
        return (_csr_transposed(*fwd, n), None), (_csr_transposed(*bwd, n), None)

    def _readout(
        self, h: torch.Tensor, batch: torch.Tensor, num_graphs: int, g: torch.Tensor
    ) -> torch.Tensor:
        mode = self.config.readout
        if mode == "virtual":
            return g + global_mean_pool(h, batch, num_graphs)
        if mode == "output":  # the last node of every graph
            last = scatter(
                torch.arange(h.size(0), device=h.device), batch, dim=0, dim_size=num_graphs, reduce="max"
            )
            return h[last]
        pool = {"mean": global_mean_pool, "sum": global_add_pool, "max": global_max_pool}[mode]
        return pool(h, batch, num_graphs)
