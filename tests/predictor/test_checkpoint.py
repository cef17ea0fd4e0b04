import json
import shutil

import numpy as np
import pytest
import torch

from tgnas.errors import DataError, TgnasError
from tgnas.predictor.predictor import DEFAULT_NAME, load_checkpoint, resolve_checkpoint, sha256_of
from tgnas.protocols.judge import evaluate_predictor
from tgnas.spaces import get_space
from tgnas.spaces.nb201 import parse

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
WORST = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"


@pytest.fixture(scope="module")
def shipped():
    return load_checkpoint()


def test_shipped_checkpoint_and_card(shipped):
    card = json.loads(resolve_checkpoint(None).with_suffix(".json").read_text())
    assert resolve_checkpoint(None).name == f"{DEFAULT_NAME}.pt"
    assert card["space"] == "nb201" and card["train_dataset"] == "cifar10"
    assert card["protocol"] == "cross-dataset"
    train = set(card["split"]["train"]) | set(card["split"]["val"])
    assert len(train) == 7812 and shipped.training_indices() == train
    assert card["evaluation"]["cifar10"]["n"] == 15625 - 7812
    assert card["evaluation"]["cifar10"]["kendall_tau"] > 0.5
    assert shipped.device == torch.device("cpu")


def test_deterministic_prediction(shipped):
    space = get_space("nb201")
    graphs = [space.to_graph(parse(s)) for s in (BEST, WORST)]
    a, b = shipped.score_graphs(graphs), shipped.score_graphs(graphs[::-1])[::-1]
    assert np.array_equal(a, b)
    assert a[0] > a[1] + 10  # an all-conv cell is far better than a cell that computes nothing
    assert np.array_equal(a, load_checkpoint().score_graphs(graphs))


def test_evaluation_excludes_the_training_split(shipped, nb201_bench):
    train = sorted(shipped.training_indices())
    unseen_low = [i for i in range(200) if i not in set(train)]
    ev = evaluate_predictor(shipped, nb201_bench, "cifar10", indices=np.array(train[:50] + unseen_low))
    assert ev.excluded == 50 and ev.report.n == len(unseen_low)
    shipped_no_card = type(shipped)(shipped.models, shipped.embedder, shipped.y_mean, shipped.y_std, {})
    with pytest.raises(TgnasError, match="training split"):
        evaluate_predictor(shipped_no_card, nb201_bench)


def _write(blob, card: dict, path):
    """A weights file and a card that belongs to it."""
    torch.save(blob, path)
    path.with_suffix(".json").write_text(json.dumps(card | {"weights_sha256": sha256_of(path)}))
    return path


def test_missing_corrupt_and_mismatched_checkpoints(tmp_path, shipped):
    with pytest.raises(DataError, match="not found"):
        load_checkpoint(tmp_path / "nope.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"\x00not a torch file")
    with pytest.raises(DataError, match="corrupt"):
        load_checkpoint(bad)
    with pytest.raises(TgnasError, match="is a folder"):
        shipped.save(tmp_path)  # would have written tmp_path.pt beside the folder
    path, _ = shipped.save(tmp_path / "copy.pt")
    blob = torch.load(path, weights_only=True)
    blob["features"]["dim"] = 768
    with pytest.raises(DataError, match="768-d embeddings"):
        load_checkpoint(_write(blob, shipped.card, tmp_path / "wide.pt"))
    del blob["features"]
    with pytest.raises(DataError, match="incomplete or malformed.*features"):
        load_checkpoint(_write(blob, shipped.card, tmp_path / "nokey.pt"))
    blob["format"] = "something-else"
    with pytest.raises(DataError, match="not a tgnas predictor"):
        load_checkpoint(_write(blob, shipped.card, tmp_path / "other.pt"))


def test_a_checkpoint_needs_its_own_card(tmp_path, shipped):
    path, card = shipped.save(tmp_path / "a.pt")
    card.unlink()
    with pytest.raises(DataError, match="card .* is missing"):
        load_checkpoint(path)
    path, card = shipped.save(tmp_path / "a.pt")
    other = load_checkpoint("nb201_cifar10_156")
    shutil.copy(resolve_checkpoint("nb201_cifar10_156").with_suffix(".json"), card)  # another one's card
    with pytest.raises(DataError, match="belongs to other weights"):
        load_checkpoint(path)
    assert other.card["weights_sha256"] != shipped.card["weights_sha256"]
    card.write_bytes(b"\xff\xfe not utf-8 {")
    with pytest.raises(DataError, match="corrupt"):
        load_checkpoint(path)
    card.write_text(json.dumps({"hyperparameters": {}}))  # no hash recorded
    with pytest.raises(DataError, match="SHA-256"):
        load_checkpoint(path)


def test_save_writes_exactly_the_path_it_is_given(tmp_path, shipped):
    with pytest.raises(TgnasError, match="ends in .pt"):
        shipped.save(tmp_path / "notes.txt")
    assert not (tmp_path / "notes.pt").exists()
    (tmp_path / "notes.json").write_text('{"my": "notes"}')
    with pytest.raises(TgnasError, match="not a tgnas predictor card"):
        shipped.save(tmp_path / "notes.pt")
    assert (tmp_path / "notes.json").read_text() == '{"my": "notes"}' and not (tmp_path / "notes.pt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.json"]  # no temporary file left behind


def test_save_load_round_trip(tmp_path, shipped):
    path, card = shipped.save(tmp_path / "rt.pt")
    again = load_checkpoint(path)
    g = [get_space("nb201").to_graph(parse(BEST))]
    assert np.array_equal(again.score_graphs(g), shipped.score_graphs(g)) and again.card == shipped.card
    assert again.card["weights_sha256"] == sha256_of(path)


def test_scores_do_not_depend_on_how_graphs_are_chunked():
    import numpy as np

    from tgnas.predictor.predictor import load_checkpoint
    from tgnas.spaces import get_space

    space, rng = get_space("nb201"), np.random.default_rng(5)
    graphs = [space.to_graph(space.sample(rng)) for _ in range(40)]
    p = load_checkpoint()
    np.testing.assert_allclose(p.score_graphs(graphs), p.score_graphs(graphs, max_nodes=9), rtol=1e-5)


def test_equal_graphs_score_alike_whether_or_not_they_share_cost_mappings(shipped):
    """Scoring dedupes graphs by their cost mappings' identity: equal graphs built apart score the same."""
    from dataclasses import replace

    g = get_space("nb201").to_graph(parse(BEST))
    copy = replace(g, costs=tuple(None if c is None else dict(c) for c in g.costs))
    other = get_space("nb201").to_graph(parse(WORST))
    scores = shipped.score_graphs([g, other, copy, g])
    assert copy == g and copy.costs[1] is not g.costs[1]
    assert scores[0] == scores[2] == scores[3] and scores[1] < scores[0]


@pytest.mark.parametrize("device", ["nope", "meta"] + ([] if torch.cuda.is_available() else ["cuda"]))
def test_load_onto_a_device_this_machine_lacks(device):
    with pytest.raises(TgnasError, match="device|meta"):
        load_checkpoint(None, device)
