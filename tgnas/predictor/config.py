"""The predictor's configuration, defined once: :class:`GCNConfig` (the network) inside
:class:`TrainConfig` (how to train it), the label-budget schedules (:func:`schedule_for`), the universal
recipe (:data:`UNIVERSAL`) and how to fine-tune it (:class:`FineTuneConfig`). The CLI's options and the
benchmark scripts take their defaults from here.

Plain dataclasses: importing this module loads neither torch nor Lightning.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from tgnas.errors import TgnasError, UnknownNameError

READOUTS = ("mean", "sum", "max", "output", "virtual")
COST_PATHS = ("mlp", "linear", "prior")
CONV_NAMES = ("gcn", "graph")
FEATURE_SET_NAMES = ("v1", "v2")


@dataclass(frozen=True)
class GCNConfig:
    """Hyper-parameters of :class:`~tgnas.predictor.model.GCNPredictor`."""

    in_dim: int = 392  # node feature size: 384-d text embedding + the structural features (set in training)
    hidden: int = 128  # width of every layer
    layers: int = 4  # graph convolutions
    conv: str = "gcn"  # "gcn" (normalised, Kipf & Welling) or "graph" (GraphConv with `aggregation`)
    aggregation: str = "add"  # neighbour aggregation of "graph" convolutions: add, mean or max
    direction: str = "both"  # "forward" edges only, or "both" (forward and reversed, separate weights)
    readout: str = "virtual"  # one of READOUTS
    dropout: float = 0.1  # dropout on node states between layers
    global_cost: bool = False  # the head also reads the graph's total parameters and FLOPs
    features: str = "v1"  # structural node features: v1 (absolute log costs) or v2 (shares and totals)
    cost_path: str = "mlp"  # how the totals reach the score: "mlp" (concatenated), "linear" or "prior"

    def __post_init__(self) -> None:
        choices = {
            "readout": READOUTS,
            "conv": CONV_NAMES,
            "direction": ("forward", "both"),
            "aggregation": ("add", "mean", "max"),
            "features": FEATURE_SET_NAMES,
            "cost_path": COST_PATHS,
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise UnknownNameError(
                    f"unknown {name} {getattr(self, name)!r}; choose one of: {', '.join(allowed)}"
                )
        for name in ("in_dim", "hidden", "layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise TgnasError(f"GCNConfig.{name} must be a positive integer, got {value!r}")
        if not 0 <= self.dropout <= 1:
            raise TgnasError(f"GCNConfig.dropout must be in [0, 1], got {self.dropout!r}")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TrainConfig:
    """How to train a predictor: the network (``model``), the optimisation, the augmentations, the split.

    The defaults are the schedule for 500-2,000 labels; :func:`schedule_for` gives the one for any label
    budget, and the CLI uses it.
    """

    model: GCNConfig = field(default_factory=GCNConfig)  # the network (its in_dim is set in training)
    epochs: int = 200  # training epochs (cosine learning-rate schedule)
    batch_size: int = 64  # graphs per step
    lr: float = 1e-3  # AdamW learning rate
    weight_decay: float = 1e-4  # AdamW weight decay
    rank_weight: float = 3.0  # weight of the pairwise ranking loss next to the MSE
    # Gaussian noise on the text embedding in training (unseen-op robustness): 0.1 chosen by the nested
    # unseen-op protocol (benchmarks/predictor.py --rows select-b), neutral on random splits
    text_noise: float = 0.1
    text_dropout: float = 0.0  # chance a node's text embedding is zeroed in training (tried, not adopted)
    cost_dropout: float = 0.0  # chance a training graph's cost features are zeroed (costs may be absent)
    # multi-space: each batch holds one (space, dataset) group, drawn with probability ~ size**group_power
    # (None: batches mix groups)
    group_power: float | None = None
    # weight of the cost prior (accuracy ~ log params, fitted on the labels) in the score of a graph with an
    # operator never seen in training; 0.7 chosen by the nested unseen-op protocol (tgnas.predictor.prior)
    unseen_prior_weight: float = 0.7
    val_fraction: float = 0.1  # share of the labelled graphs held out to pick the best epoch (val_tau)
    ensemble: int = 1  # independently seeded models averaged at prediction time
    seed: int = 0  # seeds the split, the initialisation and the shuffling
    accelerator: str = "auto"  # Lightning accelerator: auto picks a GPU when one is present
    devices: int = 1  # Lightning devices; several GPUs need a strategy that spreads them (ddp)
    strategy: str = "auto"  # Lightning strategy: auto (one device), ddp (one process per device), ...
    progress: bool = False  # show Lightning's progress bar

    def __post_init__(self) -> None:
        if isinstance(self.model, dict):  # from a card
            object.__setattr__(self, "model", GCNConfig(**self.model))
        for name in ("epochs", "batch_size", "ensemble", "devices"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise TgnasError(f"TrainConfig.{name} must be a positive integer, got {value!r}")
        if not self.lr > 0:
            raise TgnasError(f"TrainConfig.lr must be positive, got {self.lr!r}")
        for name in ("weight_decay", "rank_weight", "text_noise"):
            if not getattr(self, name) >= 0:
                raise TgnasError(f"TrainConfig.{name} must be >= 0, got {getattr(self, name)!r}")
        for name in ("text_dropout", "cost_dropout", "unseen_prior_weight"):
            if not 0 <= getattr(self, name) <= 1:
                raise TgnasError(f"TrainConfig.{name} must be in [0, 1], got {getattr(self, name)!r}")
        if not 0 <= self.val_fraction <= 0.5:
            raise TgnasError(f"TrainConfig.val_fraction must be in [0, 0.5], got {self.val_fraction!r}")
        if self.group_power is not None and not self.group_power >= 0:
            raise TgnasError(f"TrainConfig.group_power must be >= 0 or None, got {self.group_power!r}")

    def with_model(self, **changes) -> TrainConfig:
        """This config with the network's fields changed."""
        return replace(self, model=replace(self.model, **changes))

    def to_dict(self) -> dict:
        return asdict(self)


def schedule_for(labels: int, seed: int = 0) -> TrainConfig:
    """The training schedule for a budget of ``labels`` labelled architectures (one space).

    Chosen on random NAS-Bench-201 splits of seeds 0-2, never on held-out data (``docs/results.md``):

    - fewer than 500: every label trains (no validation hold-out), 300 epochs in steps of 16 graphs;
    - 500 to 2,000: 200 epochs, steps of 64, 10 % held out to pick the best epoch;
    - more: 60 epochs, steps of 128, 10 % held out.
    """
    if isinstance(labels, bool) or not isinstance(labels, int) or labels < 2:
        raise TgnasError(f"a training schedule needs at least 2 labels, got {labels!r}")
    if labels < 500:
        return TrainConfig(epochs=300, batch_size=16, val_fraction=0.0, seed=seed)
    if labels <= 2000:
        return TrainConfig(epochs=200, batch_size=64, val_fraction=0.1, seed=seed)
    return TrainConfig(epochs=60, batch_size=128, val_fraction=0.1, seed=seed)


# the recipes of checkpoints/universal.pt (docs/universal.md): an ensemble of one GCN trained with batches
# that mix the spaces and one trained with one-space batches whose space is drawn ~ sqrt(its size), so that a
# space with few labels is heard (better with few labels of a space, worse on a fully labelled one)
UNIVERSAL = TrainConfig(
    model=GCNConfig(features="v2", global_cost=True, cost_path="prior"),
    cost_dropout=0.3,
    text_noise=0.1,
    epochs=40,
    batch_size=64,
    val_fraction=0.1,
)
UNIVERSAL_BALANCED = replace(UNIVERSAL, group_power=0.5)
RECIPES: dict[str, tuple[TrainConfig, ...]] = {
    "mixed": (UNIVERSAL,),
    "balanced": (UNIVERSAL_BALANCED,),
    "ensemble": (UNIVERSAL, UNIVERSAL_BALANCED),  # what ships
}
UNIVERSAL_VIEWS = 3  # graphs per labelled architecture


FINETUNE_EPOCHS = 200  # E_0: epochs of a fine-tuning set of FINETUNE_LABELS architectures or more
FINETUNE_LABELS = 200  # n_0
FINETUNE_MAX_EPOCHS = 800  # E_max: a smaller set's epochs grow to keep the steps, up to this


@dataclass(frozen=True)
class FineTuneConfig:
    r"""How to fine-tune a multi-space predictor on new labels (:func:`tgnas.predictor.finetune.finetune`).

    Each ensemble member keeps its own :class:`TrainConfig` (from the checkpoint's card) but for the fields
    below. The defaults were chosen on draws of protocol (e) (``benchmarks/own_labels.py --finetune``;
    ``docs/universal.md``): the new labels alone, long enough to fit them. Without ``epochs``, a set of
    :math:`n` training architectures (the file's and the replayed rows) trains for

    .. math::
        E(n) = \min\bigl(E_{\max},\ \lceil E_0 \max(1, n_0 / n) \rceil\bigr)

    epochs (:math:`E_0 = n_0 = 200`, :math:`E_{\max} = 800`): a smaller set trains about the optimisation
    steps of :math:`E_0` epochs of :math:`n_0` architectures.
    """

    epochs: int | None = None  # epochs from the trained weights (cosine learning-rate schedule); None: E(n)
    lr: float = 1e-3  # AdamW learning rate
    # benchmark rows per space of the checkpoint trained on again, so that its spaces stay ranked (0: the new
    # labels only, which ranks the new space best)
    replay: int = 0
    seed: int = 0  # seeds the replayed rows, the views, the split and the shuffling

    def __post_init__(self) -> None:
        for name, least in (("epochs", 1), ("replay", 0), ("seed", 0)):
            value = getattr(self, name)
            if name == "epochs" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise TgnasError(f"FineTuneConfig.{name} must be an integer >= {least}, got {value!r}")
        if not self.lr > 0:
            raise TgnasError(f"FineTuneConfig.lr must be positive, got {self.lr!r}")

    def epochs_for(self, n: int) -> int:
        """The epochs for ``n`` training architectures: ``epochs`` if given, else :math:`E(n)`."""
        if self.epochs is not None:
            return self.epochs
        return min(FINETUNE_MAX_EPOCHS, math.ceil(FINETUNE_EPOCHS * max(1.0, FINETUNE_LABELS / max(n, 1))))
