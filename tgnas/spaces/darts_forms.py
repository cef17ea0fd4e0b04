"""DARTS genotypes in the other forms NAS code writes them: NAS-Bench-301's configuration, NASLib's compact
tuple, and the genotype's fields as a JSON object.

- **Configuration** (NAS-Bench-301, a ConfigSpace dict): ``{"NetworkSelectorDatasetInfo:darts:edge_normal_5":
  "sep_conv_3x3", ..., "NetworkSelectorDatasetInfo:darts:inputs_node_normal_4": "0_2", ...}``. A cell's 14
  possible edges are numbered node by node: node ``j`` (2..5) owns edges ``j(j-1)/2 - 1 + s`` for input
  states ``s = 0..j-1``, so edge 5 is node 4 reading state 0. Each node names exactly two edges; an
  ``inputs_node`` entry, where given, must list the same two states. Keys may drop the
  ``NetworkSelectorDatasetInfo:darts:`` prefix; other ``Section:name`` keys are the benchmark's training
  hyper-parameters and are not part of the architecture. Both cells concatenate states 2..5.
- **Compact** (NASLib, BANANAS): ``(((0, 3), (1, 3), ...), ((...)))``: per cell 8 ``(input state, op
  index)`` pairs, the op index into :data:`COMPACT_OPS`; as a Python tuple or a JSON list.
- **Genotype object**: ``{"normal": [["sep_conv_3x3", 0], ...], "normal_concat": [2, 3, 4, 5], "reduce":
  ..., "reduce_concat": ...}`` (``json.dumps(genotype._asdict())``).
- **Record**: a labelled record holding any of these under ``genotype``, ``compact``, ``arch`` or
  ``architecture`` (a NAS-Bench-301 record's configuration under ``optimized_hyperparamater_config``); its
  other fields (labels) are not part of the architecture (:func:`tgnas.spaces.darts.parse`).
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Mapping, Sequence

from tgnas.errors import ArchitectureError
from tgnas.inputs import quote
from tgnas.spaces.darts import SAMPLED_OPS

COMPACT_OPS = SAMPLED_OPS  # NASLib's op indices: the DARTS operations but none, in the DARTS order
CELLS = ("normal", "reduce")
NODES = range(2, 6)  # the intermediate nodes of a cell
NUM_EDGES = 14  # possible (node, input state) edges of a cell
CONFIG_PREFIX = "NetworkSelectorDatasetInfo:darts:"
_EDGE_KEY = re.compile(r"(?:^|:)edge_(normal|reduce)_(\d+)$")
_INPUTS_KEY = re.compile(r"(?:^|:)inputs_node_(normal|reduce)_(\d+)$")
_HYPERPARAMETER = re.compile(r"^\w+(:\w+)+$")  # a ConfigSpace name of the training pipeline
_STATES = re.compile(r"^(\d)_(\d)$")


def first_edge(node: int) -> int:
    """The configuration's index of node ``node``'s edge from state 0: ``node (node - 1) / 2 - 1``."""
    return node * (node - 1) // 2 - 1


def edge_of(index: int) -> tuple[int, int]:
    """``(node, input state)`` of a configuration edge index in 0..13."""
    node = max(j for j in NODES if first_edge(j) <= index)
    return node, index - first_edge(node)


def from_config(config: Mapping) -> list[list[tuple[str, int]]]:
    """The two cells' ``(operation, input state)`` pairs of a NAS-Bench-301 configuration.

    Raises:
        ArchitectureError: an unknown key, an edge index out of 0..13, a node without exactly two edges,
            an ``inputs_node`` entry that disagrees with the edges, or no edges at all.
    """
    ops: dict[str, dict[int, str]] = {c: {} for c in CELLS}
    stated: dict[str, dict[int, tuple[int, int]]] = {c: {} for c in CELLS}
    for key, value in config.items():
        if not isinstance(key, str):
            raise ArchitectureError(f"a NAS-Bench-301 configuration key must be a string, got {quote(key)}")
        edge, inputs = _EDGE_KEY.search(key), _INPUTS_KEY.search(key)
        if edge:
            index = int(edge.group(2))
            if index >= NUM_EDGES:
                raise ArchitectureError(f"{quote(key)}: a DARTS cell has edges 0..{NUM_EDGES - 1}")
            if not isinstance(value, str):
                raise ArchitectureError(f"{quote(key)} must name an operation, got {quote(value)}")
            ops[edge.group(1)][index] = value
        elif inputs:
            node, states = int(inputs.group(2)), _STATES.match(value) if isinstance(value, str) else None
            if node not in NODES or not states:
                raise ArchitectureError(
                    f"{quote(key)}: {quote(value)} is not two input states 'a_b' of a node in 2..5"
                )
            stated[inputs.group(1)][node] = tuple(sorted(int(s) for s in states.groups()))
        elif not _HYPERPARAMETER.match(key):
            raise ArchitectureError(
                f"unknown key {quote(key)} in a NAS-Bench-301 configuration (edge_<cell>_<i>, "
                "inputs_node_<cell>_<j>)"
            )
    if not any(ops.values()):
        raise ArchitectureError(
            f"a NAS-Bench-301 configuration names its edges as {CONFIG_PREFIX}edge_normal_<i>; none found"
        )
    return [_config_cell(cell, ops[cell], stated[cell]) for cell in CELLS]


def _config_cell(cell: str, ops: dict[int, str], stated: dict[int, tuple[int, int]]) -> list[tuple[str, int]]:
    pairs: list[tuple[str, int]] = []
    for node in NODES:
        edges = sorted(edge_of(i)[1] for i in ops if edge_of(i)[0] == node)
        if len(edges) != 2:
            named = ", ".join(f"edge_{cell}_{first_edge(node) + s}" for s in edges) or "none"
            raise ArchitectureError(
                f"node {node} of the {cell} cell needs two edges in the NAS-Bench-301 configuration, "
                f"got {len(edges)} ({named})"
            )
        if stated.get(node, tuple(edges)) != tuple(edges):
            raise ArchitectureError(
                f"inputs_node_{cell}_{node} says states {stated[node]}, but the {cell} cell's edges of node "
                f"{node} read states {tuple(edges)}"
            )
        pairs += [(ops[first_edge(node) + s], s) for s in edges]
    return pairs


def to_config(normal: Sequence[tuple[str, int]], reduce: Sequence[tuple[str, int]]) -> dict[str, str]:
    """The NAS-Bench-301 configuration of two cells' pairs (inverse of :func:`from_config`).

    Raises:
        ArchitectureError: a node reading one state twice (the configuration has one edge per state).
    """
    config: dict[str, str] = {}
    for cell, pairs in zip(CELLS, (normal, reduce), strict=True):
        for node in NODES:
            (a, sa), (b, sb) = pairs[2 * node - 4 : 2 * node - 2]
            if sa == sb:
                raise ArchitectureError(f"node {node} of the {cell} cell reads state {sa} twice")
            config[f"{CONFIG_PREFIX}edge_{cell}_{first_edge(node) + sa}"] = a
            config[f"{CONFIG_PREFIX}edge_{cell}_{first_edge(node) + sb}"] = b
            if node > NODES[0]:
                config[f"{CONFIG_PREFIX}inputs_node_{cell}_{node}"] = f"{min(sa, sb)}_{max(sa, sb)}"
    return config


def from_compact(value: object) -> list[list[tuple[str, int]]]:
    """The two cells' ``(operation, input state)`` pairs of NASLib's compact form.

    Raises:
        ArchitectureError: not two cells of 8 ``(state, op index)`` integer pairs, or an op index out of
            range.
    """
    if not (isinstance(value, list | tuple) and len(value) == 2):
        raise ArchitectureError("a compact DARTS genotype is two cells of 8 (input state, op index) pairs")
    cells = []
    for cell, pairs in zip(CELLS, value, strict=True):
        if not (isinstance(pairs, list | tuple) and len(pairs) == 8):
            raise ArchitectureError(f"the compact {cell} cell must hold 8 (input state, op index) pairs")
        out = []
        for pair in pairs:
            if not (isinstance(pair, list | tuple) and len(pair) == 2 and all(type(x) is int for x in pair)):
                raise ArchitectureError(
                    f"the compact {cell} cell's entry {quote(pair)} is not an (input state, op index) pair"
                )
            if not 0 <= pair[1] < len(COMPACT_OPS):
                raise ArchitectureError(
                    f"the compact {cell} cell's op index {pair[1]} is outside 0..{len(COMPACT_OPS) - 1} "
                    f"({', '.join(COMPACT_OPS)})"
                )
            out.append((COMPACT_OPS[pair[1]], pair[0]))
        cells.append(out)
    return cells


def to_compact(normal: Sequence[tuple[str, int]], reduce: Sequence[tuple[str, int]]) -> tuple:
    """NASLib's compact form of two cells' pairs (inverse of :func:`from_compact`)."""
    for op, _ in (*normal, *reduce):
        if op not in COMPACT_OPS:
            raise ArchitectureError(f"the compact form has no operation {quote(op)}")
    return tuple(tuple((state, COMPACT_OPS.index(op)) for op, state in cell) for cell in (normal, reduce))


def literal(text: str) -> object:
    """A Python literal (the compact form's tuples), evaluated safely."""
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" in a user's string is not ours to print
            warnings.simplefilter("ignore")
            return ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        raise ArchitectureError(f"malformed compact DARTS genotype {quote(text)}") from None
