import json

import numpy as np
import pytest
import torch

import tgnas
from tgnas.errors import DataError, TgnasError
from tgnas.predictor.evaluate import evaluate_predictor
from tgnas.predictor.predictor import DEFAULT_NAME, load_predictor, resolve_checkpoint
from tgnas.spaces import get_space
from tgnas.spaces.nb201 import parse

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
WORST = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"


@pytest.fixture(scope="module")
def shipped():
    return tgnas.load_predictor()


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
    assert np.array_equal(a, tgnas.load_predictor().score_graphs(graphs))


def test_evaluation_excludes_the_training_split(shipped, nb201_bench):
    train = sorted(shipped.training_indices())
    unseen_low = [i for i in range(200) if i not in set(train)]
    ev = evaluate_predictor(shipped, nb201_bench, "cifar10", indices=np.array(train[:50] + unseen_low))
    assert ev.excluded == 50 and ev.report.n == len(unseen_low)
    shipped_no_card = type(shipped)(shipped.models, shipped.embedder, shipped.y_mean, shipped.y_std, {})
    with pytest.raises(TgnasError, match="training split"):
        evaluate_predictor(shipped_no_card, nb201_bench)


def test_missing_corrupt_and_mismatched_checkpoints(tmp_path, shipped):
    with pytest.raises(DataError, match="not found"):
        load_predictor(tmp_path / "nope.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"\x00not a torch file")
    with pytest.raises(DataError, match="corrupt"):
        load_predictor(bad)
    with pytest.raises(TgnasError, match="is a folder"):
        shipped.save(tmp_path)  # would have written tmp_path.pt beside the folder
    path, _ = shipped.save(tmp_path / "copy.pt")
    blob = torch.load(path, weights_only=True)
    blob["features"]["dim"] = 768
    torch.save(blob, tmp_path / "wide.pt")
    with pytest.raises(DataError, match="768-d embeddings"):
        load_predictor(tmp_path / "wide.pt")
    blob["format"] = "something-else"
    torch.save(blob, tmp_path / "other.pt")
    with pytest.raises(DataError, match="not a tgnas predictor"):
        load_predictor(tmp_path / "other.pt")


def test_save_load_round_trip(tmp_path, shipped):
    path, card = shipped.save(tmp_path / "rt")
    again = load_predictor(path)
    g = [get_space("nb201").to_graph(parse(BEST))]
    assert np.array_equal(again.score_graphs(g), shipped.score_graphs(g)) and again.card == shipped.card


def test_scores_do_not_depend_on_how_graphs_are_chunked():
    import numpy as np

    from tgnas.predictor.predictor import load_predictor
    from tgnas.spaces import get_space

    space, rng = get_space("nb201"), np.random.default_rng(5)
    graphs = [space.to_graph(space.sample(rng)) for _ in range(40)]
    p = load_predictor()
    np.testing.assert_allclose(p.score_graphs(graphs), p.score_graphs(graphs, max_nodes=9), rtol=1e-5)


@pytest.mark.parametrize("device", ["nope", "meta"] + ([] if torch.cuda.is_available() else ["cuda"]))
def test_load_onto_a_device_this_machine_lacks(device):
    with pytest.raises(TgnasError, match="device|meta"):
        load_predictor(None, device)
