r"""NAS-Bench-101 cells and Accel-NASBench networks with their node texts written as code: scored as given?

Usage: ``.venv/bin/python benchmarks/code_forms.py [--every 4]``

The shipped universal checkpoint trained on every labelled NAS-Bench-101 cell and Accel-NASBench network, so
their labels would measure nothing new; this measures agreement instead: Kendall tau between the scores of
the architectures as their spaces give them and as operator graphs without costs whose texts are written as
PyTorch code (:data:`NB101_CODE`, :func:`anb_layer`: written at stop 31 before being measured, never used
to choose anything), one call for all graphs and one graph per call, and the largest absolute difference.
NAS-Bench-101's output node is written twice: with the generic output text, and as code of its own.
(DARTS genotypes in code-like words are ``REWORDED_DARTS_2`` of ``benchmarks/darts_forms.py``.)
"""

from __future__ import annotations

import argparse

import numpy as np

import tgnas
from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau
from tgnas.opgraph import OpGraph
from tgnas.spaces import get_space
from tgnas.spaces.anb import OUT_CHANNELS

NB101_CODE = {
    "conv3x3-bn-relu": (
        "Conv3x3BnRelu",
        "nn.Sequential(nn.Conv2d(C, C, 3, padding=1, bias=False), nn.BatchNorm2d(C), nn.ReLU())",
    ),
    "conv1x1-bn-relu": (
        "Conv1x1BnRelu",
        "nn.Sequential(nn.Conv2d(C, C, 1, bias=False), nn.BatchNorm2d(C), nn.ReLU())",
    ),
    "maxpool3x3": ("MaxPool3x3", "nn.MaxPool2d(3, stride=1, padding=1)"),
}
NB101_OUTPUT = "torch.cat of the vertex outputs on dim 1, plus a 1x1 projection of the cell input"
ANB_STEM = "Conv2d(3, 32, kernel_size=3, stride=2) + BatchNorm2d + SiLU"
ANB_HEAD = "Conv2d(320, 1280, 1) + BatchNorm2d + SiLU, AdaptiveAvgPool2d(1), Linear(1280, 1000)"
ANB_STRIDES = (1, 2, 2, 2, 1, 2, 1)  # the first layer's stride in each block


def anb_layer(expansion: int, kernel: int, se: bool, c_in: int, c_out: int, stride: int) -> str:
    return (
        f"MBConvBlock(in_channels={c_in}, out_channels={c_out}, expand_ratio={expansion}, "
        f"kernel_size={kernel}, stride={stride}, se_ratio={0.25 if se else 0.0})"
    )


def chain(texts: list[str], op: str = "layer") -> OpGraph:
    t = (None, *texts, None)
    return OpGraph(("input", *[op] * len(texts), "output"), tuple((i, i + 1) for i in range(len(t) - 1)), t)


def anb_graph(arch) -> OpGraph:
    texts, c = [ANB_STEM], 32
    for block, c_out, stride in zip(arch.blocks, OUT_CHANNELS, ANB_STRIDES, strict=True):
        for k in range(block.layers):
            s = stride if k == 0 else 1
            texts.append(anb_layer(block.expansion, block.kernel, block.se, c, c_out, s))
            c = c_out
    return chain([*texts, ANB_HEAD])


def nb101_graph(graph: OpGraph, output_text: str | None) -> OpGraph:
    ops = tuple(NB101_CODE[o][0] if o in NB101_CODE else o for o in graph.ops)
    own = {"output": output_text}
    texts = tuple(NB101_CODE[o][1] if o in NB101_CODE else own.get(o) for o in graph.ops)
    return OpGraph(ops, graph.edges, texts)


def row(name: str, predictor, given: np.ndarray, graphs: list[OpGraph]) -> None:
    together = predictor.score_many(graphs)
    alone = np.array([predictor.score(g) for g in graphs])
    diff = float(max(np.abs(together - given).max(), np.abs(alone - given).max()))
    print(f"| {name} | {kendall_tau(together, given):.3f} | {kendall_tau(alone, given):.3f} | {diff:.3f} |")


def agreement_table(nb101: dict, anb: dict, every: int) -> None:
    """Prints one row per form: ``nb101`` maps a row name to a function of a NAS-Bench-101 cell's graph,
    ``anb`` to a function of an Accel-NASBench architecture (every ``every``-th labelled one), each giving
    the graph to score against the architecture's own score."""
    predictor = tgnas.load_predictor()
    print("| form | tau with given, one call | one graph per call | largest difference |")
    print("|---|---|---|---|")
    if nb101:
        space, bench = get_space("nb101"), get_benchmark("nb101")
        cells = [space.parse(s) for s in bench.arch_strings()]
        given = predictor.score_many(cells)
        graphs = [space.to_graph(a) for a in cells]
        for name, form in nb101.items():
            row(f"NAS-Bench-101 ({len(cells)}), {name}", predictor, given, [form(g) for g in graphs])
    space, bench = get_space("anb"), get_benchmark("anb")
    nets = [space.parse(s) for s in bench.arch_strings()[::every]]
    given = predictor.score_many(nets)
    for name, form in anb.items():
        row(f"Accel-NASBench ({len(nets)}), {name}", predictor, given, [form(a) for a in nets])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=4, help="judge every k-th Accel-NASBench network")
    args = parser.parse_args()
    nb101 = {
        "code, generic output": lambda g: nb101_graph(g, None),
        "code, output as code": lambda g: nb101_graph(g, NB101_OUTPUT),
    }
    agreement_table(nb101, {"code": anb_graph}, args.every)


if __name__ == "__main__":
    main()
