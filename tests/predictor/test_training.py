import lightning as L
import numpy as np
import pytest
import torch

from tgnas.embed import default_embedder
from tgnas.errors import TgnasError
from tgnas.opgraph import OpGraph
from tgnas.predictor.config import TrainConfig
from tgnas.predictor.features import GraphFeaturizer
from tgnas.predictor.lightning import GraphDataModule, PredictorModule, pairwise_rank_loss, split_positions
from tgnas.predictor.model import GCNConfig
from tgnas.predictor.train import train_predictor

OPS = ("nor_conv_3x3", "skip_connect", "avg_pool_3x3", "nor_conv_1x1")


def synthetic(n: int, seed: int = 0):
    """Chains of 1-4 operations; the target counts the 3x3 convolutions (a learnable, exact rule)."""
    rng = np.random.default_rng(seed)
    graphs, ys = [], []
    for _ in range(n):
        k = int(rng.integers(1, 5))
        ops = tuple(OPS[i] for i in rng.integers(len(OPS), size=k))
        graphs.append(OpGraph(("input", *ops, "output"), tuple((i, i + 1) for i in range(k + 1))))
        ys.append(80.0 + 3.0 * ops.count("nor_conv_3x3"))
    return graphs, np.array(ys)


def test_pairwise_rank_loss_known_values():
    pred = torch.tensor([1.0, 0.0])
    assert pairwise_rank_loss(pred, torch.tensor([1.0, 0.0])) == pytest.approx(np.log1p(np.exp(-1.0)))
    assert pairwise_rank_loss(pred, torch.tensor([0.0, 1.0])) == pytest.approx(np.log1p(np.exp(1.0)))
    assert pairwise_rank_loss(pred, torch.tensor([2.0, 2.0])) == 0.0


def test_lightning_fast_dev_run():
    graphs, ys = synthetic(24)
    data = GraphFeaturizer(default_embedder()).data_list(graphs, ys)
    config = GCNConfig(in_dim=data[0].x.shape[1], hidden=16, layers=2)
    module = PredictorModule(TrainConfig(epochs=1, text_noise=0.1), config, float(ys.mean()), float(ys.std()))
    trainer = L.Trainer(
        fast_dev_run=True,
        accelerator="cpu",
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
    )
    trainer.fit(module, datamodule=GraphDataModule(data, val_fraction=0.3, batch_size=4))
    assert "val_tau" in trainer.callback_metrics


def test_split_is_seeded_and_disjoint():
    train, val = split_positions(100, 0.1, seed=4)
    assert len(val) == 10 and sorted(train + val) == list(range(100))
    assert split_positions(100, 0.1, seed=4) == (train, val) != split_positions(100, 0.1, seed=5)
    assert split_positions(15, 0.5, seed=0)[1] == []  # too few graphs to hold any out


def test_training_learns_a_ranking_and_is_seeded():
    graphs, ys = synthetic(80)
    config = TrainConfig(
        model=GCNConfig(hidden=32, layers=2), epochs=40, batch_size=16, seed=3, accelerator="cpu"
    )
    result = train_predictor(graphs[:60], ys[:60], config)
    test_graphs, test_y = synthetic(40, seed=1)
    scores = result.predictor.score_graphs(test_graphs)
    from tgnas.evaluation import kendall_tau

    assert kendall_tau(scores, test_y) > 0.6
    card_texts = result.predictor.card["training_texts"]  # texts of the training graphs, not validation
    assert card_texts == sorted(
        {default_embedder().text_of(op) for p in result.train_positions for op in graphs[p].ops}
    )
    assert len(result.val_positions) == 6 and not set(result.val_positions) & set(result.train_positions)
    again = train_predictor(graphs[:60], ys[:60], config).predictor
    first, second = result.predictor.models[0].state_dict(), again.models[0].state_dict()
    assert all(torch.equal(first[k], second[k]) for k in first)  # a seed means the same weights, bitwise
    assert np.array_equal(scores, again.score_graphs(test_graphs))


def test_training_leaves_no_global_state_behind():
    import logging
    import warnings

    graphs, ys = synthetic(30)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    filters = list(warnings.filters)
    level = logging.getLogger("lightning.pytorch").level
    train_predictor(graphs, ys, TrainConfig(model=GCNConfig(hidden=8, layers=1), epochs=2, accelerator="cpu"))
    assert torch.equal(torch.rand(3), expected)  # the caller's RNG stream goes on where it was
    assert warnings.filters == filters and logging.getLogger("lightning.pytorch").level == level


def test_bad_training_input():
    graphs, ys = synthetic(5)
    with pytest.raises(TgnasError, match="targets"):
        train_predictor(graphs, ys[:3])
    with pytest.raises(TgnasError, match="finite"):
        train_predictor(graphs, np.full(5, np.nan))
    with pytest.raises(TgnasError, match="accelerator 'tpu'.*use auto"):  # no such device here: no traceback
        train_predictor(graphs, ys, TrainConfig(epochs=1, accelerator="tpu"))
    with pytest.raises(TgnasError, match="devices must be a positive integer"):
        TrainConfig(devices=0)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("epochs", 0, "epochs must be a positive integer"),
        ("epochs", 2.5, "epochs must be a positive integer"),
        ("batch_size", 0, "batch_size must be a positive integer"),
        ("ensemble", 0, "ensemble must be a positive integer"),
        ("lr", -1e-3, "lr must be positive"),
        ("rank_weight", -1.0, "rank_weight must be >= 0"),
        ("text_noise", float("nan"), "text_noise must be >= 0"),
        ("text_dropout", 1.5, r"text_dropout must be in \[0, 1\]"),
        ("val_fraction", 1.0, r"val_fraction must be in \[0, 0.5\]"),
        ("unseen_prior_weight", -0.1, r"unseen_prior_weight must be in \[0, 1\]"),
        ("group_power", -1.0, "group_power must be >= 0"),
    ],
)
def test_train_config_refuses_values_that_cannot_train(field, value, message):
    TrainConfig()  # the defaults are valid
    with pytest.raises(TgnasError, match=message):
        TrainConfig(**{field: value})


@pytest.mark.filterwarnings("ignore:You are trying to")
def test_text_dropout_one_hides_every_text():
    # with text_dropout = 1 the loss cannot depend on the operators' texts, only on structure and cost
    graphs, ys = synthetic(16)
    data = GraphFeaturizer(default_embedder()).data_list(graphs, ys)
    config = GCNConfig(in_dim=data[0].x.shape[1], hidden=16, layers=2, dropout=0.0)
    module = PredictorModule(TrainConfig(text_dropout=1.0), config, float(ys.mean()), float(ys.std()))
    from torch_geometric.data import Batch

    batch = Batch.from_data_list(data)
    other = batch.clone()
    other.x[:, :384] = torch.randn_like(other.x[:, :384])  # other texts, same structure
    x_before, other_before = batch.x, other.x.clone()
    torch.manual_seed(0)
    loss = module.training_step(batch, 0)
    torch.manual_seed(0)
    assert torch.allclose(loss, module.training_step(other, 0))
    assert torch.equal(batch.x[:, 384:], x_before[:, 384:]) and batch.x[:, :384].abs().sum() == 0
    assert x_before[:, :384].abs().sum() > 0  # the step zeroes a copy: the collated features are intact
    assert not torch.equal(other_before, other.x)


def test_schedule_follows_the_label_budget():
    from tgnas.predictor.config import schedule_for

    scarce, mid, many = schedule_for(156), schedule_for(1000), schedule_for(7812)
    assert (scarce.epochs, scarce.batch_size, scarce.val_fraction) == (300, 16, 0.0)
    assert (mid.epochs, mid.batch_size, mid.val_fraction) == (200, 64, 0.1) and mid == TrainConfig()
    assert (many.epochs, many.batch_size) == (60, 128) and schedule_for(156, seed=4).seed == 4
    with pytest.raises(TgnasError, match="at least 2 labels"):
        schedule_for(1)


def test_train_config_round_trips_through_its_card_form():
    config = TrainConfig(model=GCNConfig(hidden=16, features="v2"), epochs=7, group_power=0.5)
    assert TrainConfig(**config.to_dict()) == config
