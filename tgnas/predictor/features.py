r"""Operator graph -> tensors: node features and edges (PyG ``Data`` for training, plain tensors for scoring).

Node features: the embedding of the node's text (its ``text`` field or its operator's description), then
a structural part, one of two feature sets (a checkpoint records which):

- ``v1`` (8 columns): ``depth / max_depth`` (longest path from the input), ``log(1 + in-degree)``,
  ``log(1 + out-degree)``, ``is_input``, ``is_output``, ``log(1 + params) / 10``, ``log(1 + FLOPs) / 20``
  and ``has_cost`` where the graph carries node costs (zeros and ``has_cost = 0`` otherwise);
- ``v2`` (10 columns, transferable across spaces): the five topology columns, the node's share of the
  graph's parameters and FLOPs, :math:`p_v / \sum_u p_u` and :math:`f_v / \sum_u f_u`, then the graph
  totals :math:`\log(1 + \sum_u p_u) / 20` and :math:`\log(1 + \sum_u f_u) / 25` (the same on every node)
  and ``has_cost``. Shares do not depend on the scale of a space; the totals enter the model only through
  a linear term (:mod:`tgnas.predictor.model`), so a ranking by them does not depend on it either.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import torch

from tgnas.embed import OperatorEmbedder
from tgnas.opgraph import OpGraph

TOPOLOGY = ("depth", "log_in_degree", "log_out_degree", "is_input", "is_output")
STRUCTURAL = (*TOPOLOGY, "log_params", "log_flops", "has_cost")
STRUCTURAL_V2 = (*TOPOLOGY, "param_share", "flop_share", "log_total_params", "log_total_flops", "has_cost")
FEATURE_SETS = {"v1": STRUCTURAL, "v2": STRUCTURAL_V2}
COST_COLUMNS = {"v1": 3, "v2": 5}  # trailing structural columns that describe costs (zeroed by cost dropout)


def feature_set_of(names: Sequence[str]) -> str:
    """The feature set whose column names are ``names``; raises :class:`KeyError` for none."""
    for key, cols in FEATURE_SETS.items():
        if list(cols) == list(names):
            return key
    raise KeyError(f"no feature set has the columns {list(names)}")


@lru_cache(maxsize=4096)
def _topology(num_nodes: int, edges: tuple[tuple[int, int], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per-topology features ``(n, 5)`` and the edge array ``(2, E)``, cached (spaces share topologies)."""
    graph = OpGraph(("input",) + ("op",) * (num_nodes - 2) + ("output",), edges)
    depth = np.asarray(graph.depths(), dtype=np.float32)
    indeg, outdeg = graph.degrees()
    feats = np.zeros((num_nodes, 5), dtype=np.float32)
    feats[:, 0] = depth / max(depth.max(), 1.0)
    feats[:, 1] = np.log1p(indeg)
    feats[:, 2] = np.log1p(outdeg)
    feats[0, 3] = 1.0
    feats[-1, 4] = 1.0
    edge_array = np.asarray(edges, dtype=np.int64).reshape(-1, 2).T.copy()
    return feats, edge_array


def structural_features(graph: OpGraph, features: str = "v1") -> np.ndarray:
    """The non-text part of the node features, shape ``(num_nodes, len(FEATURE_SETS[features]))``."""
    return _structural_many([graph], features)


def _structural_many(graphs: Sequence[OpGraph], features: str = "v1") -> np.ndarray:
    """:func:`structural_features` of many graphs, stacked; costs are transformed in one vectorised pass."""
    topo = np.concatenate([_topology(g.num_nodes, g.edges)[0] for g in graphs])  # (N, 5)
    raw = _raw_costs(graphs)  # (N, 3): params, flops, has_cost
    if features == "v2":
        return np.concatenate([topo, _cost_v2(graphs, raw)], axis=1)
    cost = np.stack(
        [np.log1p(np.maximum(raw[:, 0], 0)) / 10, np.log1p(np.maximum(raw[:, 1], 0)) / 20, raw[:, 2]], axis=1
    )
    return np.concatenate([topo, cost.astype(np.float32)], axis=1)


_NO_COST = (0.0, 0.0, 0.0)


def _raw_costs(graphs: Sequence[OpGraph]) -> np.ndarray:
    """Every node's ``(params, flops, has_cost)``, stacked in float64; zeros where a node has no cost."""
    rows: list[tuple[float, float, float]] = []
    for g in graphs:
        if g.costs is None:
            rows.extend((_NO_COST,) * g.num_nodes)
        else:
            rows.extend((c.get("params", 0.0), c.get("flops", 0.0), 1.0) if c else _NO_COST for c in g.costs)
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def _cost_v2(graphs: Sequence[OpGraph], raw: np.ndarray) -> np.ndarray:
    """The v2 cost columns ``(N, 5)``: each node's shares of its graph's totals, their logs, has_cost."""
    sizes = np.fromiter((g.num_nodes for g in graphs), dtype=np.int64, count=len(graphs))
    graph_of = np.repeat(np.arange(len(graphs)), sizes)
    totals = np.stack(
        [np.bincount(graph_of, weights=raw[:, j], minlength=len(graphs)) for j in (0, 1)], axis=1
    )[graph_of]  # (N, 2): the node's graph's totals
    out = np.empty((raw.shape[0], 5), dtype=np.float64)
    out[:, 0:2] = raw[:, :2] / np.where(totals > 0, totals, 1.0)
    out[:, 2] = np.log1p(totals[:, 0]) / 20
    out[:, 3] = np.log1p(totals[:, 1]) / 25
    out[:, 4] = raw[:, 2]
    return out.astype(np.float32)


class GraphBatch(NamedTuple):
    """Graphs as one disjoint union: node features, edges, each node's graph, graph offsets."""

    x: torch.Tensor  # (N, features)
    edge_index: torch.Tensor  # (2, E)
    batch: torch.Tensor  # (N,)
    ptr: torch.Tensor  # (G + 1,)

    def to(self, device) -> GraphBatch:
        return GraphBatch(*(t.to(device) for t in self))


class GraphFeaturizer:
    """Builds PyG ``Data`` objects and batches from operator graphs.

    Args:
        embedder: turns node texts into vectors (its cache makes repeated texts free).
        features: the structural feature set, ``v1`` or ``v2`` (module docstring).
    """

    def __init__(self, embedder: OperatorEmbedder, features: str = "v1") -> None:
        if features not in FEATURE_SETS:
            raise KeyError(f"unknown feature set {features!r}; choose one of: {', '.join(FEATURE_SETS)}")
        self.embedder = embedder
        self.features = features

    @property
    def structural(self) -> tuple[str, ...]:
        return FEATURE_SETS[self.features]

    @property
    def num_features(self) -> int:
        return self.embedder.dim + len(self.structural)

    def _node_matrix(self, graphs: Sequence[OpGraph]) -> np.ndarray:
        """Node features of all graphs stacked, ``(sum of num_nodes, 384 + 8)``; each text embedded once."""
        described: dict[str, str] = {}  # operator -> description, looked up once per call
        texts = [
            t if t else described.get(op) or described.setdefault(op, self.embedder.text_of(op))
            for g in graphs
            for op, t in zip(g.ops, g.texts or (None,) * g.num_nodes, strict=True)
        ]
        unique = sorted(set(texts))
        table = self.embedder.embed_texts(unique)  # (U, 384)
        row = {t: i for i, t in enumerate(unique)}
        x = np.empty((len(texts), self.num_features), dtype=np.float32)  # (N, 384 + 8)
        x[:, : self.embedder.dim] = table[[row[t] for t in texts]]
        x[:, self.embedder.dim :] = _structural_many(graphs, self.features)
        return x

    def data(self, graph: OpGraph, y: float | None = None):
        """One graph as ``Data(x, edge_index[, y])``."""
        return self.data_list([graph], None if y is None else [y])[0]

    def data_list(self, graphs: Sequence[OpGraph], ys: Sequence[float] | None = None) -> list:
        """Many graphs as PyG ``Data`` objects for training (embedding every distinct text once)."""
        from torch_geometric.data import Data

        x = self._node_matrix(graphs)
        ptr = np.concatenate([[0], np.cumsum([g.num_nodes for g in graphs])])
        out = []
        for k, g in enumerate(graphs):
            d = Data(x=torch.from_numpy(x[ptr[k] : ptr[k + 1]].copy()), edge_index=_edge_index(g))
            if ys is not None:
                d.y = torch.tensor([float(ys[k])], dtype=torch.float32)
            out.append(d)
        return out

    def batch(self, graphs: Sequence[OpGraph]) -> GraphBatch:
        """All graphs as one disjoint union (``x``, ``edge_index``, ``batch``, ``ptr``): the same tensors as
        PyG's ``Batch.from_data_list(self.data_list(graphs))``, built without PyG or per-graph objects."""
        if not graphs:
            raise ValueError("cannot batch an empty list of graphs")
        sizes = np.array([g.num_nodes for g in graphs])
        ptr = np.concatenate([[0], np.cumsum(sizes)])
        x = self._node_matrix(graphs)
        edges = [_topology(g.num_nodes, g.edges)[1] + ptr[k] for k, g in enumerate(graphs)]
        return GraphBatch(
            x=torch.from_numpy(x),
            edge_index=torch.from_numpy(np.concatenate(edges, axis=1)),
            batch=torch.from_numpy(np.repeat(np.arange(len(graphs)), sizes)),
            ptr=torch.from_numpy(ptr),
        )


def _edge_index(graph: OpGraph) -> torch.Tensor:
    return torch.from_numpy(_topology(graph.num_nodes, graph.edges)[1].copy())  # (2, E)
