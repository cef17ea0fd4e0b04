r"""Cells written with their states as explicit sum nodes: does the score change?

Usage: ``.venv/bin/python benchmarks/states.py [--every 1] [--archs 300] [--seed 1]``

A cell drawn with operations on edges (NAS-Bench-201, DARTS) is often turned into a graph with operations on
nodes by making each of its states a node of its own, which sums the operations into it; tgnas's spaces write
the same cell without those nodes (an operation's inputs sum implicitly). This benchmark scores the cells
both ways with the shipped checkpoints (``tgnas.protocols.crossspace.with_states``; the sum nodes named and
described by each of :data:`SUM_WORDINGS`, written for this benchmark and in no description of
``data/ops/descriptions.json``; the first four were read while the sum family's texts were written, the
next five were written afterwards and never used to choose anything, and so were the three after them,
written after those were measured; two of those eight, ``accumulate`` and ``Node``, then led to the rule
for a text that states a sum of its inputs, after which five more were written; three of those (``merge``,
``s_i``, ``Add``), read badly, led to that rule's ``Σ`` over an index, ``add(`` calls and the concatenation
kind; of the five written after that, three (``x_j``, ``reduce``, ``state_node``) led to ``sum_`` over an
index, ``+`` and more words for several inputs; five were written after that, of which ``Merge`` led to
several operations' results as such a word at stop 33; the last five were written after that and never
used to choose anything):

- **NAS-Bench-201** (labels): the universal checkpoint on the cells outside its training rows (every
  ``--every``-th), Kendall tau against CIFAR-10 validation accuracy, as the space gives them, as generic
  graphs (no texts, no costs) and with explicit states; "GCN alone" scores the graphs as given, without
  reading their texts.
- **DARTS** (no labels outside ``heldout/``, which no script reads): ``--archs`` sampled genotypes (seeded),
  Kendall tau between the scores of the genotype and of its graph with explicit states (1.0: the form
  changes no order), one call for all graphs and one graph per call, and the largest absolute difference.
- **NAS-Bench-101**: the same agreement on its 500 labelled cells (the universal checkpoint trained on all
  of them, so their labels would measure nothing new); the output node concatenates, so it keeps its inputs.
"""

from __future__ import annotations

import argparse

import numpy as np

import tgnas
from tgnas.api import to_graph
from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau
from tgnas.predictor.predictor import load_checkpoint
from tgnas.protocols.crossspace import GCNAlone, judge, represent, rows_without
from tgnas.spaces import get_space

SUM_WORDINGS = (
    ("add", "element-wise sum of its inputs"),
    ("sum", "sums the incoming feature maps"),
    ("state", "intermediate state of the cell, the sum of the operations into it"),
    ("node", "a cell node: adds up its inputs"),
    # written after the sum family's texts and rules were settled, and never used to choose them
    ("join", "adds together the outputs of the edges entering this node"),
    ("Sum", "Sum()"),
    ("accumulate", "accumulator: the elementwise total of the incoming tensors"),
    ("combine", "combines the incoming branches by elementwise addition"),
    ("h", "hidden state h_i = sum over j < i of o(h_j)"),
    # written after ``accumulate`` above was measured (read as an identity), never used to choose anything
    ("reduce_sum", "reduces its incoming tensors by summing them"),
    ("Node", "DAG node; output = Σ incoming edge outputs"),
    ("aggregator", "element-wise aggregation of all predecessor tensors by addition"),
    # written at stop 32 after the rule for a stated sum of inputs (which reads ``accumulate`` and ``Node``
    # above); ``merge``, ``s_i`` and ``Add`` were then read badly and led to more of it
    ("merge", "merges its predecessors' feature maps by pointwise addition"),
    ("s_i", "s_i = Σ_j op_ij(s_j)"),
    ("sum_node", "torch.stack(inputs).sum(0)"),
    ("Add", "keras.layers.Add()"),
    ("junction", "joins the incoming edges; their results are added element by element"),
    # written at stop 32 after the rules that ``merge``, ``s_i`` and ``Add`` led to; ``x_j``, ``reduce`` and
    # ``state_node`` were then read badly and led to more of them
    ("AddN", "tf.math.add_n(inputs)"),
    ("x_j", "x_j = sum_{i<j} o_ij(x_i)"),
    ("reduce", "node that reduces all of its in-edges with +"),
    ("agg", "aggregates incoming messages (sum)"),
    ("state_node", "intermediate node: elementwise sum of the tensors produced by the edges pointing to it"),
    # written at stop 32 after the rules that ``reduce``, ``state_node`` and ``x_j`` (read badly) led to:
    # ``+``, ``edges`` / ``tensors`` / ``messages``, ``sum_`` over an index; never used to choose anything
    ("intermediate", "intermediate node (sum reduction)"),
    ("h_state", "the cell's hidden state, which collects the edge outputs by elementwise addition"),
    ("ElementwiseSum", "ElementwiseSum"),
    ("combine_add", "combine: add"),
    ("Merge", "nn.Identity() applied after summing the edge results"),
    # written at stop 33 after ``Merge`` above (read as the identity) led to several operations' results
    # (``the edge outputs``, ...) as a word for several inputs; never used to choose anything
    ("acc", "running total of what the incoming operations produce"),
    ("reduce_add", "functools.reduce(operator.add, edge_outputs)"),
    ("vertex", "vertex value = addition of all edge contributions"),
    ("aggregate_sum", "aggregation node with a sum aggregator"),
    ("plus", "x1 + x2 + ... + xk over the k edges into it"),
)



def nb201_rows(every: int) -> None:
    pred = load_checkpoint("universal")
    judged = rows_without("nb201", pred.card["split"]["rows"]["nb201"])[::every]
    bench, space = get_benchmark("nb201"), get_space("nb201")
    graphs = [space.to_graph(space.parse(bench.arch_strings()[i])) for i in judged]
    print(f"NAS-Bench-201, universal checkpoint, {len(judged)} cells outside its rows (CIFAR-10 validation)")
    print("| form | Kendall tau | GCN alone | params tau |")
    print("|---|---|---|---|")
    forms = {"given": graphs, "generic": [represent(g, "generic") for g in graphs]}
    for name, text in SUM_WORDINGS:
        forms[f"states, {name!r}: {text!r}"] = [represent(g, "states", {"add": (name, text)}) for g in graphs]
    for form, shown in forms.items():
        read, alone = judge(pred, "nb201", judged, shown), judge(GCNAlone(pred), "nb201", judged, shown)
        print(f"| {form} | {read['tau']:.3f} | {alone['tau']:.3f} | {read['params_tau']:.3f} |", flush=True)


def darts_rows(archs: int, seed: int) -> None:
    space = get_space("darts")
    rng = np.random.default_rng(seed)
    agreement(f"DARTS, {archs} genotypes (seed {seed})", [space.sample(rng) for _ in range(archs)])


def nb101_rows() -> None:
    space, bench = get_space("nb101"), get_benchmark("nb101")
    cells = [space.parse(s) for s in bench.arch_strings()]
    agreement(f"NAS-Bench-101, its {len(cells)} labelled cells", cells)


def agreement(title: str, archs: list) -> None:
    """Tau between the scores of ``archs`` as their space's objects and as graphs with explicit states."""
    predictor = tgnas.load_predictor()
    given = predictor.score_many(archs)
    print(f"\n{title}: agreement with the space's own scores")
    print("| form | tau, one call | tau, one graph per call | largest difference |")
    print("|---|---|---|---|")
    graphs = [to_graph(a) for a in archs]
    for name, text in SUM_WORDINGS:
        objs = [represent(g, "states", {"add": (name, text)}).to_dict() for g in graphs]
        together = predictor.score_many(objs)
        alone = np.array([predictor.score(o) for o in objs])
        diff = float(max(np.abs(together - given).max(), np.abs(alone - given).max()))
        print(
            f"| states, {name!r} | {kendall_tau(together, given):.3f} | {kendall_tau(alone, given):.3f} "
            f"| {diff:.3f} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=1, help="judge every k-th NAS-Bench-201 cell")
    parser.add_argument("--archs", type=int, default=300, help="DARTS genotypes to sample")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    nb201_rows(args.every)
    darts_rows(args.archs, args.seed)
    nb101_rows()


if __name__ == "__main__":
    main()
