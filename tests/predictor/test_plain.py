"""The plain-torch inference model equals the PyG training model, and scoring never imports PyG."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from tgnas.predictor.config import GCNConfig
from tgnas.predictor.model import GCNPredictor
from tgnas.predictor.plain import PlainGCN
from tgnas.predictor.predictor import load_checkpoint
from tgnas.spaces import get_space

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


@pytest.mark.parametrize("name", ["nb201_cifar10_half", "universal", "nb201_traced_1000"])
def test_plain_model_equals_the_pyg_model_on_every_nb201_cell(name, nb201_bench):
    predictor = load_checkpoint(name)
    plain = predictor.models[0]
    assert isinstance(plain, PlainGCN)
    pyg = GCNPredictor(plain.config).eval()
    pyg.load_state_dict(plain.state_dict())
    space = get_space("nb201")
    graphs = [space.to_graph(space.parse(s)) for s in nb201_bench.arch_strings()]
    with torch.inference_mode():
        for start in range(0, len(graphs), 4000):
            b = predictor.featurizer.batch(graphs[start : start + 4000])
            want = pyg(b.x, b.edge_index, b.batch).numpy()
            got = plain(b.x, b.edge_index, b.batch).numpy()
            np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)


@pytest.mark.parametrize("readout", ["mean", "sum", "max", "output", "virtual"])
@pytest.mark.parametrize(
    "features, global_cost, cost_path", [("v1", True, "mlp"), ("v2", True, "linear"), ("v1", False, "mlp")]
)
def test_plain_model_equals_the_pyg_model_for_every_readout(readout, features, global_cost, cost_path):
    from tgnas.embed import default_embedder
    from tgnas.predictor.features import GraphFeaturizer

    featurizer = GraphFeaturizer(default_embedder(), features)
    config = GCNConfig(
        in_dim=featurizer.num_features,
        hidden=16,
        layers=2,
        readout=readout,
        features=features,
        global_cost=global_cost,
        cost_path=cost_path,
        direction="forward" if readout == "sum" else "both",
    )
    torch.manual_seed(0)
    pyg = GCNPredictor(config).eval()
    plain = PlainGCN(config).eval()
    plain.load_state_dict(pyg.state_dict())
    space, rng = get_space("nb201"), np.random.default_rng(0)
    b = featurizer.batch([space.to_graph(space.sample(rng)) for _ in range(30)])
    with torch.inference_mode():
        np.testing.assert_allclose(
            plain(b.x, b.edge_index, b.batch).numpy(), pyg(b.x, b.edge_index, b.batch).numpy(), atol=1e-5
        )


def test_scoring_does_not_import_torch_geometric_lightning_or_transformers():
    mods = "('torch_geometric', 'lightning', 'transformers')"
    heavy = f"print('MODS:' + ','.join(m for m in {mods} if m in sys.modules))"
    api = (
        "import sys, tgnas; p = tgnas.load_predictor(); "
        f"p.score({BEST!r}); p.score('e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2')\n" + heavy
    )
    cli = (
        f"import sys\nfrom tgnas.cli import main\nsys.argv = ['tgnas', 'score', {BEST!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n" + heavy
    )
    for code in (api, cli):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == "MODS:", done.stdout
