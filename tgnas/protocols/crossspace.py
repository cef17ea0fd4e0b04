"""The cross-space protocols that judge a universal (multi-space) predictor.

- :func:`judge`: Kendall tau and Spearman of a predictor on benchmark rows of one space, beside the same
  figures for the graph's total parameters and FLOPs (the baselines), against validation accuracy.
- :func:`represent`: NAS-Bench-201 cells written the ways a user might (protocol (f)), or with their
  states as explicit sum nodes (:func:`with_states`); an Accel-NASBench network with its residual
  connections drawn (:func:`with_residuals`) or one node per operation (:func:`with_operations`).
- :class:`GCNAlone`: a predictor that scores graphs as given (no reading of texts, no nominal costs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from tgnas.benchmarks import get_benchmark
from tgnas.evaluation import kendall_tau, spearman_rho
from tgnas.opgraph import OpGraph
from tgnas.predictor.multispace import LABELS
from tgnas.predictor.prior import total_params
from tgnas.spaces import get_space


class GCNAlone:
    """A predictor scoring graphs exactly as given: no reading of new texts, no nominal costs."""

    def __init__(self, predictor) -> None:
        self.predictor = predictor

    def score_graphs(self, graphs: Sequence[OpGraph]) -> np.ndarray:
        return self.predictor.score_graphs(graphs, resolve=False, impute=False)


def graph_flops(graph: OpGraph) -> float:
    if graph.costs is None:
        return float("nan")
    return float(sum(c.get("flops", 0.0) for c in graph.costs if c))


def judge(predictor, space: str, rows: Sequence[int], graphs: Sequence[OpGraph] | None = None) -> dict:
    """Ranking figures on ``rows`` of ``space`` against its validation accuracy (and test accuracy, as
    ``test_tau``, where the space has it).

    ``graphs`` replaces the space's own graphs of those rows (another representation); the baselines are
    always the space's own graph totals (for NAS-Bench-201 a first-stage cell's, which orders networks as
    the whole network's count does; for the others the network's up to a constant).
    """
    bench, sp = get_benchmark(space), get_space(space)
    dataset, metric = LABELS[space]
    strings = bench.arch_strings()
    own = [sp.to_graph(sp.parse(strings[i])) for i in rows]
    y = bench.column(dataset, metric)[list(rows)]
    scores = predictor.score_graphs(list(graphs) if graphs is not None else own)
    params = np.array([total_params(g) for g in own])
    flops = np.array([graph_flops(g) for g in own])
    out = {
        "space": space,
        "n": len(rows),
        "tau": kendall_tau(scores, y),
        "spearman": spearman_rho(scores, y),
        "params_tau": kendall_tau(params, y),
        "flops_tau": kendall_tau(flops, y),
    }
    if "test" in bench.metrics(dataset):  # NAS-Bench-201: also against test accuracy, its usual yardstick
        test = bench.column(dataset, "test")[list(rows)]
        out |= {"test_tau": kendall_tau(scores, test), "test_params_tau": kendall_tau(params, test)}
    return out


def represent(
    graph: OpGraph,
    how: str,
    rename: Mapping[str, tuple[str, str]] | None = None,
    keep_ends: bool = False,
) -> OpGraph:
    """``graph`` as a user might write it: ``given``; ``generic`` (no costs, texts from the descriptions);
    ``reworded`` (no costs; each operator renamed and described as ``rename[op] = (name, text)``, the
    input and output nodes with the generic texts, or with their own if ``keep_ends``); ``states`` (no
    costs, generic texts, each state an explicit sum node named and described as ``rename["add"]``:
    :func:`with_states`)."""
    if how == "given":
        return graph
    if how == "generic":
        return OpGraph(graph.ops, graph.edges)
    if how == "states":
        name, text = (rename or {}).get("add", ("add", None))
        return with_states(OpGraph(graph.ops, graph.edges), name, text)
    if how == "reworded":
        if rename is None:
            raise ValueError("reworded needs a rename table")
        ops = tuple(op if op in ("input", "output") else rename[op][0] for op in graph.ops)
        own = graph.texts if keep_ends and graph.texts else (None,) * graph.num_nodes
        texts = tuple(rename[op][1] if op in rename else t for op, t in zip(graph.ops, own, strict=True))
        return OpGraph(ops, graph.edges, texts)
    raise ValueError(f"unknown representation {how!r}")


def with_states(graph: OpGraph, name: str = "add", text: str | None = None) -> OpGraph:
    """``graph`` with each of its cell states written as an explicit node that sums its inputs (named
    ``name``, described as ``text``), as a cell drawn with operations on edges is often turned into one
    with operations on nodes: every operation whose inputs are other than the input alone or a cell's
    concatenation reads a sum node of exactly its inputs, one per distinct set of inputs. The output node
    and a concatenation (which combine their inputs themselves) read their inputs as they are."""
    n = graph.num_nodes
    preds: list[set[int]] = [set() for _ in range(n)]
    for u, v in graph.edges:
        preds[v].add(u)
    sums: dict[frozenset[int], int] = {}
    reads: dict[int, int] = {}  # operation -> the sum node it reads
    for v in range(1, n - 1):
        p = frozenset(preds[v])
        single_end = len(p) == 1 and graph.ops[next(iter(p))] in ("input", "concat")
        if graph.ops[v] == "concat" or not p or single_end:
            continue
        reads[v] = sums.setdefault(p, n - 1 + len(sums))  # numbered after the inner nodes
    out = n - 1 + len(sums)
    at = {**{i: i for i in range(n - 1)}, n - 1: out}
    edges = {(at[u], at[v]) for u, v in graph.edges if v not in reads}
    edges |= {(s, at[v]) for v, s in reads.items()}
    edges |= {(at[u], s) for p, s in sums.items() for u in p}
    ops = (*graph.ops[:-1], *[name] * len(sums), graph.ops[-1])
    texts = None if text is None else (*(None,) * (n - 1), *[text] * len(sums), None)
    return OpGraph(ops, tuple(sorted(edges)), texts)


def with_residuals(arch, adds: bool = False, name: str = "add", text: str | None = None) -> OpGraph:
    """The Accel-NASBench space's graph of ``arch`` (no costs) with each residual connection drawn, as a
    network's graph often shows them: around every layer of a block but its first (which changes the width
    or the stride), an edge from the layer's input to the node after it (``adds=False``), or a node named
    ``name`` and described as ``text`` that adds the layer's input and output (``adds=True``)."""
    from tgnas.spaces.anb import to_graph

    own = to_graph(arch)
    ops, texts, edges, prev = list(own.ops[:2]), list((own.texts or (None,) * own.num_nodes)[:2]), [(0, 1)], 1
    node = 2  # the next layer of the space's graph
    for block in arch.blocks:
        for i in range(block.layers):
            ops.append(own.ops[node])
            texts.append(own.texts[node] if own.texts else None)
            layer, node = len(ops) - 1, node + 1
            edges.append((prev, layer))
            if i and adds:
                ops.append(name)
                texts.append(text)
                edges += [(layer, layer + 1), (prev, layer + 1)]
                layer += 1
            elif i:
                edges.append((prev, layer + 1))  # the node after the layer reads its input too
            prev = layer
    for k in range(node, own.num_nodes):  # the head, the output
        ops.append(own.ops[k])
        texts.append(own.texts[k] if own.texts else None)
        edges.append((len(ops) - 2, len(ops) - 1))
    return OpGraph(tuple(ops), tuple(sorted(set(edges))), tuple(texts))


Nodes = list[tuple[str, str | None]]  # (operator name, text) of consecutive nodes


def with_operations(
    arch, write: Callable[..., Nodes], add: tuple[str, str | None] | None = None, gate: bool = False
) -> OpGraph:
    """The Accel-NASBench network ``arch`` as a chain with one node per operation, as a network traced or
    drawn at operation level shows it. ``write(part, **numbers)`` gives the nodes of each part: ``"stem"``
    and ``"head"`` (no numbers); per MBConv layer ``"expand"`` (``c_in``, ``mid``; only when the expansion is
    above 1), ``"depthwise"`` (``mid``, ``kernel``, ``stride``), ``"se"`` (``mid``, ``squeeze``; only with
    squeeze-and-excitation) and ``"project"`` (``mid``, ``c_out``). Each residual connection is an edge
    from the layer's input to the node after it, or, with ``add`` (a name and a text), a node that adds
    them. With ``gate``, the SE's nodes are a side branch, as a traced network has them: the node before
    them also feeds their last (the product of the features and the gate)."""
    from tgnas.networks.anb import layers
    from tgnas.spaces.anb import SE_RATIO

    nodes: Nodes = [("input", None), *write("stem")]
    edges = [(i, i + 1) for i in range(len(nodes) - 1)]
    skips = []
    for x in layers(arch):
        start, mid = len(nodes) - 1, x.c_in * x.expansion
        parts = [("expand", {"c_in": x.c_in, "mid": mid})] if x.expansion > 1 else []
        parts.append(("depthwise", {"mid": mid, "kernel": x.kernel, "stride": x.stride}))
        if x.se:
            parts.append(("se", {"mid": mid, "squeeze": max(1, int(x.c_in * SE_RATIO))}))
        parts.append(("project", {"mid": mid, "c_out": x.c_out}))
        for part, numbers in parts:
            before = len(nodes) - 1
            nodes += write(part, **numbers)
            if part == "se" and gate:
                edges.append((before, len(nodes) - 1))
        edges += [(i, i + 1) for i in range(start, len(nodes) - 1)]
        if x.residual and add is not None:
            nodes.append(add)
            edges += [(len(nodes) - 2, len(nodes) - 1), (start, len(nodes) - 1)]
        elif x.residual:
            skips.append((start, len(nodes)))  # to the node after the layer
    first = len(nodes) - 1
    nodes += [*write("head"), ("output", None)]
    edges += [(i, i + 1) for i in range(first, len(nodes) - 1)] + skips
    ops, texts = zip(*nodes, strict=True)
    return OpGraph(ops, tuple(sorted(set(edges))), texts)


def rows_without(space: str, exclude: Sequence[int]) -> list[int]:
    """Every row of ``space`` except ``exclude``, sorted."""
    return sorted(set(range(len(get_benchmark(space)))) - {int(i) for i in exclude})
