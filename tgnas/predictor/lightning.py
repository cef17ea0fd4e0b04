r"""Lightning training of :class:`~tgnas.predictor.model.GCNPredictor`.

Loss on a batch of graphs with predictions :math:`p` and standardised targets :math:`z = (y - \mu)/\sigma`:

.. math::
    L = \frac{1}{B}\sum_i (p_i - z_i)^2
      + \frac{\lambda}{|P|} \sum_{(i,j) \in P} \log\big(1 + e^{-(p_i - p_j)\,\mathrm{sign}(z_i - z_j)}\big),

with :math:`P` the pairs of the batch with different targets (a pairwise logistic ranking loss) and
:math:`\lambda` = ``rank_weight``. Validation logs Kendall tau (``val_tau``) between predictions and targets.
"""

from __future__ import annotations

from collections.abc import Sequence

import lightning as L
import torch
from torch_geometric.data import Data
from torch_geometric.loader import DataLoader

from tgnas.evaluation import kendall_tau
from tgnas.predictor.model import GCNConfig, GCNPredictor


def pairwise_rank_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean logistic loss over the ordered pairs with different targets; 0 if there are none."""
    diff_t = target.unsqueeze(0) - target.unsqueeze(1)  # (B, B): z_j - z_i
    diff_p = pred.unsqueeze(0) - pred.unsqueeze(1)
    mask = diff_t != 0
    if not mask.any():
        return pred.sum() * 0.0
    return torch.nn.functional.softplus(-diff_p[mask] * torch.sign(diff_t[mask])).mean()


class PredictorModule(L.LightningModule):
    r"""Trains a GCN predictor with MSE on standardised accuracy plus a pairwise ranking loss.

    Args:
        config: the GCN's hyper-parameters (as a dict, so that ``save_hyperparameters`` records them).
        y_mean, y_std: standardisation of the targets (from the training split).
        lr, weight_decay: AdamW settings; the learning rate follows a cosine schedule over ``epochs``.
        rank_weight: :math:`\lambda` of the ranking term.
        epochs: length of the cosine schedule.
    """

    def __init__(
        self,
        config: dict,
        y_mean: float,
        y_std: float,
        lr: float = 1e-3,
        weight_decay: float = 1e-4,
        rank_weight: float = 1.0,
        epochs: int = 100,
    ) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.model = GCNPredictor(GCNConfig(**config))
        self._val_pred: list[torch.Tensor] = []
        self._val_true: list[torch.Tensor] = []

    def forward(self, batch) -> torch.Tensor:
        return self.model(batch.x, batch.edge_index, batch.batch)

    def _z(self, y: torch.Tensor) -> torch.Tensor:
        return (y - self.hparams.y_mean) / self.hparams.y_std

    def training_step(self, batch, batch_idx: int) -> torch.Tensor:
        pred, z = self(batch), self._z(batch.y)
        mse = torch.nn.functional.mse_loss(pred, z)
        rank = pairwise_rank_loss(pred, z)
        loss = mse + self.hparams.rank_weight * rank
        self.log_dict({"train_mse": mse, "train_rank": rank, "train_loss": loss}, batch_size=z.numel())
        return loss

    def validation_step(self, batch, batch_idx: int) -> None:
        self._val_pred.append(self(batch).detach().cpu())
        self._val_true.append(batch.y.detach().cpu())

    def on_validation_epoch_end(self) -> None:
        if not self._val_pred:
            return
        pred, true = torch.cat(self._val_pred), torch.cat(self._val_true)
        self._val_pred.clear()
        self._val_true.clear()
        tau = kendall_tau(pred.numpy(), true.numpy()) if pred.numel() >= 2 else 0.0
        self.log("val_tau", tau, prog_bar=True)
        self.log("val_mse", torch.nn.functional.mse_loss(pred, self._z(true).cpu()))

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, self.hparams.epochs))
        return {"optimizer": opt, "lr_scheduler": sched}


class GraphDataModule(L.LightningDataModule):
    """Serves prepared ``Data`` lists (with ``y``) for training and validation; shuffling is seeded.

    Args:
        train: training graphs.
        val: validation graphs (may be empty: then no validation loop runs).
        batch_size: graphs per batch.
        seed: seed of the shuffling generator.
    """

    def __init__(
        self, train: Sequence[Data], val: Sequence[Data], batch_size: int = 64, seed: int = 0
    ) -> None:
        super().__init__()
        self.train, self.val = list(train), list(val)
        self.batch_size, self.seed = batch_size, seed

    def train_dataloader(self) -> DataLoader:
        gen = torch.Generator().manual_seed(self.seed)
        return DataLoader(
            self.train, batch_size=self.batch_size, shuffle=True, generator=gen, drop_last=False
        )

    def val_dataloader(self) -> DataLoader | list:
        return DataLoader(self.val, batch_size=1024) if self.val else []
