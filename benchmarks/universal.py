"""Cross-space predictor benchmark: the universal (multi-space) predictor's protocols, one row each.

Usage: ``.venv/bin/python benchmarks/universal.py [--rows d,e,f,b,ship] [--seeds 0,1,2] [--json FILE]``

Every row trains the ``--recipe`` of :data:`tgnas.predictor.config.RECIPES` (default: the shipped ensemble;
seeded) and judges labels it never
trained on, against validation accuracy (the only label NAS-Bench-101 and Accel-NASBench have; NAS-Bench-201
too, for one convention), beside the graph's total parameters and FLOPs on the same architectures.

- (d) leave one space out: train on two of nb201 / nb101 / anb, judge every labelled row of the third;
  ``dz``: the same models on the rows whose proxy values ``benchmarks/proxies.py`` kept, beside the
  chosen proxy aggregate alone and with the proxies (:data:`ENSEMBLE_POOL`) as members beside it.
- (e) few labels in a new space: the other two spaces plus 50 or 200 seeded rows of the target, judged on
  the rest of the target (NAS-Bench-101: the rows whose cell, up to isomorphism, is not among them), read
  (an Accel-NASBench network: the mean over the space's wordings) and as the GCN alone (the graph as the
  space gives it, template 0); each target also reworded (:data:`REWORDED_FORMS`, ``devK``):
  NAS-Bench-101 cells without costs as generic graphs, in the :data:`REWORDED_NB101` wording (its own
  output text, or generic ends) and in each :data:`DEV_NB101` wording, end nodes as the space gives them
  or generic (how a cell of a space sharing operator families with NAS-Bench-201 is read; the forms of
  :data:`ALONE_FORMS` also one graph per call, as ``tgnas.score(arch)`` scores them);
  Accel-NASBench networks in the space's other templates and in each :data:`DEV_ANB` wording, with and
  without costs (how layer texts stating their numbers are read).
- (f) robustness: the universal recipe on its shipped rows (per seed), judged on the NAS-Bench-201 cells
  it never trained on, as the space gives them, as generic graphs without costs, renamed and reworded
  (names and texts of :data:`REWORDED`, no word naming an operator as training texts do; no costs), and
  reworded and unpruned; the same with the earlier reported wordings, :data:`REWORDED_1` to
  :data:`REWORDED_6` (``reworded-1`` to ``reworded-6``).
- (b) unseen operator: NAS-Bench-201 cells without avg_pool_3x3 (3,000 seeded) plus nb101 and anb, judged
  on every NAS-Bench-201 cell with avg_pool_3x3 (NAS-Bench-101 has max pooling).
- select: how the recipe was chosen (``--set`` overrides recipe fields, ``--views`` the views): a smaller
  training set (1,500 NAS-Bench-201 cells, 1,500 Accel-NASBench rows, all NAS-Bench-101 rows) judged on
  every fifth NAS-Bench-201 cell outside it as given, without costs and with the :data:`SELECT`
  rewording (kept apart from :data:`REWORDED`, which chooses nothing), and on every third Accel-NASBench
  row outside it.
- ship: trains ``checkpoints/universal.pt`` (seed 0) and prints its training seconds.

NAS-Bench-201 training rows are capped at 3,000 per seed in every row, nb101 uses its 500 labelled rows
(292 distinct cells) and anb its 4,138.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import time
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from tgnas.aggregate import aggregate
from tgnas.benchmarks import get_benchmark
from tgnas.networks.anb import layers as anb_layers
from tgnas.opgraph import OpGraph
from tgnas.paths import checkpoint_dir
from tgnas.predictor.config import RECIPES, UNIVERSAL_VIEWS, GCNConfig
from tgnas.predictor.multispace import default_rows, shipped_rows, train_on_spaces
from tgnas.predictor.predictor import load_checkpoint
from tgnas.protocols.crossspace import GCNAlone, judge, represent, rows_without
from tgnas.spaces import get_space
from tgnas.spaces.anb import to_graph as anb_graph
from tgnas.spaces.anb_text import TEMPLATES as ANB_TEMPLATES
from tgnas.spaces.nb201 import to_graph as nb201_graph

SPACES = ("nb201", "nb101", "anb")
NB201_ROWS = 3000
# (f): operator names and texts written for this benchmark only. REWORDED is the reported one: written at
# stop 27 after REWORDED_6 was measured, before the reading rules it is judged with were changed, and never
# read while changing them; none of its words names an operator the way training descriptions do (zero,
# identity, skip, conv, pool, average, mean, kernel, filter, 1x1, ...). REWORDED_1 (new names, texts sharing
# some training words), REWORDED_2 (no word any training description uses), REWORDED_3 (the reported one at
# stop 25), REWORDED_4 (written at the start of stop 26), REWORDED_5 (the reported one at stop 26) and
# REWORDED_6 (written at the start of stop 27) came first; each was seen once its figure was measured, kept
# for comparison
REWORDED = {
    "none": ("void", "this path is disconnected; the successor node gets no signal through it"),
    "skip_connect": ("bypass", "the tensor goes straight through to the successor, untransformed"),
    "nor_conv_1x1": (
        "chanproj",
        "a ReLU, then a trainable projection that mixes the channels at each pixel separately, then "
        "batch norm",
    ),
    "nor_conv_3x3": (
        "spatialmix",
        "a ReLU, then a trainable stencil spanning each pixel's 3 by 3 surroundings, then batch norm",
    ),
    "avg_pool_3x3": (
        "localblur",
        "no parameters: every pixel is replaced by the typical value of its 3 by 3 surroundings",
    ),
}
REWORDED_6 = {
    "none": (
        "gap",
        "there is no link along this edge; downstream it counts as a blank tensor of nothing but 0s",
    ),
    "skip_connect": (
        "relay",
        "forwards the incoming tensor to the next node as it is, with no arithmetic at all",
    ),
    "nor_conv_1x1": (
        "pixelmix",
        "ReLU-style clipping, then learned coefficients recombining the channels of each single location, "
        "then batch-wise standardising",
    ),
    "nor_conv_3x3": (
        "tilemix",
        "ReLU-style clipping, then learned coefficients spanning a three-by-three block of neighbouring "
        "locations, then batch-wise standardising",
    ),
    "avg_pool_3x3": (
        "tileblend",
        "each location is swapped for the even-handed blend of the three-by-three block around it, with no "
        "learned coefficients",
    ),
}
REWORDED_5 = {
    "none": ("dead_end", "the edge is dropped from the cell; the next node receives an empty contribution"),
    "skip_connect": ("wire", "a bare wire from one node to the next: no computation, output equals input"),
    "nor_conv_1x1": (
        "chanmixer",
        "rectifier, then a dense layer applied independently at every pixel across the channels, then "
        "normalisation over the mini-batch",
    ),
    "nor_conv_3x3": (
        "areamixer",
        "rectifier, then learned weights slid over every 3-pixel-wide square of the map, then normalisation "
        "over the mini-batch",
    ),
    "avg_pool_3x3": (
        "boxblur",
        "replaces each pixel with the equal-weight blend of the 3-pixel-wide square around it; nothing is "
        "learned",
    ),
}
REWORDED_4 = {
    "none": (
        "sever",
        "the link is cut, so downstream it contributes a tensor in which every entry is nought",
    ),
    "skip_connect": ("courier", "delivers its input onward with every value left exactly as it was"),
    "nor_conv_1x1": (
        "depthblend",
        "clamps negatives to nought, recombines the channels found at each single location through a "
        "trainable matrix, then standardises with batch statistics",
    ),
    "nor_conv_3x3": (
        "patchblend",
        "clamps negatives to nought, forms each output from trainable weights applied to a location and its "
        "eight bordering locations, then standardises with batch statistics",
    ),
    "avg_pool_3x3": (
        "tilesmooth",
        "each output is the sum of the nine values in the little square it centres on, divided by nine; no "
        "trainable parts",
    ),
}
REWORDED_3 = {
    "none": ("vanish", "this branch passes on an all-naught tensor, so the successor learns nothing from it"),
    "skip_connect": ("mirror", "emits precisely the tensor it was fed"),
    "nor_conv_1x1": (
        "chanblend",
        "activation, then a learnable linear remap of each position's feature vector, then batch statistics "
        "rescaling",
    ),
    "nor_conv_3x3": (
        "localmix",
        "activation, then a learnable weighting of every position together with its adjacent ones, "
        "then batch statistics rescaling",
    ),
    "avg_pool_3x3": (
        "softspot",
        "swaps every position's value for the sum over a tiny surrounding square divided by its size",
    ),
}
REWORDED_2 = {
    "none": ("blackout", "a blank tie: whatever arrives is multiplied away"),
    "skip_connect": ("relay", "gives back what it receives verbatim, untouched by arithmetic"),
    "nor_conv_1x1": (
        "planemix",
        "rectify, then a per-position dense recombination of the depth slices, then renormalise",
    ),
    "nor_conv_3x3": ("stencil", "rectify, then sweep a tunable nine-tap box, then renormalise"),
    "avg_pool_3x3": ("meanblur", "every value becomes the unweighted arithmetic blend of a nine-entry tile"),
}
REWORDED_1 = {
    "none": ("zeroize", "severed wire: emits nothing at all"),
    "skip_connect": ("passthrough", "hands its tensor onward untouched"),
    "nor_conv_1x1": ("pointwise_mixer", "per-pixel linear projection across feature planes after rectifying"),
    "nor_conv_3x3": ("spatial_filter", "learned square stencil of width three over neighbouring pixels"),
    "avg_pool_3x3": ("blur", "neighbourhood mean, smoothing the planes, weightless"),
}


# select: a rewording for choosing the recipe, apart from the reported one
SELECT = {
    "none": ("nothing", "no connection between the two nodes, outputs zero"),
    "skip_connect": ("identity", "identity mapping that returns its input"),
    "nor_conv_1x1": ("conv1", "ReLU then convolution with a single-pixel kernel then BN"),
    "nor_conv_3x3": ("conv3", "ReLU, conv with a 3-by-3 window, batchnorm"),
    "avg_pool_3x3": ("meanpool", "average over each 3-by-3 patch, stride one"),
}
# reading: wordings for choosing how new texts are read (tgnas.predictor.resolve: floor, margin, names);
# written apart from the paraphrases it reads them with, and apart from REWORDED, which chooses nothing
DEV = {
    "none": (
        ("disconnect", "this edge is switched off and carries no signal"),
        ("void", "dead link, contributes a tensor of zeros"),
        ("nil", "absent operation"),
        ("cut", "the two nodes are not joined"),
        ("zero", "torch.zeros_like(x)"),
        ("null_op", "the zero operation, which removes the edge from the cell"),
        ("z", "zero"),
        ("drop_edge", "send nothing along this edge"),
        ("mute", "layers.Lambda(lambda x: 0 * x)"),
        ("silence", "this path is silenced entirely"),
        ("erase", "wipes the signal, the successor receives blanks"),
        ("ZERO_OP", "Zero op"),
    ),
    "skip_connect": (
        ("bypass", "copies the incoming activations to the next node as they are"),
        ("copy", "no-op link that forwards features unchanged"),
        ("shortcut", "direct connection, nothing computed"),
        ("forward", "residual bypass"),
        ("id", "nn.Identity()"),
        ("id_map", "an identity mapping as in residual networks"),
        ("s", "skip"),
        ("pass", "pass the features straight through"),
        ("keep", "layers.Lambda(lambda x: x)"),
        ("echo", "returns exactly what came in"),
        ("carry", "the signal travels over without being altered"),
        ("IDENTITY_OP", "Identity op"),
    ),
    "nor_conv_1x1": (
        ("channel_mix", "channel mixing with a one-pixel kernel, after a rectifier, normalised"),
        ("proj", "1x1 kernel conv"),
        ("pw", "point-wise convolution mixing channels"),
        ("mix1", "unit-size kernel convolution that recombines feature channels"),
        ("conv1x1", "nn.Sequential(nn.ReLU(), nn.Conv2d(C, C, kernel_size=1), nn.BatchNorm2d(C))"),
        ("bottleneck", "a 1×1 convolution preceded by a rectified linear unit and followed by batch norm"),
        ("c1", "conv 1"),
        ("pointwise", "mix the channels at each pixel with a tiny one by one filter"),
        ("dense1", "keras.Sequential([layers.ReLU(), layers.Conv2D(C, 1), layers.BatchNormalization()])"),
        ("chanmix", "rectifier, per-location weighted sum over the channel stack, normaliser"),
        ("depthmix", "recombines the stacked maps location by location with tuned coefficients"),
        ("CONV1X1_OP", "ReLU-Conv1x1-BN"),
    ),
    "nor_conv_3x3": (
        ("conv_small", "a convolution looking at a small square region around each location, ReLU and BN"),
        ("local3", "3x3 kernel conv"),
        ("k3", "spatial convolution with a three-wide kernel"),
        ("filter3", "trainable local filter covering the eight neighbours of each position"),
        ("conv3x3", "nn.Sequential(nn.ReLU(), nn.Conv2d(C, C, kernel_size=3, padding=1), nn.BatchNorm2d(C))"),
        ("standard_conv", "a ReLU-Conv-BN triplet with a 3×3 receptive field"),
        ("c3", "conv 3"),
        ("neighbourhood_conv", "filter each pixel with its immediate neighbours using learned weights"),
        (
            "dense3",
            "keras.Sequential([layers.ReLU(), layers.Conv2D(C, 3, padding='same'), "
            "layers.BatchNormalization()])",
        ),
        ("ringconv", "rectifier, tunable kernel spanning a pixel and its ring of eight, normaliser"),
        ("areamix", "mixes each location with the locations bordering it, using fitted coefficients"),
        ("CONV3X3_OP", "ReLU-Conv3x3-BN"),
    ),
    "avg_pool_3x3": (
        ("mean_pool", "takes the mean of every small window, has no weights"),
        ("avg", "average pool"),
        ("smooth", "parameter-free local averaging over a three by three window"),
        ("average", "mean filter over the surrounding positions"),
        ("avgpool", "nn.AvgPool2d(3, stride=1, padding=1)"),
        ("avg_pooling", "average pooling over a 3×3 neighbourhood with unit stride"),
        ("p", "avgpool 3"),
        ("local_mean", "replace each value by the average of its three by three neighbourhood"),
        ("avg2d", "layers.AveragePooling2D(3, strides=1, padding='same')"),
        ("boxavg", "replaces each entry with the mean of its 3-wide box, nothing to learn"),
        ("flatten_out", "evens out local peaks by averaging each spot with those bordering it"),
        ("AVGPOOL_OP", "AvgPool3x3"),
    ),
}
# reading, Accel-NASBench: two layer / stem / head wordings of its networks (numbers in digits, in words)
_W = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
DEV_ANB = (
    (
        lambda x: (
            f"inverted bottleneck: widen x{x.expansion}, {x.kernel}x{x.kernel} depthwise, stride {x.stride}, "
            f"{'SE on' if x.se else 'SE off'}, {x.c_in} to {x.c_out} ch"
        ),
        "3x3 stride-2 convolution on the RGB input, 32 filters",
        "1x1 conv to 1280, average pool, dense softmax classifier",
    ),
    (
        lambda x: (
            f"MobileNetV2 block (expansion {_W[x.expansion]}, kernel {_W[x.kernel]}, "
            f"{'downsampling' if x.stride == 2 else 'same resolution'}, "
            f"{'with' if x.se else 'without'} channel attention) producing {x.c_out} channels"
        ),
        "opening convolution layer over the image",
        "pooling and fully connected output layer",
    ),
)
# (e), NAS-Bench-101 target: two wordings of its operations, for how a reworded cell of a space whose
# operations share families with NAS-Bench-201's is read (written for choosing, like DEV)
DEV_NB101 = (
    {
        "conv3x3-bn-relu": ("c3", "3x3 convolution followed by batch norm and ReLU"),
        "conv1x1-bn-relu": ("c1", "1x1 convolution followed by batch norm and ReLU"),
        "maxpool3x3": ("mp", "3x3 max pooling"),
    },
    {
        "conv3x3-bn-relu": (
            "spatial",
            "learned 3-by-3 filter bank, then batch statistics normalisation and rectification",
        ),
        "conv1x1-bn-relu": (
            "pointwise",
            "per-pixel channel mixing with learned weights, normalised, rectified",
        ),
        "maxpool3x3": ("peak", "keeps the largest value in each 3 by 3 neighbourhood"),
    },
)
# (e), NAS-Bench-101 target: the reported rewording of its cells (operations and output), written at stop 29
# before its cells were read back into the space's graphs, and never used to choose anything; no word names
# an operation the way its training texts do (conv, convolution, pool, max, 1x1, concatenat...)
REWORDED_NB101 = {
    "conv3x3-bn-relu": (
        "neighbourhood",
        "a trainable stencil over each pixel's 3 by 3 surroundings, followed by batch statistics "
        "normalisation and a ReLU",
    ),
    "conv1x1-bn-relu": (
        "chanmix",
        "a trainable projection mixing channels at each pixel on its own, then batch norm and a ReLU",
    ),
    "maxpool3x3": (
        "localpeak",
        "no parameters: each pixel takes the largest value found in its 3 by 3 surroundings",
    ),
}
REWORDED_NB101_OUTPUT = "joins what its predecessors send by stacking them along the channel axis"
# texts about no operator of the bank: what the floor must keep out
OFFTOPIC = (
    "multi-head self attention over all tokens",
    "a lookup table of word embeddings",
    "recurrent LSTM cell with forget gate",
    "the learning rate schedule",
    "a random string qwerty",
    "graph attention between nodes",
    "dropout with probability one half",
    "softmax over the class logits",
    "positional encoding added to tokens",
    "a mixture of experts router",
)
OVERRIDES: dict = {}  # --set (fields of TrainConfig or of its GCNConfig)
RECIPE = ["ensemble"]  # --recipe: a key of tgnas.predictor.config.RECIPES (ship always trains the ensemble)
GCN_FIELDS = {f.name for f in fields(GCNConfig)}
TARGETS_E = ["nb101", "anb"]  # --e-targets
SIZES_E = [200, 50]  # --e-sizes
VIEW_COUNT = [UNIVERSAL_VIEWS]  # --views


def rows_for(space: str, seed: int, exclude=()) -> list[int]:
    return default_rows(space, NB201_ROWS if space == "nb201" else None, seed, exclude)


_TRAINED: dict = {}  # (rows, seed) -> (predictor, seconds): ship and f share one training per seed
MODELS: list[Path | None] = [None]  # --models: a folder keeping each trained predictor, reused when present


def train(rows: dict, seed: int):
    model = {k: v for k, v in OVERRIDES.items() if k in GCN_FIELDS}
    rest = {k: v for k, v in OVERRIDES.items() if k not in GCN_FIELDS}
    configs = [replace(c.with_model(**model), seed=seed, **rest) for c in RECIPES[RECIPE[0]]]
    key = json.dumps([rows, [c.to_dict() for c in configs], VIEW_COUNT[0]], sort_keys=True)
    if key not in _TRAINED:
        kept = MODELS[0] and MODELS[0] / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.pt"
        if kept and kept.exists():
            pred = load_checkpoint(str(kept))
            _TRAINED[key] = (pred, float(pred.card["training_seconds"]))
        else:
            start = time.perf_counter()
            result = train_on_spaces(rows, configs, VIEW_COUNT[0])
            _TRAINED[key] = (result.predictor, time.perf_counter() - start)
            if kept:
                kept.parent.mkdir(parents=True, exist_ok=True)
                result.predictor.save(kept)
    return _TRAINED[key]


LEFT_D = list(SPACES)  # --d-left: the spaces (d) leaves out, one at a time


def rows_d(seed: int):
    for left in LEFT_D:
        pred, secs = train({s: rows_for(s, seed) for s in SPACES if s != left}, seed)
        target = list(range(len(get_benchmark(left))))
        for how, scorer in (("", pred), (", GCN alone", GCNAlone(pred))):
            yield {
                "row": f"d: leave {left} out{how}",
                "seed": seed,
                "train_s": secs,
                **judge(scorer, left, target),
            }


# (d) beside the zero-cost proxies: the proxy pool of the earlier experiment (docs/universal.md, fixed before
# it ran: AZ-NAS's four, T-CET, ZiCo, SWAP; the predictor weighs twice their number, as tgnas.score's
# ensemble does) and the aggregate benchmarks/proxies.py chose (its CHOSEN pool, log-rank), alone
ENSEMBLE_POOL = ("expressivity", "progressivity", "trainability", "complexity", "tcet", "zico", "swap")
CHOSEN_POOL = (*ENSEMBLE_POOL[:5], "tcet_snip", *ENSEMBLE_POOL[5:])


def kept_proxies(space: str) -> tuple[list[int], dict[str, np.ndarray]]:
    """The rows ``benchmarks/proxies.py`` sampled for ``space`` (seed 0, sorted) and the proxy values it kept
    for them (``benchmarks/results/proxies_<space>_values.json.gz``; a failed value as ``-inf``)."""
    path = Path(__file__).parent / "results" / f"proxies_{space}_values.json.gz"
    with gzip.open(path, "rt") as f:
        kept = json.load(f)
    bench, sp = get_benchmark(space), get_space(space)
    n = len(kept["architectures"])
    idx = np.sort(np.random.default_rng(0).choice(len(bench), size=n, replace=False))
    strings = bench.arch_strings()
    if [sp.format(sp.parse(strings[i])) for i in idx] != kept["architectures"]:
        raise SystemExit(f"{path} holds another sample of rows; rerun benchmarks/proxies.py")
    values = {p: np.array([-np.inf if x is None else x for x in v]) for p, v in kept["values"].items()}
    return [int(i) for i in idx], values


class BesideProxies:
    """Scores of a graph list aligned with kept proxy values: their log-rank aggregate over ``pool``, with the
    predictor as one more member of weight ``2 x len(pool)`` where there is one."""

    def __init__(self, predictor, values: dict[str, np.ndarray], pool) -> None:
        self.predictor, self.values, self.pool = predictor, values, pool

    def score_graphs(self, graphs):
        members = {n: self.values[n] for n in self.pool}
        if self.predictor is None:
            return aggregate(members)
        members["predictor"] = self.predictor.score_graphs(graphs)
        return aggregate(members, weights={"predictor": 2.0 * len(self.pool)})


def rows_dz(seed: int):
    """(d) on the proxy benchmark's rows of the left-out space: the predictor, the chosen proxy aggregate
    alone, and the predictor with the :data:`ENSEMBLE_POOL` proxies (zero-shot all three)."""
    for left in LEFT_D:
        pred, secs = train({s: rows_for(s, seed) for s in SPACES if s != left}, seed)
        rows, values = kept_proxies(left)
        for how, scorer in (
            ("", pred),
            (", chosen proxies alone", BesideProxies(None, values, CHOSEN_POOL)),
            (", with proxies", BesideProxies(pred, values, ENSEMBLE_POOL)),
        ):
            row = f"d: leave {left} out{how} (proxy rows)"
            yield {"row": row, "seed": seed, "train_s": secs, **judge(scorer, left, rows)}


def unseen_rows(space: str, trained: list[int]) -> list[int]:
    """The rows of ``space`` whose architecture (up to isomorphism) no trained row has: NAS-Bench-101's file
    holds several seeds' labels of some cells, and those must not be judged against their own twin."""
    bench, sp = get_benchmark(space), get_space(space)
    strings = bench.arch_strings()
    seen = {sp.canonical(sp.parse(strings[i])) for i in trained}
    return [i for i in rows_without(space, trained) if sp.canonical(sp.parse(strings[i])) not in seen]


def rows_e(seed: int):
    for n in SIZES_E:
        for target in TARGETS_E:
            few = default_rows(target, n, seed + 1000)
            rows = {s: rows_for(s, seed) for s in SPACES if s != target} | {target: few}
            pred, secs = train(rows, seed)
            judged = unseen_rows(target, few)
            for how, scorer in (("", pred), (", GCN alone", GCNAlone(pred))):
                res = judge(scorer, target, judged)
                yield {"row": f"e: {target} + {n} labels{how}", "seed": seed, "train_s": secs, **res}
            for name, form in reworded(target, judged).items():
                res = judge(pred, target, judged, form)
                yield {"row": f"e: {target} + {n} labels, {name}", "seed": seed, "train_s": secs, **res}
                if name in ALONE_FORMS.get(target, ()):
                    res = judge(OneAtATime(pred), target, judged, form)
                    row = f"e: {target} + {n} labels, {name}, one at a time"
                    yield {"row": row, "seed": seed, "train_s": secs, **res}


def _nb101_forms(sp, archs) -> dict[str, list[OpGraph]]:
    graphs = [sp.to_graph(a) for a in archs]
    reworded = [represent(g, "reworded", REWORDED_NB101) for g in graphs]
    forms = {
        "generic": [represent(g, "generic") for g in graphs],
        "reworded": [OpGraph(g.ops, g.edges, (*g.texts[:-1], REWORDED_NB101_OUTPUT)) for g in reworded],
        "reworded, generic ends": reworded,
    }
    for k, words in enumerate(DEV_NB101):
        forms[f"dev{k}"] = [represent(g, "reworded", words, keep_ends=True) for g in graphs]
        forms[f"dev{k}, generic ends"] = [represent(g, "reworded", words) for g in graphs]
    return forms


def _anb_forms(sp, archs) -> dict[str, list[OpGraph]]:
    forms = {f"template {t}": [anb_graph(a, template=t) for a in archs] for t in range(1, ANB_TEMPLATES)}
    for k, (layer_text, stem, head) in enumerate(DEV_ANB):
        graphs = []
        for a in archs:
            g = sp.to_graph(a)
            texts = (None, stem, *(layer_text(x) for x in anb_layers(a, 224)), head, None)
            graphs.append(OpGraph(g.ops, g.edges, texts, g.costs))
        forms[f"dev{k}"] = graphs
        forms[f"dev{k}, no costs"] = [OpGraph(g.ops, g.edges, g.texts) for g in graphs]
    return forms


# (e)'s reworded forms of a target: NAS-Bench-101 cells as generic graphs (no costs), in the REWORDED_NB101
# wording with its output text or generic ends, and in each DEV_NB101 wording without costs, end nodes as
# given or generic; Accel-NASBench networks in the space's other wordings (templates 1-3, with costs)
# and in each DEV_ANB wording, with and without costs
REWORDED_FORMS = {"nb101": _nb101_forms, "anb": _anb_forms}
# forms also scored one graph per call, as `tgnas.score(arch)` scores them (nothing else in the call says
# which space a graph is from)
ALONE_FORMS = {"nb101": ("generic", "reworded", "reworded, generic ends", "dev0, generic ends")}


def reworded(space: str, rows: list[int]) -> dict[str, list[OpGraph]]:
    """The :data:`REWORDED_FORMS` of ``space``'s ``rows`` (none for a space without any)."""
    if space not in REWORDED_FORMS:
        return {}
    bench, sp = get_benchmark(space), get_space(space)
    return REWORDED_FORMS[space](sp, [sp.parse(bench.arch_strings()[i]) for i in rows])


class OneAtATime:
    """A predictor scoring each graph in a call of its own."""

    def __init__(self, predictor) -> None:
        self.predictor = predictor

    def score_graphs(self, graphs):
        return np.concatenate([self.predictor.score_graphs([g]) for g in graphs])



SHIPPED = [False]  # --shipped: (f) for seed 0 judges checkpoints/universal.pt instead of retraining it


def rows_f(seed: int):
    rows = shipped_rows(seed)
    if SHIPPED[0] and seed == 0:
        pred = load_checkpoint("universal")
        secs = float(pred.card["training_seconds"])
        if pred.card["split"]["rows"] != rows:
            raise SystemExit("checkpoints/universal.pt was not trained on the shipped rows of seed 0")
    else:
        pred, secs = train(rows, seed)
    bench, space = get_benchmark("nb201"), get_space("nb201")
    judged = rows_without("nb201", rows["nb201"])
    archs = [space.parse(bench.arch_strings()[i]) for i in judged]
    pruned, unpruned = [space.to_graph(a) for a in archs], [nb201_graph(a, prune=False) for a in archs]
    forms = {
        "given": pruned,
        "generic, no costs": [represent(g, "generic") for g in pruned],
        "reworded, no costs": [represent(g, "reworded", REWORDED) for g in pruned],
        "reworded, unpruned": [represent(g, "reworded", REWORDED) for g in unpruned],
        "reworded-6, no costs": [represent(g, "reworded", REWORDED_6) for g in pruned],
        "reworded-6, unpruned": [represent(g, "reworded", REWORDED_6) for g in unpruned],
        "reworded-5, no costs": [represent(g, "reworded", REWORDED_5) for g in pruned],
        "reworded-5, unpruned": [represent(g, "reworded", REWORDED_5) for g in unpruned],
        "reworded-4, no costs": [represent(g, "reworded", REWORDED_4) for g in pruned],
        "reworded-4, unpruned": [represent(g, "reworded", REWORDED_4) for g in unpruned],
        "reworded-3, no costs": [represent(g, "reworded", REWORDED_3) for g in pruned],
        "reworded-3, unpruned": [represent(g, "reworded", REWORDED_3) for g in unpruned],
        "reworded-1, no costs": [represent(g, "reworded", REWORDED_1) for g in pruned],
        "reworded-1, unpruned": [represent(g, "reworded", REWORDED_1) for g in unpruned],
        "reworded-2, no costs": [represent(g, "reworded", REWORDED_2) for g in pruned],
        "reworded-2, unpruned": [represent(g, "reworded", REWORDED_2) for g in unpruned],
    }
    for name, graphs in forms.items():
        for how, scorer in (("", pred), (", GCN alone", GCNAlone(pred))):
            if name == "given" and how:
                continue  # a given graph has costs and training texts: nothing to read or impute
            yield {
                "row": f"f: nb201 {name}{how}",
                "seed": seed,
                "train_s": secs,
                **judge(scorer, "nb201", judged, graphs),
            }


def rows_reading(seed: int):
    """The shipped checkpoint (seed 0) on the NAS-Bench-201 cells outside its rows, in each DEV wording,
    read and as the GCN alone; on Accel-NASBench and NAS-Bench-101 rows it trained on, in their reworded
    forms (NAS-Bench-101's also one graph per call); then how each off-topic text is read (a line each, not a
    row)."""
    if seed != 0:
        return
    pred = load_checkpoint("universal")
    judged = rows_without("nb201", pred.card["split"]["rows"]["nb201"])
    bench, space = get_benchmark("nb201"), get_space("nb201")
    archs = [space.parse(bench.arch_strings()[i]) for i in judged]
    for k in range(len(DEV["none"])):
        rename = {op: texts[k] for op, texts in DEV.items()}
        for form, graphs in (
            ("", [represent(space.to_graph(a), "reworded", rename) for a in archs]),
            (", unpruned", [represent(nb201_graph(a, prune=False), "reworded", rename) for a in archs]),
        ):
            for how, scorer in (("", pred), (", GCN alone", GCNAlone(pred))):
                yield {
                    "row": f"reading: nb201 dev{k}{form}{how}",
                    "seed": 0,
                    "train_s": float(pred.card["training_seconds"]),
                    **judge(scorer, "nb201", judged, graphs),
                }
    rows = list(range(len(get_benchmark("anb"))))[::2]  # in the shipped checkpoint's training rows
    anb = get_space("anb")
    for k, (layer_text, stem, head) in enumerate(DEV_ANB):
        graphs = []
        for i in rows:
            arch = anb.parse(get_benchmark("anb").arch_strings()[i])
            g = anb.to_graph(arch)
            texts = (None, stem, *(layer_text(x) for x in anb_layers(arch, 224)), head, None)
            graphs.append(OpGraph(g.ops, g.edges, texts, g.costs))
        for form, gs in (("", graphs), (", no costs", [OpGraph(g.ops, g.edges, g.texts) for g in graphs])):
            for how, scorer in (("", pred), (", GCN alone", GCNAlone(pred))):
                yield {
                    "row": f"reading: anb dev{k}{form}{how} (training rows)",
                    "seed": 0,
                    "train_s": float(pred.card["training_seconds"]),
                    **judge(scorer, "anb", rows, gs),
                }
    rows = list(range(len(get_benchmark("nb101"))))  # every one in the shipped checkpoint's training rows
    for name, graphs in reworded("nb101", rows).items():
        for how, scorer in (
            ("", pred),
            (", one at a time", OneAtATime(pred)),
            (", GCN alone", GCNAlone(pred)),
        ):
            yield {
                "row": f"reading: nb101 {name}{how} (training rows)",
                "seed": 0,
                "train_s": float(pred.card["training_seconds"]),
                **judge(scorer, "nb101", rows, graphs),
            }
    for text in OFFTOPIC:
        (r,) = pred.resolver.read([("layer", text)])
        print(f"off-topic {text!r}: family {r.family}, match {r.match:.2f}, margin {r.margin:.2f}")


def rows_b(seed: int):
    bench = get_benchmark("nb201")
    uses = np.array(["avg_pool_3x3" in s for s in bench.arch_strings()])
    pool = np.flatnonzero(~uses)
    nb201 = sorted(np.random.default_rng(seed).permutation(pool)[:NB201_ROWS].tolist())
    pred, secs = train({"nb201": nb201, "nb101": rows_for("nb101", seed), "anb": rows_for("anb", seed)}, seed)
    yield {
        "row": "b: avg_pool_3x3 unseen",
        "seed": seed,
        "train_s": secs,
        **judge(pred, "nb201", np.flatnonzero(uses).tolist()),
    }


def rows_select(seed: int):
    rows = {
        "nb201": default_rows("nb201", 1500, seed),
        "nb101": default_rows("nb101", None, seed),
        "anb": default_rows("anb", 1500, seed),
    }
    pred, secs = train(rows, seed)
    bench, space = get_benchmark("nb201"), get_space("nb201")
    judged = rows_without("nb201", rows["nb201"])[::5]
    archs = [space.parse(bench.arch_strings()[i]) for i in judged]
    forms = {
        "given": [space.to_graph(a) for a in archs],
        "generic, no costs": [represent(space.to_graph(a), "generic") for a in archs],
        "select-reworded": [represent(space.to_graph(a), "reworded", SELECT) for a in archs],
        "select-reworded, unpruned": [
            represent(nb201_graph(a, prune=False), "reworded", SELECT) for a in archs
        ],
    }
    tag = json.dumps({**OVERRIDES, "views": VIEW_COUNT[0]}, sort_keys=True)
    for name, graphs in forms.items():
        yield {
            "row": f"select {tag}: nb201 {name}",
            "seed": seed,
            "train_s": secs,
            **judge(pred, "nb201", judged, graphs),
        }
    anb = rows_without("anb", rows["anb"])[::3]
    yield {"row": f"select {tag}: anb", "seed": seed, "train_s": secs, **judge(pred, "anb", anb)}


def ship(seed: int):
    RECIPE[0] = "ensemble"  # what ships, whatever --recipe says
    pred, secs = train(shipped_rows(0), 0)  # always seed 0
    out = checkpoint_dir() / "universal.pt"
    pred.card["name"] = "universal"
    pred.save(out)
    yield {"row": "ship", "seed": 0, "train_s": secs, "path": str(out)}


ROWS = {
    "d": rows_d,
    "dz": rows_dz,
    "e": rows_e,
    "f": rows_f,
    "b": rows_b,
    "select": rows_select,
    "reading": rows_reading,
    "ship": ship,
}


def markdown(path: str, reading: bool = False) -> str:
    """A Markdown table of the rows in a ``--json`` file: per row the mean over seeds (each seed listed);
    the protocol rows, or with ``reading`` the ``reading`` rows (how new wordings are read)."""
    rows: dict[str, list[dict]] = {}
    for line in Path(path).read_text().splitlines():
        r = json.loads(line)
        if "tau" in r and r["row"].startswith("reading:") == reading:
            recipe = r.get("recipe", "mixed")  # rows from before recipes were recorded are the mixed recipe's
            rows.setdefault(f"{r['row']} [{recipe}]", []).append(r)
    out = [
        "| row | judged | seeds | Kendall tau (per seed) | Spearman | params tau | FLOPs tau | vs test acc "
        "| train s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, rs in rows.items():
        rs = sorted(rs, key=lambda r: r["seed"])
        taus = " / ".join(f"{r['tau']:.3f}" for r in rs)
        keys = ("tau", "spearman", "params_tau", "flops_tau", "train_s")
        m = {k: float(np.mean([r[k] for r in rs])) for k in keys}
        test = "-"
        if all("test_tau" in r for r in rs):
            t, tp = (float(np.mean([r[k] for r in rs])) for k in ("test_tau", "test_params_tau"))
            test = f"{t:.3f} (params {tp:.3f})"
        out.append(
            f"| {name} | {rs[0]['n']} | {len(rs)} | **{m['tau']:.3f}** ({taus}) | {m['spearman']:.3f} | "
            f"{m['params_tau']:.3f} | {m['flops_tau']:.3f} | {test} | {m['train_s']:.0f} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="d,e,f,b")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--json", default=None, help="append each row as a JSON line to this file")
    parser.add_argument("--markdown", default=None, help="print the table of a --json file and stop")
    parser.add_argument("--set", default="{}", help='recipe overrides as JSON, e.g. {"cost_dropout": 0.5}')
    parser.add_argument("--views", type=int, default=UNIVERSAL_VIEWS, help="views per architecture")
    parser.add_argument("--d-left", default=",".join(SPACES), help="(d): the spaces left out, one at a time")
    parser.add_argument("--e-targets", default="nb101,anb", help="(e): the target spaces")
    parser.add_argument("--e-sizes", default="200,50", help="(e): labelled rows of the target")
    parser.add_argument(
        "--shipped",
        action="store_true",
        help="(f), seed 0: judge checkpoints/universal.pt, do not retrain it",
    )
    parser.add_argument("--models", default=None, help="keep each trained predictor in this folder; reuse it")
    parser.add_argument("--recipe", default="ensemble", choices=sorted(RECIPES), help="what the rows train")
    args = parser.parse_args()
    RECIPE[0] = args.recipe
    SHIPPED[0] = args.shipped
    MODELS[0] = Path(args.models) if args.models else None
    TARGETS_E[:] = args.e_targets.split(",")
    LEFT_D[:] = args.d_left.split(",")
    SIZES_E[:] = [int(n) for n in args.e_sizes.split(",")]
    OVERRIDES.update(json.loads(args.set))
    VIEW_COUNT[0] = args.views
    if args.markdown:
        print(markdown(args.markdown) + "\n\nHow new wordings are read:\n\n" + markdown(args.markdown, True))
        return
    for name in args.rows.split(","):
        if name not in ROWS:
            parser.error(f"unknown row {name!r}; choose from {', '.join(ROWS)}")
    for seed in [int(s) for s in args.seeds.split(",")]:
        for name in args.rows.split(","):
            for r in ROWS[name](seed):
                r = {"row": r.pop("row"), "recipe": RECIPE[0], **r}
                line = " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items())
                print(line, flush=True)
                if args.json:
                    with Path(args.json).open("a") as f:
                        f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
