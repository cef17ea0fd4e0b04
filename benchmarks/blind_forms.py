r"""NAS-Bench-101 cells and Accel-NASBench networks in wordings written blind: scored as given?

Usage: ``.venv/bin/python benchmarks/blind_forms.py [--every 4]``

Every wording here (:data:`NB101_WORDINGS`, :data:`ANB_LAYERS`) was written at stop 32 after that stop's
reading rules, committed, and then measured once; none was used to choose anything. Two more rows draw an
Accel-NASBench network's residual connections (:func:`tgnas.protocols.crossspace.with_residuals`: as edges,
and as nodes that add); they were measured once at stop 32 (0.544 and 0.417, every 20th network), led to
reading them (:mod:`tgnas.spaces.anb_read`), and are not blind since; so is the MnasNet paper's notation
(``SepConv (k3x3), 16``, ``MBConv6 (k5x5), SE, 40, /2``), added at stop 33 with the reading of ``SepConv``
as a layer without expansion. :data:`ANB_BLOCKS` write a network one node per block (stop 33): two with
the reading of a number of layers, two after it was committed (``table`` then led to MobileNetV2's ``t`` /
``n`` and is no longer blind). The shipped universal
checkpoint trained on every labelled NAS-Bench-101 cell and Accel-NASBench network, so their labels would
measure nothing new; this measures agreement: Kendall tau between the scores of the architectures as their
spaces give them and as operator graphs without costs in these words, one call for all graphs and one graph
per call, and the largest absolute difference (``benchmarks/code_forms.py`` does the same for code).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tgnas.opgraph import OpGraph
from tgnas.protocols.crossspace import with_residuals
from tgnas.spaces.anb import IN_CHANNELS, OUT_CHANNELS, STRIDES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_forms import agreement_table, chain  # noqa: E402 (a sibling script)

NB101_WORDINGS = {
    "paper": {
        "conv3x3-bn-relu": ("3x3 conv", "3×3 convolution, batch normalisation, ReLU"),
        "conv1x1-bn-relu": ("1x1 conv", "1×1 convolution, batch normalisation, ReLU"),
        "maxpool3x3": ("3x3 max-pool", "3×3 max pooling, stride 1"),
        "output": ("out", "concatenation of the cell's vertices, plus the projected input"),
    },
    "keras": {
        "conv3x3-bn-relu": (
            "Conv3",
            "layers.Conv2D(filters, 3, padding='same') -> BatchNormalization -> ReLU",
        ),
        "conv1x1-bn-relu": ("Conv1", "layers.Conv2D(filters, 1) -> BatchNormalization -> ReLU"),
        "maxpool3x3": ("Pool", "layers.MaxPooling2D(pool_size=3, strides=1, padding='same')"),
        "output": ("Concatenate", "layers.Concatenate() of the vertex outputs"),
    },
    "prose": {
        "conv3x3-bn-relu": (
            "spatial",
            "a convolution looking at each pixel and its eight neighbours, then normalisation "
            "and a rectifier",
        ),
        "conv1x1-bn-relu": ("mixing", "per-pixel channel mixing by a learned matrix, normalised, rectified"),
        "maxpool3x3": ("pool", "keeps the strongest activation in each small square window, no weights"),
        "output": ("cell output", "the cell's result, gathering the last vertices"),
    },
    # written at stop 33 after that stop's rules were committed, measured once
    "tf-slim (stop 33)": {
        "conv3x3-bn-relu": ("conv3x3", "slim.conv2d(net, C, [3, 3]) with batch_norm and relu"),
        "conv1x1-bn-relu": ("conv1x1", "slim.conv2d(net, C, [1, 1]) with batch_norm and relu"),
        "maxpool3x3": ("maxpool", "slim.max_pool2d(net, [3, 3], stride=1, padding='SAME')"),
        "output": ("concat", "tf.concat(vertex_outputs, axis=3)"),
    },
    "terse (stop 33)": {
        "conv3x3-bn-relu": ("C3", "3×3 conv-BN-ReLU"),
        "conv1x1-bn-relu": ("C1", "1×1 conv-BN-ReLU"),
        "maxpool3x3": ("MP", "3×3 max pool, stride 1"),
        "output": ("OUT", "channel-wise concatenation"),
    },
}


def _anb_mnas(e: int, k: int, se: bool, c_in: int, c_out: int, s: int) -> str:
    return f"MBConv{e}_{k}x{k}{'_SE' if se else ''} (in {c_in}, out {c_out}, s{s})"


def _anb_inverted(e: int, k: int, se: bool, c_in: int, c_out: int, s: int) -> str:
    return (
        f"inverted residual, t={e}, {k}x{k} depthwise, {'SE ratio 0.25' if se else 'no SE'}, "
        f"{c_in}→{c_out} channels, stride {s}"
    )


def _anb_paper(e: int, k: int, se: bool, c_in: int, c_out: int, s: int) -> str:
    kind = "SepConv" if e == 1 else f"MBConv{e}"
    return f"{kind} (k{k}x{k}){', SE' if se else ''}, {c_out}{', /2' if s == 2 else ''}"


def _anb_spec(e: int, k: int, se: bool, c_in: int, c_out: int, s: int) -> str:
    return (
        f"expansion={e}x, dw {k}x{k}, stride={s}, squeeze-excite={'yes' if se else 'no'}, "
        f"channels {c_in}→{c_out}"
    )


def _anb_sentence(e: int, k: int, se: bool, c_in: int, c_out: int, s: int) -> str:
    return (
        f"An inverted residual block expanding the {c_in} input channels by a factor of {e}, using a "
        f"{k}-by-{k} depthwise filter{' with stride two' if s == 2 else ''}, "
        f"{'followed by' if se else 'without'} a squeeze-excitation module, and projecting to {c_out} "
        "channels"
    )


def _anb_yaml(e: int, k: int, se: bool, c_in: int, c_out: int, s: int) -> str:
    se_flag = str(se).lower()
    return (
        f"- {{type: mbconv, expand: {e}, kernel: {k}, stride: {s}, se: {se_flag}, in: {c_in}, out: {c_out}}}"
    )


def _anb_call(e: int, k: int, se: bool, c_in: int, c_out: int, s: int) -> str:
    return f"IRB(expand={e}, k={k}, se={se}, c_in={c_in}, c_out={c_out}, stride={s})"


ANB_LAYERS: dict[str, tuple[str, Callable[..., str], str]] = {  # name -> (stem, layer text, head)
    "mnas": ("Conv3x3 s2, 32", _anb_mnas, "Conv1x1 1280, pool, FC 1000"),
    "inverted": (
        "stem: 3×3 convolution, stride 2, 32 channels, BN, swish",
        _anb_inverted,
        "head: 1×1 convolution to 1280 channels, global average pooling, 1000-way classifier",
    ),
    "call": ("Stem(out=32, k=3, stride=2)", _anb_call, "Head(c=1280, classes=1000)"),
    "MnasNet paper (stop 33, not blind)": ("Conv3x3", _anb_paper, "Pooling, FC"),
    # written at stop 33 after that stop's reading rules were committed, measured once
    "spec (stop 33)": ("conv 3x3 s2 -> 32", _anb_spec, "conv 1x1 -> 1280, avgpool, linear 1000"),
    "sentence (stop 33)": (
        "A strided 3-by-3 convolution turns the image into 32 channels",
        _anb_sentence,
        "A pointwise convolution to 1280 channels, global pooling and a linear classifier",
    ),
    "yaml (stop 33)": ("- {type: stem, out: 32}", _anb_yaml, "- {type: head, out: 1280}"),
}


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


def _block_stage(b: int, x, c_in: int, c_out: int, s: int) -> str:
    return (
        f"stage {b + 1}: {x.layers} x MBConv{x.expansion} k{x.kernel}x{x.kernel}{' SE' if x.se else ''}, "
        f"{c_in} -> {c_out} channels, stride {s}"
    )


def _block_keys(b: int, x, c_in: int, c_out: int, s: int) -> str:
    return f"block{b}: e={x.expansion}, k={x.kernel}, l={x.layers}, se={x.se}"


def _block_table(b: int, x, c_in: int, c_out: int, s: int) -> str:
    return f"bottleneck | t {x.expansion} | c {c_out} | n {x.layers} | s {s} | k {x.kernel} | se {int(x.se)}"


def _block_sentence(b: int, x, c_in: int, c_out: int, s: int) -> str:
    return (
        f"Block {b + 1} stacks {_WORDS[x.layers]} MBConv{x.expansion} layers with {x.kernel}x{x.kernel} "
        f"depthwise kernels{' and squeeze-excitation' if x.se else ''}, ending at {c_out} channels"
    )


# one node per block (stop 33): the first two were written with the reading of a number of layers, the last
# two after it was committed, measured once (``table``, read badly, then led to reading ``t 6`` / ``n 3``)
ANB_BLOCKS: dict[str, Callable[..., str]] = {
    "blocks: stages (not blind)": _block_stage,
    "blocks: benchmark keys, no widths (not blind)": _block_keys,
    "blocks: table (blind until measured)": _block_table,
    "blocks: sentence": _block_sentence,
}


def anb_blocks(arch, block: Callable[..., str]) -> OpGraph:
    texts = ["stem: conv 3x3, stride 2, 32 channels"]
    for b, x in enumerate(arch.blocks):
        texts.append(block(b, x, IN_CHANNELS[b], OUT_CHANNELS[b], STRIDES[b]))
    return chain([*texts, "head: conv 1x1 to 1280, pooling, classifier"])


def nb101_graph(graph: OpGraph, wording: dict) -> OpGraph:
    ops = tuple(wording[o][0] if o in wording and o != "output" else o for o in graph.ops)
    texts = tuple(wording[o][1] if o in wording else None for o in graph.ops)
    return OpGraph(ops, graph.edges, texts)


def anb_graph(arch, stem: str, layer: Callable[..., str], head: str) -> OpGraph:
    texts = [stem]
    for b, block in enumerate(arch.blocks):
        for i in range(block.layers):
            first = i == 0
            c_in, stride = (IN_CHANNELS[b], STRIDES[b]) if first else (OUT_CHANNELS[b], 1)
            texts.append(layer(block.expansion, block.kernel, block.se, c_in, OUT_CHANNELS[b], stride))
    return chain([*texts, head])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=4, help="judge every k-th Accel-NASBench network")
    args = parser.parse_args()
    nb101 = {name: partial(nb101_graph, wording=w) for name, w in NB101_WORDINGS.items()}
    anb = {name: partial(anb_graph, stem=st, layer=la, head=he) for name, (st, la, he) in ANB_LAYERS.items()}
    anb |= {name: partial(anb_blocks, block=block) for name, block in ANB_BLOCKS.items()}
    anb["residual edges"] = with_residuals
    anb["residual additions"] = partial(with_residuals, adds=True, name="Add", text="residual addition")
    agreement_table(nb101, anb, args.every)


if __name__ == "__main__":
    main()
