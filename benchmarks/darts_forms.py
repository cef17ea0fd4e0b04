r"""Does a DARTS genotype score the same however it is written? (No labels: the agreement of forms.)

Usage: ``.venv/bin/python benchmarks/darts_forms.py [--archs 300] [--seed 1] [--checkpoint universal]``

tgnas has no DARTS / NAS-Bench-301 labels outside ``heldout/`` (which no script reads), so this benchmark
measures no ranking. It measures what a user's own representation of a genotype changes: ``--archs``
genotypes sampled from the DARTS space (seeded) are scored as ``Genotype(...)`` strings (the space's graph
with its costs: the reference) and as operator graphs of the same cells written other ways, each scored
in one call and one graph per call (as ``score(arch)`` scores). Each row prints Kendall tau between the
form's scores and the reference's (1.0: the form changes no order) and the largest absolute difference,
beside tau between the reference and the graph's parameter count.

Forms: ``generic`` (operator names only, no texts, no costs), ``dev`` (``DEV_DARTS``: new names and texts,
no costs; written for choosing how new texts are read), ``reworded`` (``REWORDED_DARTS``: new names and
texts, no costs; written before the reading rules it is judged with were changed, and never used to choose
them), ``reworded-2`` (``REWORDED_DARTS_2``: another, code-like wording written after those rules and
never used to choose one), ``reworded-3`` (``REWORDED_DARTS_3``: written after ``reworded-2`` was
measured, never used to choose anything), ``reworded-4`` (``REWORDED_DARTS_4``: written at stop 32,
after that stop's rules, never used to choose anything) and ``reworded-5`` (``REWORDED_DARTS_5``: written
at stop 33, after that stop's rules, measured once: 0.954, its dilated convolutions' receptive fields read
as second kernel sizes; with a receptive field's size no kernel's, 1.000, no longer blind).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np

import tgnas
from tgnas.evaluation import kendall_tau
from tgnas.opgraph import OpGraph
from tgnas.spaces import get_space

DEV_DARTS = {
    "sep_conv_3x3": (
        "sepconv3",
        "two rounds of a per-channel 3 by 3 filter followed by a channel-mixing pointwise filter, each "
        "with normalisation",
    ),
    "sep_conv_5x5": (
        "sepconv5",
        "two rounds of a per-channel 5 by 5 filter followed by a channel-mixing pointwise filter, each "
        "with normalisation",
    ),
    "dil_conv_3x3": (
        "dilconv3",
        "a per-channel 3 by 3 filter with gaps of one pixel between taps, then a pointwise filter",
    ),
    "dil_conv_5x5": (
        "dilconv5",
        "a per-channel 5 by 5 filter with gaps of one pixel between taps, then a pointwise filter",
    ),
    "max_pool_3x3": ("maxpool", "takes the biggest value in every 3 by 3 window"),
    "avg_pool_3x3": ("avgpool", "takes the mean of every 3 by 3 window, nothing learned"),
    "skip_connect": ("identity", "hands its input on untouched"),
    "concat": ("cat", "joins the intermediate feature maps of the cell along the channel axis"),
}
REWORDED_DARTS = {
    "sep_conv_3x3": (
        "SepConv3",
        "depthwise-separable block applied twice: a three-by-three spatial filter per channel, then a "
        "one-by-one projection, with batch normalisation",
    ),
    "sep_conv_5x5": (
        "SepConv5",
        "depthwise-separable block applied twice: a five-by-five spatial filter per channel, then a "
        "one-by-one projection, with batch normalisation",
    ),
    "dil_conv_3x3": (
        "DilConv3",
        "atrous depthwise 3x3 filter (dilation rate two) followed by a pointwise projection and batch "
        "normalisation",
    ),
    "dil_conv_5x5": (
        "DilConv5",
        "atrous depthwise 5x5 filter (dilation rate two) followed by a pointwise projection and batch "
        "normalisation",
    ),
    "max_pool_3x3": ("MaxPool", "keeps the strongest response in each 3x3 patch, no weights"),
    "avg_pool_3x3": ("AvgPool", "replaces each position by the average over its 3x3 patch, no weights"),
    "skip_connect": ("Identity", "forwards the tensor as it is"),
    "concat": ("Concat", "stacks the cell's intermediate results channel-wise into the cell's output"),
}

# written at stop 31, after every reading rule it is judged with, and never used to choose one
REWORDED_DARTS_2 = {
    "sep_conv_3x3": (
        "sep3x3",
        "ReLU, then a 3x3 depthwise conv and a 1x1 conv with BN, the pair repeated twice (separable)",
    ),
    "sep_conv_5x5": (
        "sep5x5",
        "ReLU, then a 5x5 depthwise conv and a 1x1 conv with BN, the pair repeated twice (separable)",
    ),
    "dil_conv_3x3": ("dil3x3", "ReLU, 3x3 depthwise conv with dilation 2, 1x1 conv, BN"),
    "dil_conv_5x5": ("dil5x5", "ReLU, 5x5 depthwise conv with dilation 2, 1x1 conv, BN"),
    "max_pool_3x3": ("pool_max", "MaxPool2d(kernel_size=3, stride=1, padding=1)"),
    "avg_pool_3x3": ("pool_avg", "AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=False)"),
    "skip_connect": ("skip", "nn.Identity()"),
    "concat": ("cell_out", "torch.cat of the intermediate nodes on dim 1"),
}

# written at stop 31 after ``REWORDED_DARTS_2`` was measured and the one paraphrase it led to was added
REWORDED_DARTS_3 = {
    "sep_conv_3x3": (
        "SeparableConv3",
        "stacked depthwise-separable convolutions, kernel 3, each followed by BN",
    ),
    "sep_conv_5x5": (
        "SeparableConv5",
        "stacked depthwise-separable convolutions, kernel 5, each followed by BN",
    ),
    "dil_conv_3x3": ("DilatedConv3", "dilated separable convolution with a 3x3 receptive kernel, rate 2"),
    "dil_conv_5x5": ("DilatedConv5", "dilated separable convolution with a 5x5 receptive kernel, rate 2"),
    "max_pool_3x3": ("MaxPooling", "3x3 max pooling, stride 1"),
    "avg_pool_3x3": ("AvgPooling", "3x3 average pooling, stride 1"),
    "skip_connect": ("Skip", "identity connection"),
    "concat": ("Concatenate", "channel-wise concatenation of the cell's intermediate outputs"),
}

# written at stop 32 after that stop's reading rules, before being measured; never used to choose anything
REWORDED_DARTS_4 = {
    "sep_conv_3x3": ("SepConv3x3", "ReLU-SepConv(3x3)-BN, applied twice"),
    "sep_conv_5x5": ("SepConv5x5", "ReLU-SepConv(5x5)-BN, applied twice"),
    "dil_conv_3x3": ("DilConv3x3", "ReLU, 3x3 depthwise conv with dilation 2, pointwise conv, BN"),
    "dil_conv_5x5": ("DilConv5x5", "ReLU, 5x5 depthwise conv with dilation 2, pointwise conv, BN"),
    "max_pool_3x3": ("max-pool", "max pooling over 3x3 windows"),
    "avg_pool_3x3": ("avg-pool", "average pooling over 3x3 windows (padding not counted)"),
    "skip_connect": ("identity", "x -> x"),
    "concat": ("cell-out", "torch.cat([s2, s3, s4, s5], dim=1)"),
}

REWORDED_DARTS_5 = {  # written at stop 33, after that stop's rules, before being measured
    "sep_conv_3x3": (
        "separable-3",
        "two stacked blocks of ReLU, a depthwise 3x3 filter, a 1x1 channel mixer and batch norm",
    ),
    "sep_conv_5x5": (
        "separable-5",
        "two stacked blocks of ReLU, a depthwise 5x5 filter, a 1x1 channel mixer and batch norm",
    ),
    "dil_conv_3x3": (
        "dilated-3",
        "ReLU then a 3x3 depthwise filter with holes (dilation rate 2, 5x5 receptive field), a 1x1 mixer, "
        "batch norm",
    ),
    "dil_conv_5x5": (
        "dilated-5",
        "ReLU then a 5x5 depthwise filter with holes (dilation rate 2, 9x9 receptive field), a 1x1 mixer, "
        "batch norm",
    ),
    "max_pool_3x3": ("maxpool", "keeps the largest value in every 3x3 neighbourhood"),
    "avg_pool_3x3": ("avgpool", "replaces each value by the mean of its 3x3 neighbourhood"),
    "skip_connect": ("shortcut", "forwards its input without any computation"),
    "concat": ("cell output", "stacks the four intermediate nodes along the channel axis"),
}


def generic(graph: OpGraph) -> dict:
    """The graph's operator names and edges: no texts, no costs."""
    return {"nodes": [{"op": op} for op in graph.ops], "edges": [list(e) for e in graph.edges]}


def worded(wording: dict[str, tuple[str, str]]) -> Callable[[OpGraph], dict]:
    """The graph with each operation (and inner concatenation) renamed and described by ``wording``."""

    def form(graph: OpGraph) -> dict:
        nodes = [
            {"op": wording[op][0], "text": wording[op][1]} if op in wording else {"op": op}
            for op in graph.ops
        ]
        return {"nodes": nodes, "edges": [list(e) for e in graph.edges]}

    return form


FORMS = {
    "generic": generic,
    "dev": worded(DEV_DARTS),
    "reworded": worded(REWORDED_DARTS),
    "reworded-2": worded(REWORDED_DARTS_2),
    "reworded-3": worded(REWORDED_DARTS_3),
    "reworded-4": worded(REWORDED_DARTS_4),
    "reworded-5": worded(REWORDED_DARTS_5),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint", default=None, help="a checkpoint name (default: the shipped ones)")
    args = parser.parse_args()
    space = get_space("darts")
    rng = np.random.default_rng(args.seed)
    archs = [space.sample(rng) for _ in range(args.archs)]
    graphs = [space.to_graph(a) for a in archs]
    predictor = tgnas.load_predictor(args.checkpoint) if args.checkpoint else tgnas.load_predictor()
    given = predictor.score_many([space.format(a) for a in archs])
    params = np.array([sum(c["params"] for c in g.costs if c) for g in graphs])
    tau = kendall_tau(given, params)
    print(f"{args.archs} DARTS genotypes (seed {args.seed}); tau(given, params) = {tau:.3f}")
    print("| form | tau with given, one call | one graph per call | largest difference |")
    print("|---|---|---|---|")
    for name, form in FORMS.items():
        objs = [form(g) for g in graphs]
        together = predictor.score_many(objs)
        alone = np.array([predictor.score(o) for o in objs])
        diff = float(max(np.abs(together - given).max(), np.abs(alone - given).max()))
        print(
            f"| {name} | {kendall_tau(together, given):.3f} | {kendall_tau(alone, given):.3f} | {diff:.3f} |"
        )


if __name__ == "__main__":
    main()
