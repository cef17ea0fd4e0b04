"""The NAS-Bench-101 search space (Ying et al., "NAS-Bench-101: Towards Reproducible Neural Architecture
Search", ICML 2019).

A cell is a DAG of at most 7 vertices and 9 edges given by an upper-triangular 0/1 adjacency matrix (row =
source, column = destination) and one operation per vertex: vertex 0 is the input, the last vertex the
output, and every other vertex is ``conv3x3-bn-relu``, ``conv1x1-bn-relu`` or ``maxpool3x3``. The string
form is the benchmark's model spec as JSON::

    {"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]}

(``adjacency`` / ``operations`` and the benchmark record's ``module_adjacency`` / ``module_operations``
are accepted as key names too, and a labelled record whole). As in the benchmark, vertices that lie on no
input-to-output path are pruned away; a spec whose input does not reach its output is invalid.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tgnas.errors import ArchitectureError, UnknownOperatorError
from tgnas.inputs import loads, quote
from tgnas.opgraph import INPUT, OUTPUT, OpGraph, prune_unreachable

OPS: tuple[str, ...] = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
MAX_VERTICES = 7
MAX_EDGES = 9
MAX_TEXT = 10_000  # characters of a spec's JSON text
OUTPUT_TEXT = (
    "the output node of a NAS-Bench-101 cell: concatenates the feature maps of the vertices that feed it "
    "along channels, plus a 1x1 projection of the cell input when the input connects to it directly"
)


@dataclass(frozen=True)
class NB101Arch:
    """A pruned NAS-Bench-101 cell.

    Attributes:
        matrix: the upper-triangular adjacency (``matrix[u][v] == 1`` for an edge ``u -> v``).
        ops: one operation per vertex, ``"input"`` first and ``"output"`` last.
    """

    matrix: tuple[tuple[int, ...], ...]
    ops: tuple[str, ...]

    def __post_init__(self) -> None:
        matrix, ops = _validated(self.matrix, self.ops)
        object.__setattr__(self, "matrix", matrix)
        object.__setattr__(self, "ops", ops)

    @property
    def num_vertices(self) -> int:
        return len(self.ops)

    def edges(self) -> list[tuple[int, int]]:
        """The ``(source, destination)`` pairs of the cell, sorted."""
        n = self.num_vertices
        return [(u, v) for u in range(n) for v in range(u + 1, n) if self.matrix[u][v]]

    def __str__(self) -> str:
        return format_arch(self)


def _validated(matrix, ops) -> tuple[tuple[tuple[int, ...], ...], tuple[str, ...]]:
    """Checks a raw spec and returns it pruned to the vertices on input-to-output paths; the edge limit
    applies to the pruned cell, as in the benchmark."""
    if not isinstance(ops, list | tuple) or not all(isinstance(o, str) for o in ops):
        raise ArchitectureError("a NAS-Bench-101 spec's ops must be a list of operation names")
    n = len(ops)
    if not 2 <= n <= MAX_VERTICES:
        raise ArchitectureError(f"a NAS-Bench-101 cell has 2..{MAX_VERTICES} vertices, got {n}")
    if not isinstance(matrix, list | tuple) or len(matrix) != n:
        raise ArchitectureError(f"a NAS-Bench-101 matrix must be {n}x{n} for {n} ops")
    rows = []
    for i, row in enumerate(matrix):
        if not isinstance(row, list | tuple) or len(row) != n:
            raise ArchitectureError(f"row {i} of the NAS-Bench-101 matrix must have {n} entries")
        if any(isinstance(x, bool) or x not in (0, 1) for x in row):
            raise ArchitectureError(f"row {i} of the NAS-Bench-101 matrix must hold only 0 and 1")
        rows.append(tuple(int(x) for x in row))
    for i in range(n):
        for j in range(i + 1):
            if rows[i][j]:
                raise ArchitectureError(
                    f"the NAS-Bench-101 matrix must be strictly upper-triangular; entry ({i}, {j}) is 1"
                )
    if ops[0] != INPUT or ops[-1] != OUTPUT:
        raise ArchitectureError("a NAS-Bench-101 spec's ops start with 'input' and end with 'output'")
    for op in ops[1:-1]:
        if op not in OPS:
            raise UnknownOperatorError(
                f"unknown NAS-Bench-101 operation {quote(op)}; valid: {', '.join(OPS)}"
            )
    matrix, ops = _prune(tuple(rows), tuple(ops))
    edges = sum(map(sum, matrix))
    if edges > MAX_EDGES:
        raise ArchitectureError(
            f"a NAS-Bench-101 cell has at most {MAX_EDGES} edges (after pruning vertices off every "
            f"input-to-output path), got {edges}"
        )
    return matrix, ops


def _prune(matrix, ops):
    """Drops vertices not on an input-to-output path (the benchmark's ``ModelSpec`` pruning)."""
    n = len(ops)
    keep = prune_unreachable(n, [(u, v) for u in range(n) for v in range(u + 1, n) if matrix[u][v]])
    if not keep:
        raise ArchitectureError("the NAS-Bench-101 cell's input does not reach its output")
    return tuple(tuple(matrix[u][v] for v in keep) for u in keep), tuple(ops[v] for v in keep)


SPEC_KEYS = (("matrix", "ops"), ("adjacency", "operations"), ("module_adjacency", "module_operations"))
# a record's other fields: the benchmark's fixed statistics, and the labelled file's labels, costs and proxies
RECORD_FIELDS = frozenset(
    {"trainable_parameters", "module_hash", "val_accuracy", "test_accuracy"}
    | {"params_M", "flops_M", "naslib_proxies"}
)


def from_spec(spec: object) -> NB101Arch:
    """An :class:`NB101Arch` from a spec mapping (``matrix``/``ops``, ``adjacency``/``operations``, or the
    benchmark's own record fields ``module_adjacency``/``module_operations``); a whole record's other
    fields (:data:`RECORD_FIELDS`: its labels, costs and proxy values) are not part of the cell."""
    if not isinstance(spec, dict):
        raise ArchitectureError('a NAS-Bench-101 spec is a JSON object {"matrix": [...], "ops": [...]}')
    keys = set(spec)
    for m, o in SPEC_KEYS:
        if {m, o} <= keys:
            unknown = keys - {m, o} - RECORD_FIELDS
            if unknown:
                raise ArchitectureError(f"unknown keys in a NAS-Bench-101 spec: {', '.join(sorted(unknown))}")
            return NB101Arch(spec[m], spec[o])
    raise ArchitectureError(
        'a NAS-Bench-101 spec needs "matrix" and "ops" (or "adjacency" and "operations", or '
        '"module_adjacency" and "module_operations")'
    )


def parse(text: str) -> NB101Arch:
    """Parses a model spec written as JSON; raises :class:`ArchitectureError` on a malformed one."""
    if not isinstance(text, str):
        raise ArchitectureError(f"a NAS-Bench-101 spec is a JSON str, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise ArchitectureError(f"a NAS-Bench-101 spec is at most {MAX_TEXT} characters, got {len(text)}")
    return from_spec(loads(text, "a NAS-Bench-101 spec", ArchitectureError))


def format_arch(arch: NB101Arch) -> str:
    """The compact JSON spec of ``arch`` (inverse of :func:`parse`)."""
    return json.dumps(
        {"matrix": [list(r) for r in arch.matrix], "ops": list(arch.ops)}, separators=(",", ":")
    )


def canonical(arch: NB101Arch) -> str:
    """The benchmark's graph hash: equal for isomorphic cells (same function up to vertex order).

    Each vertex starts as ``md5(str((out_degree, in_degree, label)))`` with label -1 for the input, -2 for
    the output and the operation's index in :data:`OPS` otherwise; then, ``n`` times, every vertex becomes
    ``md5(sorted in-neighbour hashes + '|' + sorted out-neighbour hashes + '|' + own hash)``. The key is
    ``md5(str(sorted vertex hashes))`` (a Weisfeiler-Lehman-style fingerprint, as NAS-Bench-101 uses).
    """
    return _hash(arch.matrix, arch.ops)


@lru_cache(maxsize=65536)
def _hash(matrix: tuple[tuple[int, ...], ...], ops: tuple[str, ...]) -> str:
    n = len(ops)
    labels = [-1] + [OPS.index(o) for o in ops[1:-1]] + [-2]
    ins = [sum(matrix[u][v] for u in range(n)) for v in range(n)]
    outs = [sum(row) for row in matrix]

    def md5(s: str) -> str:
        return hashlib.md5(s.encode("utf-8")).hexdigest()

    hashes = [md5(str((outs[v], ins[v], labels[v]))) for v in range(n)]
    for _ in range(n):
        hashes = [
            md5(
                "".join(sorted(hashes[u] for u in range(n) if matrix[u][v]))
                + "|"
                + "".join(sorted(hashes[w] for w in range(n) if matrix[v][w]))
                + "|"
                + hashes[v]
            )
            for v in range(n)
        ]
    return md5(str(sorted(hashes)))


def to_graph(arch: NB101Arch) -> OpGraph:
    """Operator graph: the cell's own vertices and edges; the output node's text says it concatenates.

    Each operation vertex carries its cost over the whole benchmark network (its operation and, if the
    input feeds it, its 1x1 input projection, summed over the 9 cells;
    :func:`tgnas.networks.nb101.vertex_costs`); the output node carries the input-to-output projection
    where there is one.
    """
    from tgnas.networks.nb101 import vertex_costs

    costs = vertex_costs(arch)
    texts = (None,) * (arch.num_vertices - 1) + (OUTPUT_TEXT,)
    return OpGraph(arch.ops, tuple(arch.edges()), texts=texts, costs=tuple(c or None for c in costs))


class NB101Space:
    """NAS-Bench-101: cells of up to 7 vertices and 9 edges (see the module docstring)."""

    name = "nb101"
    ops = OPS
    arch_type = NB101Arch

    def parse(self, text: str) -> NB101Arch:
        return parse(text)

    def format(self, arch: NB101Arch) -> str:
        return format_arch(arch)

    def size(self) -> None:
        return None  # 423,624 unique cells: not enumerated here

    def enumerate(self) -> Iterator[NB101Arch]:
        raise ArchitectureError("the NAS-Bench-101 space is not enumerated (423,624 cells); sample it")

    def sample(self, rng: np.random.Generator) -> NB101Arch:
        """The benchmark's random sampling: each upper-triangular entry of a 7x7 matrix is 1 with
        probability 1/2 and each operation uniform, redrawn until the spec is valid."""
        n = MAX_VERTICES
        while True:
            matrix = np.triu(rng.integers(0, 2, size=(n, n)), 1)
            ops = [INPUT, *(OPS[i] for i in rng.integers(len(OPS), size=n - 2)), OUTPUT]
            try:
                return NB101Arch(matrix.tolist(), ops)
            except ArchitectureError:
                continue

    def mutate(self, arch: NB101Arch, rng: np.random.Generator) -> NB101Arch:
        """Flips one edge or changes one operation of the cell (padded to 7 vertices), redrawn until the
        result is valid and not isomorphic to ``arch``; a cell no single change can alter validly (a lone
        input -> output edge) gets two."""
        n, m = MAX_VERTICES, arch.num_vertices
        base = np.zeros((n, n), dtype=int)
        base[: m - 1, : m - 1] = np.asarray(arch.matrix)[: m - 1, : m - 1]
        base[: m - 1, n - 1] = np.asarray(arch.matrix)[: m - 1, m - 1]
        ops0 = [*arch.ops[:-1], *(OPS[0] for _ in range(n - m)), OUTPUT]
        key = canonical(arch)
        for attempt in range(2000):
            matrix, ops = base.copy(), list(ops0)
            for _ in range(1 if attempt < 1000 else 2):  # a lone input -> output edge needs two flips
                if rng.random() < 0.5:
                    u = int(rng.integers(n - 1))
                    v = int(rng.integers(u + 1, n))
                    matrix[u, v] ^= 1
                else:
                    v = int(rng.integers(1, n - 1))
                    ops[v] = [o for o in OPS if o != ops[v]][int(rng.integers(len(OPS) - 1))]
            try:
                new = NB101Arch(matrix.tolist(), ops)
            except ArchitectureError:
                continue
            if canonical(new) != key:
                return new
        raise ArchitectureError("could not mutate this NAS-Bench-101 cell into a different valid one")

    def canonical(self, arch: NB101Arch) -> str:
        return canonical(arch)

    def to_graph(self, arch: NB101Arch) -> OpGraph:
        return to_graph(arch)

    def build(self, arch: NB101Arch, **kwargs):
        """The benchmark's network; keyword arguments go to :class:`tgnas.networks.nb101.NB101Network`."""
        from tgnas.networks.nb101 import NB101Network

        return NB101Network(arch, **kwargs)
