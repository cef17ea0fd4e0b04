"""Training a predictor from labelled operator graphs (seeded, CPU or GPU through Lightning)."""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from tgnas.embed import OperatorEmbedder, default_embedder
from tgnas.errors import TgnasError
from tgnas.opgraph import OpGraph
from tgnas.predictor.config import TrainConfig
from tgnas.predictor.features import GraphFeaturizer
from tgnas.predictor.novelty import node_texts
from tgnas.predictor.plain import plain_or_pyg
from tgnas.predictor.predictor import TrainedPredictor
from tgnas.predictor.prior import CostPrior, fit_cost_prior, total_params


@dataclass
class TrainResult:
    """A trained predictor and how it was trained."""

    predictor: TrainedPredictor
    seconds: float
    train_positions: list[int] = field(default_factory=list)  # positions (in the input list) trained on
    val_positions: list[int] = field(default_factory=list)  # positions used to pick the best epoch
    best_val_tau: list[float] = field(default_factory=list)  # per ensemble member
    device: str = "cpu"


def train_predictor(
    graphs: Sequence[OpGraph],
    targets: Sequence[float],
    config: TrainConfig = TrainConfig(),
    embedder: OperatorEmbedder | None = None,
    groups: Sequence[str] | None = None,
    init: Sequence[torch.nn.Module] | None = None,
) -> TrainResult:
    """Trains ``config.ensemble`` GCNs on ``(graphs, targets)`` and returns the best-epoch models.

    A seeded ``val_fraction`` of the labelled graphs (at least 5 when there are 20 or more) is held out to
    pick each model's best epoch by Kendall tau; with fewer than 20 graphs the last epoch is kept.

    ``groups`` names each graph's (space, dataset) group. With more than one group (or with ``init``),
    targets are standardised within each group (mean and standard deviation of its training part), only
    pairs of one group are ranked, and the predictor scores in those standard units (``y_mean = 0,
    y_std = 1``); the card records each group's scaling.

    ``init`` (fine-tuning) gives each of the ``config.ensemble`` members the trained weights it starts from
    instead of a random initialisation: GCNs of ``config.model``'s architecture and feature set. A fixed
    cost term (``cost_path="prior"``) keeps the slope those weights hold.
    """

    try:
        from tgnas.predictor.lightning import GraphDataModule, PredictorModule, split_positions
    except ImportError as exc:  # the train extra is missing
        raise TgnasError(
            f"training needs Lightning and torch-geometric ({exc.name} is missing): "
            "pip install 'tgnas[train]'"
        ) from None

    y = np.asarray(targets, dtype=float)
    if len(graphs) != len(y):
        raise TgnasError(f"{len(graphs)} graphs but {len(y)} targets")
    if len(y) < 2 or not np.all(np.isfinite(y)):
        raise TgnasError("training needs at least 2 graphs with finite targets")
    names = list(groups) if groups is not None else ["all"] * len(y)
    if len(names) != len(y):
        raise TgnasError(f"{len(graphs)} graphs but {len(names)} groups")
    multi = len(set(names)) > 1 or init is not None  # fine-tuned weights score in standard units
    # the log-params line is one space's scale: a multi-space predictor relies on its linear cost term instead
    prior = None if multi else fit_cost_prior(graphs, y, config.unseen_prior_weight)
    embedder = embedder or default_embedder()
    featurizer = GraphFeaturizer(embedder, config.model.features)
    train_pos, val_pos = split_positions(len(y), config.val_fraction, config.seed)
    group_ids = {g: k for k, g in enumerate(sorted(set(names)))}
    gid = np.array([group_ids[g] for g in names])
    scaling = {}
    for g, k in group_ids.items():
        part = y[[p for p in train_pos if gid[p] == k]]
        if part.size == 0:
            part = y[gid == k]
        scaling[g] = {
            "mean": float(part.mean()),
            "std": float(part.std() or 1.0),
            "count": int((gid == k).sum()),
        }
    slope = 0.0
    if multi:
        z = np.array([(v - scaling[g]["mean"]) / scaling[g]["std"] for v, g in zip(y, names, strict=True)])
        data = featurizer.data_list(graphs, z)
        log_p = np.log1p(np.array([total_params(g) for g in graphs]))  # NaN without costs
        if config.model.cost_path == "prior":
            slope = within_group_slope(log_p[train_pos], z[train_pos], gid[train_pos])
            if init and config.model.global_cost:  # the term the weights were trained with
                slope = float(init[0].cost_linear.weight.detach()[0, 0]) / 20.0
        for d, k, lp in zip(data, gid, log_p, strict=True):
            d.group = torch.tensor([int(k)])
            # the fixed cost term adds slope * log P; the target moves by the group's mean of that term
            centre = np.nanmean(log_p[gid == k]) if np.isfinite(log_p[gid == k]).any() else 0.0
            d.shift = torch.tensor([float(slope * centre) if np.isfinite(lp) else 0.0])
        y_mean, y_std = 0.0, 1.0
        if config.model.cost_path == "prior" and config.model.global_cost:
            # the GCN's own fixed term b log(1 + P) is the prior: s = (1 - w) gcn + w b log(1 + P) keeps
            # the term and shrinks the rest, scale-free (see tgnas.predictor.prior)
            prior = CostPrior(0.0, slope, config.unseen_prior_weight)
    else:
        data = featurizer.data_list(graphs, y)
        y_mean, y_std = float(y[train_pos].mean()), float(y[train_pos].std() or 1.0)
    gcn = replace(config.model, in_dim=featurizer.num_features)
    if init is not None:
        check_init(init, gcn, config.ensemble)

    start = time.perf_counter()
    models, taus, device = [], [], "cpu"
    with _quiet_lightning(), torch.random.fork_rng(devices=_cuda_devices()):
        for member in range(config.ensemble):
            torch.manual_seed(config.seed * 1000 + member)  # initialisation, text noise, cost dropout
            module = PredictorModule(config, gcn, y_mean, y_std, embedder.dim)
            if init is not None:
                module.model.load_state_dict(init[member].state_dict())
            elif gcn.cost_path == "prior" and gcn.global_cost:  # the totals column holds log(1 + P) / 20
                module.model.cost_linear.weight.data[:] = torch.tensor([[20.0 * slope, 0.0, 0.0]])
            dm = GraphDataModule(
                data,
                config.val_fraction,
                config.batch_size,
                split_seed=config.seed,
                shuffle_seed=config.seed * 1000 + member,
                group_power=config.group_power if multi else None,
            )
            model, tau, device = _fit(module, dm, config, has_val=bool(val_pos))
            models.append(model)
            taus += tau
    seconds = time.perf_counter() - start
    card = {
        "hyperparameters": config.to_dict(),
        "gcn": gcn.to_dict(),
        "target_scaling": {"mean": y_mean, "std": y_std},
        "group_scaling": scaling if multi else None,
        "cost_slope": slope if gcn.cost_path == "prior" else None,
        "training_seconds": seconds,
        "training_device": device,
        "environment": training_environment(),  # with the seed: what makes the weights reproducible
        "best_val_tau": taus,
        # what the GCN learned from; TrainedPredictor.unseen_operators compares scored graphs with it
        "training_texts": sorted(node_texts([graphs[p] for p in train_pos], embedder)),
        # accuracy ~ log params on all labelled graphs, for graphs with unseen operators (predictor.prior)
        "cost_prior": prior.to_dict() if prior else None,
    }
    predictor = TrainedPredictor(models, embedder, y_mean, y_std, card)
    return TrainResult(predictor, seconds, train_pos, val_pos, taus, device)


def check_init(init: Sequence[torch.nn.Module], gcn, members: int) -> None:
    """Raises a TgnasError unless ``init`` holds ``members`` GCNs of configuration ``gcn``."""
    if len(init) != members:
        raise TgnasError(f"fine-tuning starts {members} ensemble member(s) from {len(init)} trained GCN(s)")
    for model in init:
        if getattr(model, "config", None) != gcn:
            raise TgnasError(
                "the weights to fine-tune are of another GCN than the config's "
                f"({getattr(model, 'config', None)} vs {gcn})"
            )


def within_group_slope(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    r"""Least-squares slope of ``y`` on ``x`` with an intercept per group (NaN ``x`` left out),

    .. math::
        b = \frac{\sum_g \sum_{i \in g} (x_i - \bar x_g)(y_i - \bar y_g)}
                 {\sum_g \sum_{i \in g} (x_i - \bar x_g)^2};

    0 where ``x`` does not vary within any group.
    """
    num = den = 0.0
    for g in np.unique(groups):
        keep = (groups == g) & np.isfinite(x)
        if keep.sum() < 2:
            continue
        dx, dy = x[keep] - x[keep].mean(), y[keep] - y[keep].mean()
        num, den = num + float(dx @ dy), den + float(dx @ dx)
    return num / den if den > 0 else 0.0


def _trainer(accelerator: str, **options):
    """``lightning.Trainer(accelerator=..., **options)``; an accelerator, device count or strategy this
    machine cannot give is a TgnasError."""
    import lightning as L
    from lightning.fabric.utilities.exceptions import MisconfigurationException

    try:
        return L.Trainer(accelerator=accelerator, **options)
    except (MisconfigurationException, ValueError, ImportError) as exc:  # no such device, an unknown name
        raise TgnasError(
            f"Lightning cannot train on accelerator {accelerator!r} with devices={options.get('devices')} "
            f"and strategy {options.get('strategy')!r} here ({exc}); use auto (a GPU when one is present, "
            "else the CPU) or cpu, one device"
        ) from None


def _fit(module, dm, config: TrainConfig, has_val: bool):
    """Fits ``module`` on ``dm`` and keeps its best validation epoch (or the last without validation);
    returns the inference model, the best validation tau (a list, empty without validation) and the device."""
    from lightning.pytorch.callbacks import ModelCheckpoint

    taus, device = [], "cpu"
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = ModelCheckpoint(dirpath=tmp, monitor="val_tau", mode="max", save_top_k=1) if has_val else None
        trainer = _trainer(
            config.accelerator,
            max_epochs=config.epochs,
            devices=config.devices,
            strategy=config.strategy,
            logger=False,
            enable_checkpointing=ckpt is not None,
            callbacks=[ckpt] if ckpt else [],
            enable_progress_bar=config.progress,
            enable_model_summary=False,
            deterministic=True,
            num_sanity_val_steps=0,
        )
        trainer.fit(module, datamodule=dm)
        device = str(trainer.strategy.root_device)
        if ckpt is not None and ckpt.best_model_path:
            state = torch.load(ckpt.best_model_path, map_location="cpu", weights_only=False)["state_dict"]
            module.load_state_dict(state)
            taus.append(float(ckpt.best_model_score))
    model = plain_or_pyg(module.gcn)  # the inference module (plain torch), with the trained weights
    model.load_state_dict({k.removeprefix("model."): v.cpu() for k, v in module.state_dict().items()})
    return model.eval(), taus, device


@contextlib.contextmanager
def _quiet_lightning():
    """Lightning's info logs and its warnings about this small-data setting silenced, for the block only."""
    loggers = [logging.getLogger(n) for n in ("lightning.pytorch", "lightning.fabric", "lightning")]
    levels = [lg.level for lg in loggers]
    with warnings.catch_warnings():
        for pattern in (
            "does not have many workers",
            "Total length of.*across ranks is zero",
            "LeafSpec",
            "torch.jit.script",
        ):
            warnings.filterwarnings("ignore", f".*{pattern}.*")
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)


def _cuda_devices() -> list[int]:
    """CUDA devices whose RNG state training forks (none without CUDA)."""
    return list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []


def training_environment() -> dict:
    """What else than the seed decides the trained weights: library versions and the CPU thread count
    (a sum split over another number of threads rounds differently)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version(), "threads": torch.get_num_threads()}
    for package in ("torch", "torch_geometric", "lightning", "numpy"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = None
    return out
