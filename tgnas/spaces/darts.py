"""The DARTS search space (Liu et al., "DARTS: Differentiable Architecture Search", ICLR 2019).

A genotype has a normal and a reduction cell. Each cell has two inputs (states 0 and 1: the outputs of
the two previous cells) and four intermediate nodes 2..5; node ``j`` sums two operations applied to two
distinct earlier states. The cell's output concatenates the states listed in ``*_concat`` (2..5). The
standard string is the DARTS repository's ``Genotype(...)`` repr::

    Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...], normal_concat=[2, 3, 4, 5],
             reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ...], reduce_concat=[2, 3, 4, 5])

(``range(2, 6)`` is accepted for a concat list; so are NAS-Bench-301's configuration, NASLib's compact
tuple and the fields as a JSON object: :mod:`tgnas.spaces.darts_forms`). Sampling draws two distinct
inputs per node and an operation other than ``none`` for each; the space has about 10^18 genotypes and is
not enumerated.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tgnas.errors import ArchitectureError, TgnasError, UnknownOperatorError
from tgnas.inputs import MAX_LINE, loads, quote
from tgnas.opgraph import INPUT, OUTPUT, OpGraph

OPS: tuple[str, ...] = (
    "none",
    "max_pool_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
)
SAMPLED_OPS = OPS[1:]  # DARTS never keeps "none" in a derived genotype
STEPS = 4  # intermediate nodes per cell
CONCAT = "concat"  # operator of a cell-output node in the operator graph

Edge = tuple[str, int]  # (operation, input state)


def _check_cell(name: str, edges: tuple[Edge, ...], concat: tuple[int, ...]) -> None:
    if len(edges) != 2 * STEPS:
        raise ArchitectureError(f"DARTS {name} cell needs {2 * STEPS} (op, input) pairs, got {len(edges)}")
    for k, (op, src) in enumerate(edges):
        node = 2 + k // 2
        if op not in OPS:
            raise UnknownOperatorError(
                f"unknown DARTS operation {quote(op)} in the {name} cell; valid: {', '.join(OPS)}"
            )
        if not isinstance(src, int) or isinstance(src, bool) or not 0 <= src < node:
            raise ArchitectureError(
                f"DARTS {name} cell: node {node} reads state {quote(src)}; it must be in 0..{node - 1}"
            )
    if not concat or any(not isinstance(c, int) or not 2 <= c < 2 + STEPS for c in concat):
        raise ArchitectureError(f"DARTS {name}_concat must list states in 2..{1 + STEPS}, got {list(concat)}")
    if len(set(concat)) != len(concat):
        raise ArchitectureError(f"DARTS {name}_concat lists a state twice: {list(concat)}")


@dataclass(frozen=True)
class DartsArch:
    """A DARTS genotype.

    Attributes:
        normal, reduce: 8 ``(operation, input state)`` pairs each, two per intermediate node 2..5.
        normal_concat, reduce_concat: the states concatenated into each cell's output.
    """

    normal: tuple[Edge, ...]
    reduce: tuple[Edge, ...]
    normal_concat: tuple[int, ...] = (2, 3, 4, 5)
    reduce_concat: tuple[int, ...] = (2, 3, 4, 5)

    def __post_init__(self) -> None:
        for name in ("normal", "reduce"):
            edges = tuple((str(op), src) for op, src in getattr(self, name))
            concat = tuple(getattr(self, f"{name}_concat"))
            _check_cell(name, edges, concat)
            object.__setattr__(self, name, edges)
            object.__setattr__(self, f"{name}_concat", concat)

    def __str__(self) -> str:
        return format_arch(self)


MAX_RANGE = 64  # elements of a range(...) in a genotype (a concat list has at most 4 or 5)


def _literal(node: ast.AST, what: str):
    """A literal (or ``range(...)``) field of a genotype, evaluated safely."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        args = [_literal(a, what) for a in node.args]
        if node.keywords or not 1 <= len(args) <= 3 or not all(type(a) is int for a in args):
            raise ArchitectureError(f"malformed range(...) in {what}")
        try:
            span = range(*args)
        except ValueError:  # a zero step
            raise ArchitectureError(f"malformed range(...) in {what}") from None
        if len(span) > MAX_RANGE:
            raise ArchitectureError(f"range(...) in {what} has {len(span)} elements; at most {MAX_RANGE}")
        return list(span)
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):  # e.g. an unhashable dict key
        raise ArchitectureError(f"{what} must be a literal list, got {quote(ast.unparse(node))}") from None


def _pairs(value: object, what: str) -> tuple[tuple[str, int], ...]:
    """A cell's ``[(operation, input state), ...]``."""
    if not isinstance(value, list | tuple):
        raise ArchitectureError(
            f"{what} must be a list of (operation, input state) pairs, got {quote(value)}"
        )
    out = []
    for entry in value:
        if not (isinstance(entry, list | tuple) and len(entry) == 2 and isinstance(entry[0], str)):
            raise ArchitectureError(f"every entry of {what} must be an (operation, input state) pair")
        if type(entry[1]) is not int:
            raise ArchitectureError(f"{what}: input state {quote(entry[1])} is not an integer")
        out.append((entry[0], entry[1]))
    return tuple(out)


def _concat(value: object, what: str) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or not all(type(v) is int for v in value):
        raise ArchitectureError(f"{what} must be a list of node indices, got {quote(value)}")
    return tuple(value)


GENOTYPE_FIELDS = ("normal", "normal_concat", "reduce", "reduce_concat")


def parse(text: str | Mapping | Sequence) -> DartsArch:
    """Parses a ``Genotype(...)`` string (safely: literals and ``range`` only, nothing is evaluated), or
    one of the other forms of :mod:`tgnas.spaces.darts_forms` (a NAS-Bench-301 configuration or a
    genotype's fields as JSON, NASLib's compact tuple, a labelled record holding one of them), as text or as
    the object itself; or takes a DARTS ``Genotype`` namedtuple (the search code's own object).

    Raises:
        ArchitectureError: malformed genotype, bad input states or concat lists.
        UnknownOperatorError: an operation outside :data:`OPS`.
    """
    from tgnas.spaces import darts_forms  # imports this module

    if is_genotype(text):
        text = repr(text)
    if isinstance(text, Mapping):
        return _from_mapping(text)
    if isinstance(text, list | tuple):
        return _fixed(darts_forms.from_compact(text))
    if not isinstance(text, str):
        raise ArchitectureError(f"a DARTS genotype is a str, got {type(text).__name__}")
    if len(text) > MAX_LINE:
        raise ArchitectureError(f"a DARTS genotype of {len(text)} characters is too long")
    stripped = text.strip()
    if stripped.startswith("{"):
        obj = loads(stripped, "a DARTS genotype as JSON", ArchitectureError)
        if not isinstance(obj, dict):
            raise ArchitectureError("a DARTS genotype as JSON is an object")
        return _from_mapping(obj)
    if stripped.startswith(("(", "[")):
        return _fixed(darts_forms.from_compact(darts_forms.literal(stripped)))
    return _from_genotype(text)


def _fixed(cells: list) -> DartsArch:
    """A genotype of two cells' pairs, both concatenating states 2..5."""
    return DartsArch(tuple(cells[0]), tuple(cells[1]))


NB301_RECORD_KEYS = ("optimized_hyperparamater_config", "optimized_hyperparameter_config")  # sic, and fixed
RECORD_KEYS = ("genotype", "compact", "arch", "architecture")  # a labelled record's architecture field


def _from_mapping(obj: Mapping) -> DartsArch:
    """A genotype's fields (``normal``, ``reduce``, ...) or a NAS-Bench-301 configuration, or a record
    holding one of the forms under one of :data:`NB301_RECORD_KEYS` or :data:`RECORD_KEYS` (its other
    fields, such as labels, are not part of the architecture)."""
    for key in NB301_RECORD_KEYS:
        if isinstance(obj.get(key), Mapping):
            obj = obj[key]
    held = [k for k in RECORD_KEYS if k in obj]
    if len(held) > 1:
        raise ArchitectureError(f"a DARTS record holds one architecture, got fields {', '.join(held)}")
    if held:
        inner = obj[held[0]]
        if isinstance(inner, Mapping) and any(k in inner for k in RECORD_KEYS):
            raise ArchitectureError(f"a DARTS record's {held[0]} field holds another record")
        return parse(inner)
    if {"normal", "reduce"} & set(obj):
        return _from_fields(dict(obj))
    from tgnas.spaces.darts_forms import from_config  # imports this module

    return _fixed(from_config(obj))


def _from_fields(fields: dict) -> DartsArch:
    """A genotype from its fields, checked: both cells given, no unknown field."""
    unknown = set(fields) - set(GENOTYPE_FIELDS)
    if unknown:
        raise ArchitectureError(f"DARTS genotype has unknown field(s) {quote(sorted(map(str, unknown)))}")
    missing = {"normal", "reduce"} - set(fields)
    if missing:
        raise ArchitectureError(f"DARTS genotype lacks {', '.join(sorted(missing))}")
    cells = [_pairs(fields[name], name) for name in ("normal", "reduce")]
    concats = [_concat(fields.get(f"{n}_concat", (2, 3, 4, 5)), f"{n}_concat") for n in ("normal", "reduce")]
    return DartsArch(cells[0], cells[1], concats[0], concats[1])


def _from_genotype(text: str) -> DartsArch:
    """The ``Genotype(...)`` string."""
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" in a user's string is not ours to print
            warnings.simplefilter("ignore")
            expr = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError) as exc:  # ValueError: a NUL byte
        raise ArchitectureError(
            f"malformed DARTS genotype {quote(text)}: {getattr(exc, 'msg', exc)}"
        ) from None
    except (RecursionError, MemoryError):
        raise ArchitectureError(f"malformed DARTS genotype {quote(text)}: nested too deep") from None
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "Genotype"):
        raise ArchitectureError(f"a DARTS genotype looks like Genotype(normal=[...], ...), got {quote(text)}")
    if expr.args:
        raise ArchitectureError("DARTS genotype fields must be given by name (normal=..., reduce=...)")
    names = [kw.arg for kw in expr.keywords]
    if None in names:
        raise ArchitectureError("a DARTS genotype takes its fields by name, not through **")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ArchitectureError(f"DARTS genotype field(s) given twice: {', '.join(repeated)}")
    unknown = set(names) - set(GENOTYPE_FIELDS)
    if unknown:
        raise ArchitectureError(f"DARTS genotype has unknown field(s) {quote(sorted(unknown))}")
    return _from_fields({kw.arg: _literal(kw.value, str(kw.arg)) for kw in expr.keywords})


def is_genotype(obj: object) -> bool:
    """Whether ``obj`` is a DARTS ``Genotype`` namedtuple (``normal``, ``normal_concat``, ``reduce``,
    ``reduce_concat``), whichever module defined it."""
    return type(obj).__name__ == "Genotype" and tuple(getattr(obj, "_fields", ())) == GENOTYPE_FIELDS


def format_arch(arch: DartsArch) -> str:
    """The ``Genotype(...)`` string of ``arch`` (inverse of :func:`parse`)."""
    return (
        f"Genotype(normal={list(arch.normal)}, normal_concat={list(arch.normal_concat)}, "
        f"reduce={list(arch.reduce)}, reduce_concat={list(arch.reduce_concat)})"
    )


def _cell_nodes(
    edges: tuple[Edge, ...], concat: tuple[int, ...], reads: list[int], first: int, cost: dict
) -> tuple[list[str], list[tuple[int, int]], list, int]:
    """Op nodes of one cell numbered from ``first``; ``reads`` = graph nodes holding states 0 and 1.

    Returns ``(ops, edges, costs, concat node)``; the concat node is numbered after the op nodes. Ops that
    are ``none``, or whose result never reaches the concat, are left out.
    """
    feeds = {
        j: [k for k in range(2 * STEPS) if 2 + k // 2 == j and edges[k][0] != "none"]
        for j in range(2, 2 + STEPS)
    }
    live = set()  # states whose value reaches the output
    stack = list(concat)
    while stack:
        j = stack.pop()
        if j in live or j < 2:
            continue
        live.add(j)
        stack.extend(edges[k][1] for k in feeds[j])
    kept = [k for j in sorted(live) for k in feeds[j]]
    kept = [k for k in kept if edges[k][1] < 2 or feeds[edges[k][1]]]  # drop ops reading an empty state
    node_of = {k: first + pos for pos, k in enumerate(kept)}
    out = first + len(kept)
    graph_edges = []
    for k in kept:
        src = edges[k][1]
        if src < 2:
            graph_edges.append((reads[src], node_of[k]))
        else:
            graph_edges.extend((node_of[p], node_of[k]) for p in feeds[src] if p in node_of)
    for j in concat:
        graph_edges.extend((node_of[k], out) for k in feeds[j] if k in node_of)
    return [edges[k][0] for k in kept], graph_edges, [cost[edges[k][0]] for k in kept], out


def to_graph(arch: DartsArch) -> OpGraph:
    """Operator graph: ``input -> normal cell ops -> concat -> reduction cell ops -> output``.

    Both inputs of a cell (states 0 and 1) read the same graph node (the previous cell's output): the cell
    graph does not tell the two previous cells apart. Every ``(operation, state)`` pair is an op node;
    ``none`` operations and operations whose result never reaches the cell output are left out. Op nodes
    carry their costs at stride 1: ``C = 16`` at 32x32 in the normal cell, ``C = 32`` at 16x16 in the
    reduction cell (:func:`tgnas.networks.darts_ops.darts_op_costs`).

    Raises:
        ArchitectureError: a cell whose output no operation reaches.
    """
    from tgnas.networks.darts_ops import darts_op_costs

    n_ops, n_edges, n_costs, n_out = _cell_nodes(
        arch.normal, arch.normal_concat, [0, 0], 1, darts_op_costs(16, 32)
    )
    r_ops, r_edges, r_costs, r_out = _cell_nodes(
        arch.reduce, arch.reduce_concat, [n_out, n_out], n_out + 1, darts_op_costs(32, 16)
    )
    if not n_ops or not r_ops:
        raise ArchitectureError("a DARTS cell of this genotype has no operation that reaches its output")
    ops = (INPUT, *n_ops, CONCAT, *r_ops, OUTPUT)
    costs = (None, *n_costs, None, *r_costs, None)
    return OpGraph(ops, tuple(n_edges + r_edges), costs=costs)


class DartsSpace:
    """DARTS: normal and reduction cells of 4 nodes, 2 inputs each, 8 operations (no ground truth here)."""

    name = "darts"
    ops = OPS
    arch_type = DartsArch

    def parse(self, text: str) -> DartsArch:
        return parse(text)

    def format(self, arch: DartsArch) -> str:
        return format_arch(arch)

    def size(self) -> None:
        return None

    def enumerate(self) -> Iterator[DartsArch]:
        raise TgnasError("the DARTS space (about 10^18 genotypes) is too large to enumerate")

    def _cell(self, rng: np.random.Generator) -> tuple[Edge, ...]:
        edges: list[Edge] = []
        for j in range(2, 2 + STEPS):
            for src in sorted(rng.choice(j, size=2, replace=False).tolist()):
                edges.append((SAMPLED_OPS[int(rng.integers(len(SAMPLED_OPS)))], int(src)))
        return tuple(edges)

    def sample(self, rng: np.random.Generator) -> DartsArch:
        """Two distinct inputs per node and a non-``none`` operation per input, uniformly; concat 2..5."""
        return DartsArch(self._cell(rng), self._cell(rng))

    def mutate(self, arch: DartsArch, rng: np.random.Generator) -> DartsArch:
        """Changes one choice of one cell: an edge's operation, or an edge's input (kept distinct from the
        node's other input)."""
        cell = "normal" if rng.random() < 0.5 else "reduce"
        edges = list(getattr(arch, cell))
        k = int(rng.integers(len(edges)))
        op, src = edges[k]
        node = 2 + k // 2
        other = edges[k ^ 1][1]
        sources = [s for s in range(node) if s not in (src, other)]
        if rng.random() < 0.5 or not sources:
            choices = [o for o in SAMPLED_OPS if o != op]
            edges[k] = (choices[int(rng.integers(len(choices)))], src)
        else:
            edges[k] = (op, sources[int(rng.integers(len(sources)))])
        fields = {"normal": arch.normal, "reduce": arch.reduce, cell: tuple(edges)}
        return DartsArch(fields["normal"], fields["reduce"], arch.normal_concat, arch.reduce_concat)

    def canonical(self, arch: DartsArch) -> str:
        """The genotype with each node's two inputs in a fixed order (the sum is commutative)."""

        def cell(edges: tuple[Edge, ...]) -> tuple[Edge, ...]:
            return tuple(
                e
                for k in range(0, len(edges), 2)
                for e in sorted(edges[k : k + 2], key=lambda e: (e[1], e[0]))
            )

        return format_arch(
            DartsArch(
                cell(arch.normal),
                cell(arch.reduce),
                tuple(sorted(arch.normal_concat)),
                tuple(sorted(arch.reduce_concat)),
            )
        )

    def to_graph(self, arch: DartsArch) -> OpGraph:
        return to_graph(arch)

    def build(self, arch: DartsArch, **kwargs):
        """The NAS-Bench-301 CIFAR-10 network (:class:`tgnas.networks.darts.DartsNetwork`; keyword
        arguments ``channels``, ``layers``, ``num_classes``)."""
        from tgnas.networks.darts import DartsNetwork

        return DartsNetwork(arch, **kwargs)
