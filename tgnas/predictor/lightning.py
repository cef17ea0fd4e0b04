r"""Lightning training of :class:`~tgnas.predictor.model.GCNPredictor`.

Loss on a batch of graphs with predictions :math:`p` and standardised targets :math:`z = (y - \mu)/\sigma`:

.. math::
    L = \frac{1}{B}\sum_i (p_i - z_i)^2
      + \frac{\lambda}{|P|} \sum_{(i,j) \in P} \log\big(1 + e^{-(p_i - p_j)\,\mathrm{sign}(z_i - z_j)}\big),

with :math:`P` the pairs of the batch with different targets (a pairwise logistic ranking loss) and
:math:`\lambda` = ``rank_weight``. Graphs may carry a ``group`` (a (space, dataset) pair in multi-space
training, whose targets are standardised within the group beforehand): then :math:`P` holds only pairs of
the same group, and ``val_tau`` is the mean over groups of Kendall tau-b between predictions and targets
(torchmetrics, as is ``val_mse``).
"""

from __future__ import annotations

from collections.abc import Sequence

import lightning as L
import numpy as np
import torch
from torch_geometric.data import Data
from torch_geometric.loader import DataLoader
from torchmetrics.functional.regression import kendall_rank_corrcoef, mean_squared_error

from tgnas.predictor.features import COST_COLUMNS
from tgnas.predictor.model import GCNConfig, GCNPredictor


def pairwise_rank_loss(
    pred: torch.Tensor, target: torch.Tensor, group: torch.Tensor | None = None
) -> torch.Tensor:
    """Mean logistic loss over the ordered pairs with different targets (of the same ``group`` where
    given); 0 if there are none."""
    diff_t = target.unsqueeze(0) - target.unsqueeze(1)  # (B, B): z_j - z_i
    diff_p = pred.unsqueeze(0) - pred.unsqueeze(1)
    mask = diff_t != 0
    if group is not None:
        mask &= group.unsqueeze(0) == group.unsqueeze(1)
    if not mask.any():
        return pred.sum() * 0.0
    return torch.nn.functional.softplus(-diff_p[mask] * torch.sign(diff_t[mask])).mean()


class PredictorModule(L.LightningModule):
    r"""Trains a GCN predictor with MSE on standardised accuracy plus a pairwise ranking loss.

    Args:
        config: how to train (:class:`~tgnas.predictor.train.TrainConfig`): the optimiser (AdamW ``lr``,
            ``weight_decay``, a cosine schedule over ``epochs``), :math:`\lambda` = ``rank_weight``, and the
            training-time augmentations: ``text_noise`` (Gaussian noise on the text embedding, so the GCN
            relies on coarse semantic directions rather than the exact vectors of the training operators),
            ``text_dropout`` (a node's whole text embedding zeroed, so it also reads structure and cost
            alone) and ``cost_dropout`` (a graph's cost columns zeroed, as for a graph given without costs).
        gcn: the network's configuration (its ``features`` say which trailing columns are costs).
        y_mean, y_std: standardisation of the targets (from the training split).
        text_dim: size of the text-embedding part of the node features.
    """

    def __init__(self, config, gcn: GCNConfig, y_mean: float, y_std: float, text_dim: int = 384) -> None:
        super().__init__()
        self.config, self.gcn = config, gcn
        self.y_mean, self.y_std, self.text_dim = float(y_mean), float(y_std), text_dim
        self.cost_columns = COST_COLUMNS[gcn.features]
        self.model = GCNPredictor(gcn)
        self._val_pred: list[torch.Tensor] = []
        self._val_true: list[torch.Tensor] = []
        self._val_group: list[torch.Tensor] = []

    def forward(self, batch) -> torch.Tensor:
        return self.model(batch.x, batch.edge_index, batch.batch)

    def _z(self, y: torch.Tensor) -> torch.Tensor:
        return (y - self.y_mean) / self.y_std

    def training_step(self, batch, batch_idx: int) -> torch.Tensor:
        c, d = self.config, self.text_dim
        if c.text_noise > 0 or c.text_dropout > 0 or c.cost_dropout > 0:
            batch.x = batch.x.clone()
        if c.text_noise > 0:
            batch.x[:, :d] += c.text_noise * torch.randn_like(batch.x[:, :d])
        if c.text_dropout > 0:
            keep = torch.rand(batch.x.size(0), 1, device=batch.x.device) >= c.text_dropout
            batch.x[:, :d] *= keep
        keep = torch.ones(int(batch.num_graphs), dtype=torch.bool, device=batch.x.device)  # (G,)
        if c.cost_dropout > 0:
            keep = torch.rand(int(batch.num_graphs), device=batch.x.device) >= c.cost_dropout
            batch.x[:, -self.cost_columns :] *= keep[batch.batch].unsqueeze(1).to(batch.x.dtype)
        pred, z = self(batch), self._z(batch.y)
        shift = getattr(batch, "shift", None)
        if shift is not None:  # a fixed cost term's group offset, for graphs whose costs are kept
            z = z + shift * keep.to(shift.dtype)
        mse = torch.nn.functional.mse_loss(pred, z)
        rank = pairwise_rank_loss(pred, z, getattr(batch, "group", None))
        loss = mse + self.config.rank_weight * rank
        self.log_dict({"train_mse": mse, "train_rank": rank, "train_loss": loss}, batch_size=z.numel())
        return loss

    def validation_step(self, batch, batch_idx: int) -> None:
        self._val_pred.append(self(batch).detach().cpu())
        self._val_true.append(batch.y.detach().cpu())
        group = getattr(batch, "group", None)
        self._val_group.append(torch.zeros_like(batch.y, dtype=torch.long) if group is None else group.cpu())

    def on_validation_epoch_end(self) -> None:
        if not self._val_pred:
            return
        pred, true, group = torch.cat(self._val_pred), torch.cat(self._val_true), torch.cat(self._val_group)
        self._val_pred.clear()
        self._val_true.clear()
        self._val_group.clear()
        if self.trainer.world_size > 1:  # ddp: each process validated a shard; every one ranks them all
            pred, true, group = (self.all_gather(t).reshape(-1).cpu() for t in (pred, true, group))
        taus = [
            float(kendall_rank_corrcoef(pred[group == g].double(), true[group == g].double(), variant="b"))
            for g in group.unique()
            if int((group == g).sum()) >= 2
        ]
        tau = float(np.mean(np.nan_to_num(taus))) if taus else 0.0  # a constant ranking (NaN) counts as 0
        self.log("val_tau", tau, prog_bar=True)
        self.log("val_mse", mean_squared_error(pred, self._z(true).cpu()))

    def configure_optimizers(self):
        c = self.config
        opt = torch.optim.AdamW(self.parameters(), lr=c.lr, weight_decay=c.weight_decay)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, c.epochs))
        return {"optimizer": opt, "lr_scheduler": sched}


def split_positions(n: int, val_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Seeded train/validation split of ``n`` labelled graphs: ``(train, val)`` positions, sorted.

    ``round(val_fraction * n)`` graphs (at least 5) are held out when ``n >= 20`` and ``val_fraction > 0``;
    otherwise every graph trains.
    """
    order = np.random.default_rng(seed).permutation(n)
    n_val = max(5, round(val_fraction * n)) if n >= 20 and val_fraction > 0 else 0
    return sorted(order[n_val:].tolist()), sorted(order[:n_val].tolist())


class GroupBatchSampler(torch.utils.data.Sampler):
    r"""Batches of one group each: every pair of a batch can be ranked.

    An epoch has :math:`\lceil N / B \rceil` batches. Each batch draws its group :math:`g` with probability
    :math:`n_g^{\alpha} / \sum_h n_h^{\alpha}` (:math:`n_g` graphs in the group, :math:`\alpha` =
    ``power``: 1 keeps the groups' shares, 0 gives every group the same share, so a group with few labels
    is not drowned by a large one) and takes the next :math:`B` graphs of that group's seeded shuffle
    (reshuffled when used up). Seeded by ``seed`` and the epoch number, so a run is reproducible.
    """

    def __init__(self, groups: Sequence[int], batch_size: int, power: float = 1.0, seed: int = 0) -> None:
        self.groups = np.asarray(groups)
        self.batch_size, self.power, self.seed = batch_size, power, seed
        self.members = {int(g): np.flatnonzero(self.groups == g) for g in np.unique(self.groups)}
        sizes = np.array([len(m) for m in self.members.values()], dtype=float)
        self.prob = sizes**power / (sizes**power).sum()
        self.epoch = 0

    def __len__(self) -> int:
        return -(-len(self.groups) // self.batch_size)

    def __iter__(self):
        rng = np.random.default_rng([self.seed, self.epoch])
        self.epoch += 1
        keys = list(self.members)
        queues = {g: rng.permutation(self.members[g]).tolist() for g in keys}
        for _ in range(len(self)):
            g = keys[int(rng.choice(len(keys), p=self.prob))]
            if len(queues[g]) < self.batch_size:
                queues[g] += rng.permutation(self.members[g]).tolist()
            batch, queues[g] = queues[g][: self.batch_size], queues[g][self.batch_size :]
            yield batch


class GraphDataModule(L.LightningDataModule):
    """Splits labelled ``Data`` graphs (seeded) in ``setup`` and serves them; shuffling is seeded too.

    Args:
        data: labelled graphs (``Data`` with ``y``).
        val_fraction: share held out for validation (see :func:`split_positions`); 0 disables validation.
        batch_size: graphs per training batch.
        split_seed: seed of the train/validation split.
        shuffle_seed: seed of the training shuffle.
        group_power: ``None``: batches mix groups (a seeded shuffle); else each batch holds one group,
            drawn as :class:`GroupBatchSampler` does with this power.
    """

    def __init__(
        self,
        data: Sequence[Data],
        val_fraction: float = 0.1,
        batch_size: int = 64,
        split_seed: int = 0,
        shuffle_seed: int = 0,
        group_power: float | None = None,
    ) -> None:
        super().__init__()
        self.group_power = group_power
        self.data = list(data)
        self.val_fraction, self.batch_size = val_fraction, batch_size
        self.split_seed, self.shuffle_seed = split_seed, shuffle_seed
        self.train: list[Data] = []
        self.val: list[Data] = []

    def setup(self, stage: str | None = None) -> None:
        train_pos, val_pos = split_positions(len(self.data), self.val_fraction, self.split_seed)
        self.train = [self.data[i] for i in train_pos]
        self.val = [self.data[i] for i in val_pos]

    def train_dataloader(self) -> DataLoader:
        if self.group_power is not None:
            groups = [int(getattr(d, "group", torch.zeros(1))[0]) for d in self.train]
            sampler = GroupBatchSampler(groups, self.batch_size, self.group_power, self.shuffle_seed)
            return DataLoader(self.train, batch_sampler=sampler)
        gen = torch.Generator().manual_seed(self.shuffle_seed)
        return DataLoader(self.train, batch_size=self.batch_size, shuffle=True, generator=gen)

    def val_dataloader(self) -> DataLoader | list:
        return DataLoader(self.val, batch_size=1024) if self.val else []
