"""Fine-tuning a multi-space predictor: replayed rows, member configs, weights kept, the card's chain."""

import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from tgnas.errors import TgnasError
from tgnas.predictor.config import FineTuneConfig, GCNConfig, TrainConfig
from tgnas.predictor.finetune import finetune, member_configs, own_digests, replay_rows, trained_rows
from tgnas.predictor.multispace import train_on_spaces
from tgnas.predictor.own import read_own_labels
from tgnas.predictor.train import train_predictor

TINY = TrainConfig(
    model=GCNConfig(features="v2", global_cost=True, cost_path="prior", hidden=8, layers=1),
    epochs=1,
    val_fraction=0.2,
)
ROWS = {"nb201": list(range(0, 15625, 500)), "nb101": list(range(30))}


@pytest.fixture(scope="module")
def base():
    """A two-member multi-space predictor on a few rows of NAS-Bench-201 and NAS-Bench-101."""
    return train_on_spaces(ROWS, [TINY, replace(TINY, group_power=0.5)], views=1).predictor


def own_file(tmp_path):
    """Five labelled NAS-Bench-101 specs, in one group."""
    chains = ["conv3x3-bn-relu", "maxpool3x3", "conv1x1-bn-relu"]
    lines = []
    for k, (a, b) in enumerate([(x, y) for x in chains for y in chains][:5]):
        spec = {
            "matrix": [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
            "ops": ["input", a, b, "output"],
        }
        lines.append(json.dumps({"arch": spec, "accuracy": 90.0 - k}))
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return read_own_labels(path.read_text().splitlines(), str(path))


def test_replay_rows_are_a_seeded_subset_of_at_most_r_rows_per_space():
    rows = {"nb201": list(range(100)), "nb101": [3, 5, 7]}
    got = replay_rows(rows, 10, seed=4)
    assert [len(r) for r in got.values()] == [10, 3] and got["nb101"] == [3, 5, 7]
    assert set(got["nb201"]) <= set(rows["nb201"]) and got["nb201"] == sorted(got["nb201"])
    assert got == replay_rows(rows, 10, seed=4) and got != replay_rows(rows, 10, seed=5)
    assert replay_rows(rows, 0, seed=4) == {}


def test_member_configs_keep_each_members_recipe_with_the_fine_tuning_schedule(base):
    configs = member_configs(base.card, FineTuneConfig(epochs=3, lr=1e-4, seed=2), 50, progress=False)
    assert [c.group_power for c in configs] == [None, 0.5]
    assert {(c.epochs, c.lr, c.seed) for c in configs} == {(3, 1e-4, 2)}
    assert configs[0].model.features == "v2" and configs[0].cost_dropout == TINY.cost_dropout
    assert {c.epochs for c in member_configs(base.card, FineTuneConfig(), 50)} == {800}  # E(50)


@pytest.mark.parametrize(
    "changes, message",
    [({"epochs": 0}, "epochs must be an integer >= 1"), ({"replay": -1}, "replay"), ({"lr": 0.0}, "lr")],
)
def test_fine_tune_config_rejects_bad_values(changes, message):
    with pytest.raises(TgnasError, match=message):
        FineTuneConfig(**changes)


@pytest.mark.parametrize("n, epochs", [(200, 200), (1000, 200), (100, 400), (50, 800), (30, 800), (133, 301)])
def test_a_small_set_fine_tunes_for_more_epochs_up_to_a_cap(n, epochs):
    assert FineTuneConfig().epochs_for(n) == epochs  # the steps of 200 epochs of 200, up to 800 epochs
    assert FineTuneConfig(epochs=7).epochs_for(n) == 7  # given epochs are kept


def test_a_one_space_predictor_cannot_be_fine_tuned():
    with pytest.raises(TgnasError, match="starts from a multi-space predictor.*half is a cross-dataset one"):
        trained_rows({"protocol": "cross-dataset", "split": {"train": [1]}}, "half")
    assert trained_rows({"protocol": "multi-space", "split": {"rows": ROWS}}) == ROWS


def test_fine_tuning_starts_from_the_weights_and_records_its_chain(base, tmp_path):
    own = own_file(tmp_path)
    config = FineTuneConfig(epochs=1, replay=8, seed=1)
    tuned = finetune(base, own, config, "tiny.pt", progress=False).predictor
    card = tuned.card
    assert len(tuned.models) == 2 and [m["group_power"] for m in card["members"]] == [None, 0.5]
    # the fixed cost term keeps the base's slope; the other weights moved from the base's, not from scratch
    for old, new in zip(base.models, tuned.models, strict=True):
        assert torch.equal(old.cost_linear.weight, new.cost_linear.weight)
        moved = [float((new.state_dict()[k] - v).abs().max()) for k, v in old.state_dict().items()]
        assert 0 < max(moved) < 0.1
    assert card["split"]["rows"] == ROWS  # what the weights have seen
    assert {s: len(r) for s, r in card["replay"]["rows"].items()} == {"nb201": 8, "nb101": 8}
    assert all(set(r) <= set(ROWS[s]) for s, r in card["replay"]["rows"].items())
    assert set(card["group_scaling"]) == {"nb201/cifar10/valid", "nb101/cifar10/valid", "own/own"}
    assert card["fine_tuned_from"]["checkpoint"] == "tiny.pt" and card["space"] == "nb201+nb101+own"
    assert card["fine_tune"] == {"epochs": 1, "lr": config.lr, "replay": 8, "seed": 1, "graphs_read": 0}
    assert set(base.card["training_texts"]) <= set(card["training_texts"])
    assert (tuned.y_mean, tuned.y_std) == (0.0, 1.0) and card["cost_slope"] == pytest.approx(
        base.card["cost_slope"]
    )
    assert own_digests(card) == {own.sha256}
    # fine-tuned again: the chain keeps both files
    again = finetune(tuned, replace(own, sha256="0" * 64), replace(config, replay=0), progress=False)
    assert own_digests(again.predictor.card) == {own.sha256, "0" * 64}
    assert again.predictor.card["replay"]["rows"] == {}
    scores = again.predictor.score_graphs([r.graph for r in own.records])
    assert np.isfinite(scores).all()


def test_initial_weights_must_fit_the_members(base):
    with pytest.raises(TgnasError, match="starts 1 ensemble member.* from 2 trained GCN"):
        train_predictor(_graphs(), [1.0, 2.0, 3.0], TINY, init=base.models)
    with pytest.raises(TgnasError, match="another GCN"):
        train_predictor(_graphs(), [1.0, 2.0, 3.0], TINY.with_model(hidden=16), init=base.models[:1])


def _graphs():
    from tgnas.spaces import get_space

    nb101 = get_space("nb101")
    return [nb101.to_graph(nb101.sample(np.random.default_rng(k))) for k in range(3)]


def test_graphs_train_as_the_base_reads_them(base):
    from tgnas.embed import paraphrases
    from tgnas.predictor.finetune import read_as

    def chain(op, text):
        nodes = [{"op": "input"}, {"op": op, "text": text}, {"op": "output"}]
        return {"nodes": nodes, "edges": [[0, 1], [1, 2]]}

    known = chain("blur", paraphrases("nor_conv_3x3")[0])  # another wording of a known operator
    new = chain("qgate", "entangles two qubits with a controlled phase gate")  # nothing tgnas knows
    spec = {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}  # a space's architecture: kept
    lines = [json.dumps({"arch": a, "accuracy": 80.0 + k}) for k, a in enumerate([known, new, spec])]
    own = read_own_labels(lines, "mine.jsonl")
    read, changed = read_as(base, own)
    assert changed == 1 and read.records[1:] == own.records[1:]
    assert read.records[0].graph.texts != own.records[0].graph.texts
    assert base.resolver.resolve([own.records[0].graph])[0][0] == read.records[0].graph
