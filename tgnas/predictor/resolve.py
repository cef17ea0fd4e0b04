r"""Reads an operator text the predictor never trained on as the known operator it describes.

A GCN trained on a few wordings of each operator extrapolates from wherever a new wording's embedding
lands, and a paraphrase far from every training text ("a three-wide kernel" for a 3x3 convolution) can land
nearer another operator's texts. Before scoring, a text :math:`t` that is not a training text and whose
cosine to the nearest training text is below :data:`~tgnas.predictor.prior.NOVEL_COSINE` is matched against
a bank of anchor texts per operator family :math:`F` (every wording and paraphrase of every described
operator in ``data/ops/descriptions.json``, plus the texts the spaces generate), read alone and prefixed
by the node's operator name :math:`n` (underscores and hyphens as spaces, ``"blur: <text>"``), since a
user's name for an operator says what it is as much as its text does:

.. math::
    s_F(t) = \max_{a \in A_F} \max\bigl(\cos(e(t), e(a)),\ \cos(e(n{:}\,t), e(a))\bigr), \qquad
    F^*(t) = \arg\max_F s_F(t).

Families that what the node's name and text state outright rules out are skipped first
(:mod:`tgnas.predictor.stated`: a kernel size other than the family's; weights where the family has none,
or none where it has some; an output of another kind, such as all zeros for the identity; a
specialisation such as "separable", or a network's layer, never mentioned). A node's place restricts
the families further: the first node of a graph is an input (or a network's stem), the last an output (a
cell's sum or concatenation, a network's head), every other node an operation or a network's stem or
head (:data:`END_FAMILIES`), except that an inner node is read as a concatenation that ends one cell and
feeds the next (:data:`CELL_END`, as in the DARTS space's graph of a genotype) if that family matches it
clearly (above :data:`FLOOR`, leading every other by :data:`MARGIN`), and it then embeds the
concatenation's own text.

If :math:`s_{F^*}(t) \ge` :data:`FLOOR` and leads every other family by :data:`MARGIN`, the node is read as
:math:`F^*`: it embeds the default text of the family's own operator (what the space gives that operator, so
that a cell read in full scores as the cell given), or, for a network's layers, stem and head (texts with
numbers), the training text of :math:`F^*` nearest :math:`t` (so a layer stays with the training layer it is
most like). A family the predictor never trained on is read the same way, as its own operator's default text
unless it is near a training text (so a DARTS cell in new words scores as its genotype does; the
unseen-operator prior of :mod:`tgnas.predictor.prior` applies to both alike); a text of the anchor bank is
read as its own family. A text above the floor without a clear lead has as candidates the families within
:data:`MARGIN` of the best (at most :data:`MAX_CANDIDATES`), of which only those the predictor trained on if
there are any (a family it never trained on is an extrapolation): one such family is the reading; with
several, the node is read as each in turn and the predictor averages its graphs' scores over those readings
(:meth:`TextResolver.resolve`). A weak match, :data:`LOW_FLOOR` :math:`\le s_{F^*}(t) <` :data:`FLOOR`, of a
text that states a kernel size, whether it has weights or what it outputs (the match is then among the
families those leave) is read the same way but only as families the predictor trained on (none of them within
the margin: the text is left as it is). A weak match of an inner node, :data:`WEAK_FLOOR` :math:`\le
s_{F^*}(t) <` :data:`FLOOR`, that leads every other family by :data:`WEAK_MARGIN` is read as :math:`F^*` if
that is a cell operation the predictor trained on (not a network's layer). A text whose stated kernel size and
weights together leave one cell operation the predictor trained on is read as it, however weak its match;
there, a text stating what its operation outputs (zeros, its input, a mean, a maximum: a weightless
operation's outputs) and no weights states it has none. A first or last node whose text states an output
kind (:func:`~tgnas.predictor.stated.stated_output`) that one family its place allows has is read as that
family, however weak its match (``tf.concat(vertex_outputs, axis=3)`` ends a cell by concatenating, as
NAS-Bench-101's output does). Any other text below the floor describes no operator tgnas knows and is left
as it is. The family is also what decides nominal costs
(:mod:`tgnas.predictor.nominal`).

A graph is read for what flows through it as well: nodes read as the zero operation are dropped and
nodes read as sums contracted (:mod:`tgnas.predictor.reading`).

A family groups operators that compute the same thing in different spaces (``"family"`` in the
descriptions: NAS-Bench-101's ``conv3x3-bn-relu`` is in ``nor_conv_3x3``'s). A node read as a family that
several spaces share is read as the operator of the space its graphs come from: of the cell spaces whose
every operator the predictor trained on, the one whose operators cover every family read in the call's
graphs (a max pool says NAS-Bench-101, a zero operation, identity or average pool NAS-Bench-201; a node
given by one space's own text counts for that space alone), else in the node's graph, else none; the node
then embeds that space's operator's text and takes its nominal cost (none for NAS-Bench-101's).

A graph whose inner nodes are all read as NAS-Bench-101's operations and that is one of its cells (at most 7
vertices and 9 edges) is read back into that cell (:mod:`tgnas.spaces.nb101_read`) and scored as the space's
own graph of it, with the cell's costs (a vertex's width depends on the cell, so no nominal cost fits), its
own costs kept if it has them: where the predictor trained on the space's operations and the reading's space
is NAS-Bench-101, or no space and either its output is read as a concatenation or no NAS-Bench-201 cell
(whose output sums) has the same graph. A chain ``input -> 3x3 convolution -> output`` with a generic output
is both spaces' and stays as read.

A network written as a chain of layer texts that state their numbers (an Accel-NASBench network's
expansion, kernel, squeeze-and-excitation and widths), or of its operations (:mod:`tgnas.spaces.anb_opread`:
expansion, depthwise convolution, SE, projection; a traced network), is first read back into its
architecture (:mod:`tgnas.spaces.anb_read`) and scored as the mean over the space's wordings of the space's
own graph of it, its costs kept if it has them one per layer: a sentence encoder reads numbers poorly, so
they are not left to it, and no one wording decides the score.

How :data:`FLOOR`, :data:`LOW_FLOOR`, :data:`MARGIN`, :data:`WEAK_FLOOR` and :data:`WEAK_MARGIN` were
chosen (on wordings written for choosing them, apart from any that is reported) is in
``docs/universal.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cached_property, partial

import numpy as np

from tgnas.embed import OperatorEmbedder, anchor_texts, describe_op, known_operators, paraphrases, wordings
from tgnas.embed import family as family_of
from tgnas.opgraph import OpGraph
from tgnas.predictor import nominal
from tgnas.predictor.nominal import CELL_END
from tgnas.predictor.prior import NOVEL_COSINE
from tgnas.predictor.reading import ZERO, Reading, contract_sums, drop_zero
from tgnas.predictor.stated import (
    LAYERS,
    OUTPUT,
    SUM,
    family_weights,
    rules_out,
    stated_kernel,
    stated_output,
    stated_weights,
)

FLOOR = 0.5
LOW_FLOOR = 0.4  # below FLOOR, down to this, a text stating something is read as a trained family
MARGIN = 0.05
WEAK_FLOOR = 0.35  # below FLOOR, down to this, a clear lead of WEAK_MARGIN is read (a trained cell operation)
WEAK_MARGIN = 0.12
END_FAMILIES = {"first": frozenset({"input", "stem"}), "last": frozenset({"output", "concat", "head"})}
ENDS_ONLY = frozenset({"input", "output", "concat"})  # a network's stem and head may sit inside its graph
ROLES = ("first", "inner", "last")
MAX_CANDIDATES = 3  # families a text without a clear lead is read as, each in turn
MAX_VARIANTS = 9  # ways of reading one call's graphs (product of its texts' candidates) that are scored


def allowed(family: str, role: str) -> bool:
    """Whether a node in ``role`` (``first``, ``inner`` or ``last``) can be read as ``family``."""
    if role == "inner":
        return family not in ENDS_ONLY
    return family in END_FAMILIES[role]


def named(op: str, text: str) -> str:
    """The text prefixed by the operator's name, ``"conv small: <text>"``."""
    return f"{op.replace('_', ' ').replace('-', ' ').strip()}: {text}"


class TextResolver:
    """Reads each node as an operator family and replaces far-from-training texts by a training text of it.

    Args:
        training_texts: the texts the predictor trained on (its card's ``training_texts``).
        embedder: the predictor's embedder.
        floor: minimum anchor cosine for a match (:data:`FLOOR`).
        low_floor: minimum anchor cosine for a match with a family the predictor trained on, of a text
            that states a kernel size, weights or its output (:data:`LOW_FLOOR`).
        margin: minimum lead of the best family over the next (:data:`MARGIN`).
        novel_below: texts at least this close to a training text are kept as they are.
    """

    def __init__(
        self,
        training_texts: Iterable[str],
        embedder: OperatorEmbedder,
        floor: float = FLOOR,
        margin: float = MARGIN,
        low_floor: float = LOW_FLOOR,
        novel_below: float = NOVEL_COSINE,
    ) -> None:
        self.training = sorted(set(training_texts))
        self.embedder = embedder
        self.floor = floor
        self.low_floor = min(low_floor, floor)
        self.margin = margin
        self.weak_floor = min(WEAK_FLOOR, floor)
        self.weak_margin = WEAK_MARGIN
        self.novel_below = novel_below
        self._readings: dict[tuple[str, str, str], Reading] = {}

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self.training)

    @cached_property
    def _bank(self) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, int]]:
        """Family names, each anchor's family index, the anchors' embeddings ``(A, 384)`` and each anchor
        text's family index."""
        families, texts, owner = [], [], []
        for family, anchors in anchor_texts().items():
            families.append(family)
            texts.extend(anchors)
            owner.extend([len(families) - 1] * len(anchors))
        where = dict(zip(texts, owner, strict=True))
        return families, np.asarray(owner), self.embedder.embed_texts(texts), where

    @cached_property
    def _trained_families(self) -> frozenset[int]:
        """The families (indices) with a training text."""
        return frozenset(int(f) for f in self._training_family if f >= 0)

    def _known_families(self, output: str | None) -> frozenset[int]:
        """The families a text that states an ``output`` kind (:func:`stated_output`) may be read as on a
        weak or near-equal match: those with a training text, and, for a text that states a sum of its
        inputs, the sum family where it is contracted (:attr:`contracts`; the predictor never sees it)."""
        if output != OUTPUT[SUM] or not self.contracts:
            return self._trained_families
        return self._trained_families | {self._bank[0].index(SUM)}

    @cached_property
    def contracts(self) -> bool:
        """Whether nodes read as a sum of their inputs are contracted (:func:`contract_sums`): where the
        predictor trained on no text of that family, its spaces summing an operation's inputs implicitly."""
        families = self._bank[0]
        return SUM in families and families.index(SUM) not in self._trained_families

    @cached_property
    def _zero_texts(self) -> frozenset[str]:
        """The wordings and paraphrases of the zero operation's family (a known text of it is one of them),
        without embedding the anchor bank: the check runs on every call."""
        ops = [op for op in known_operators() if family_of(op) == ZERO]
        return frozenset(t for op in ops for t in (*wordings(op), *paraphrases(op)))

    @cached_property
    def _end_texts(self) -> frozenset[str]:
        """The training texts of the families only an end node can be read as (an input's, an output's),
        without embedding the anchor bank."""
        return frozenset(t for f in ENDS_ONLY for t in anchor_texts().get(f, ())) & self._known

    @cached_property
    def _training_family(self) -> np.ndarray:
        """The family index of each training text (-1 for a text in no family's bank)."""
        where = self._bank[3]
        return np.array([where.get(t, -1) for t in self.training], dtype=np.int64)

    @cached_property
    def _own_text(self) -> dict[int, str]:
        """Family index -> the text its own operator is given by default (:func:`~tgnas.embed.describe_op`),
        where the predictor trained on that text or on no text of the family; network layers (texts with
        numbers) have none."""
        families = self._bank[0]
        known, trained = self._known, self._trained_families
        out = {}
        for f, name in enumerate(families):
            own = describe_op(name) if name not in LAYERS and name in self._described else None
            if own is not None and (own in known or f not in trained):
                out[f] = own
        return out

    def _as_text(self, text: str, near: bool, to_train: np.ndarray, family: int) -> str:
        """What a node of ``text`` read as ``family`` (an index) embeds: ``text`` itself if it is a training
        text, or ``near`` one and the family has no training text; else the default text of the family's
        own operator if the predictor trained on it or on no text of the family; else the family's training
        text nearest it (``to_train``: its cosines to the training texts), or ``text`` itself if it is
        ``near`` a training text or the family has no own text (a network's layers)."""
        mine = np.flatnonzero(self._training_family == family)
        if text in self._known or (near and not len(mine)):
            return text
        if family in self._own_text:
            return self._own_text[family]
        return text if near or not len(mine) else self.training[int(mine[to_train[mine].argmax()])]

    def read(self, nodes: Sequence[tuple[str, str]], role: str = "inner") -> list[Reading]:
        """How each ``(operator name, text)`` node is read in ``role`` (``first``, ``inner``, ``last``)."""
        if role not in ROLES:
            raise ValueError(f"unknown node role {role!r}; one of {ROLES}")
        new = [n for n in dict.fromkeys(nodes) if (role, *n) not in self._readings]
        if new:
            self._read_new(new, role)
        return [self._readings[role, *n] for n in nodes]

    def _read_new(self, nodes: list[tuple[str, str]], role: str) -> None:
        known = self._known
        texts = [t for _, t in nodes]
        vecs = self.embedder.embed_texts(texts)  # (T, 384)
        train = self.embedder.embed_texts(self.training) if self.training else np.zeros((0, vecs.shape[1]))
        to_train = vecs @ train.T  # (T, training)
        families, owner, bank, where = self._bank
        to_bank = vecs @ bank.T  # (T, A)
        novel = [i for i, t in enumerate(texts) if t not in known]
        if novel:  # a new text is also read with its operator's name
            with_name = self.embedder.embed_texts([named(*nodes[i]) for i in novel])
            to_bank[novel] = np.maximum(to_bank[novel], with_name @ bank.T)
        per_family = np.full((len(nodes), len(families)), -np.inf)
        for f, name in enumerate(families):
            if allowed(name, role):
                per_family[:, f] = to_bank[:, owner == f].max(axis=1)
        for i, (op, t) in enumerate(nodes):
            kernel, weights, output = stated_kernel(op, t), stated_weights(op, t), stated_output(op, t)
            any_stated = (kernel, weights, output) != (None, None, None)
            for f, name in enumerate(families):
                if rules_out(name, op, t, kernel, weights, output):
                    per_family[i, f] = -np.inf
            order = np.argsort(-per_family[i])
            f, second = order[0], order[1]
            match = float(per_family[i, f])
            margin = match - float(per_family[i, second])
            near = t in known or (to_train.shape[1] > 0 and to_train[i].max() >= self.novel_below)

            as_text = partial(self._as_text, t, near, to_train[i])
            family, read_as, candidates = None, t, ()
            clear = match >= self.floor and margin >= self.margin
            anchor = where.get(t)  # a text of the bank is its own family's, however near another's
            if anchor is not None and np.isfinite(per_family[i, anchor]) and not clear:
                f, clear = anchor, True
            if clear or self._weak_lead(match, margin, role, int(f), output):
                family, read_as = families[f], as_text(f)
            elif match >= self.floor or (match >= self.low_floor and any_stated):
                close = [g for g in order[:MAX_CANDIDATES] if per_family[i, g] > match - self.margin]
                trained = [g for g in close if g in self._known_families(output)]
                if match < self.floor:  # a weak match: only as families the predictor trained on
                    close = trained
                if len(trained) == 1:  # the one near-equal the predictor knows
                    family, read_as = families[trained[0]], as_text(trained[0])
                elif close:
                    candidates = tuple((families[g], as_text(g)) for g in trained or close)
            # an output of a stated kind (zeros, the input, a mean, a maximum) is a weightless operation's
            weightless = weights is False or (weights is None and output is not None)
            if family is None and not candidates and kernel is not None and (weights or weightless):
                left = self._left(per_family[i], weightless)
                if len(left) == 1:  # what a stated kernel and weights leave
                    family, read_as = families[left[0]], as_text(left[0])
            if family is None and not candidates and output is not None and role != "inner":
                left = [g for g in order if np.isfinite(per_family[i, g])]
                kind = [g for g in left if OUTPUT.get(families[g]) == output]
                if len(kind) == 1:  # an end node of the one family of the output kind it states
                    family, read_as = families[kind[0]], as_text(kind[0])
            end = self._cell_end(to_bank[i], per_family[i], op, t, kernel) if role == "inner" else None
            if end is not None:  # a concatenation that ends a cell and feeds the next
                family, read_as, candidates = CELL_END, describe_op(CELL_END), ()
                match, margin = end
            self._readings[role, op, t] = Reading(op, t, family, match, margin, read_as, candidates)

    def _cell_end(self, to_bank: np.ndarray, scores: np.ndarray, op: str, text: str, kernel: int | None):
        """For an inner node: ``(match, margin)`` of the cell's concatenation (:data:`CELL_END`) if
        its :math:`s_F(t)` (``to_bank``: the text's cosines to the anchors) is above the floor and leads
        every family the node could be read as (``scores``) by the margin, else ``None``."""
        families, owner, _, _ = self._bank
        mine = float(to_bank[owner == families.index(CELL_END)].max())
        lead = mine - float(np.max(scores))
        if mine >= self.floor and lead >= self.margin and not rules_out(CELL_END, op, text, kernel):
            return mine, lead
        return None

    def _left(self, scores: np.ndarray, weightless: bool = False) -> list[int]:
        """The cell operations the predictor trained on (not a network's layers) that what a text states
        has not ruled out (``scores``: its :math:`s_F(t)` per family, ``-inf`` where ruled out), without
        weights if ``weightless``."""
        families = self._bank[0]
        return [
            f
            for f in sorted(self._trained_families)
            if np.isfinite(scores[f])
            and families[f] not in LAYERS
            and not (weightless and family_weights(families[f]))
        ]

    def _weak_lead(self, match: float, margin: float, role: str, f: int, output: str | None) -> bool:
        """Whether a match below :data:`FLOOR` leads clearly enough to be read: an inner node's text at
        least :data:`WEAK_FLOOR` from a cell operation the predictor knows (:meth:`_known_families` for the
        ``output`` kind the text states; not a network's layer), leading every other family by
        :data:`WEAK_MARGIN`."""
        name = self._bank[0][f]
        return (
            role == "inner"
            and self.weak_floor <= match < self.floor
            and margin >= self.weak_margin
            and f in self._known_families(output)
            and name not in LAYERS
        )

    def _cost_key(self, r: Reading) -> str | None:
        """What fixes a node's nominal cost: a described operator's own name (NAS-Bench-101's operations,
        whose widths depend on the cell, have none), else the family the node is read as if it embeds the
        family's own operator's text (which another space's operator may share), else the operator whose
        text it is read as (a space's operator of a shared family), else the family."""
        if r.op in self._described:
            return r.op
        if r.family in self._described and r.read_as == describe_op(r.family):
            return r.family
        return self._member_op.get(r.read_as, r.family)

    @cached_property
    def _described(self) -> frozenset[str]:
        return frozenset(known_operators())

    def readings(self, graphs: Sequence[OpGraph]) -> dict[str, Reading]:
        """Each distinct node text of ``graphs`` -> how its first node is read."""
        first: dict[str, tuple[str, str]] = {}  # text -> (operator name, role)
        for g in graphs:
            for i, (op, t) in enumerate(zip(g.ops, g.texts or (None,) * g.num_nodes, strict=True)):
                role = "first" if i == 0 else "last" if i == g.num_nodes - 1 else "inner"
                first.setdefault(self.embedder.text_of(op, t), (op, role))
        return {t: self.read([(op, t)], role)[0] for t, (op, role) in first.items()}

    def resolve(
        self, graphs: Sequence[OpGraph], impute: bool = True, rewrite: bool = True
    ) -> list[list[OpGraph]]:
        r"""The ways of reading ``graphs``: one list of graphs per way (one unless a text lacks a clear lead).

        In each, every resolvable node text is replaced and the nodes read as the zero operation dropped
        (:func:`drop_zero`; both with ``rewrite``) and, with ``impute``, the graphs without costs get nominal
        costs (:mod:`tgnas.predictor.nominal`) if every one of them has each node read as an operator of
        known cost; else none gets costs, so that graphs scored together are scored alike.

        A text above :data:`FLOOR` without a clear lead is read as each of its candidate families in turn:
        with texts :math:`t_1..t_m` of :math:`c_1..c_m` candidates there are :math:`\prod_j c_j` ways (the
        first texts, in order, as long as the product stays within :data:`MAX_VARIANTS`; any further one
        is left as it is), and the predictor averages a graph's scores over them. A graph with nothing to
        change is returned as is. A network whose layer texts state their numbers is first read as the
        space's own graph of it in each of the space's wordings (:meth:`wordings`): the ways above, for
        each wording in turn, so that its score is the mean over the space's wordings."""
        if not rewrite:
            return self._ways(graphs, impute, rewrite)
        return [way for worded in self.wordings(graphs) for way in self._ways(worded, impute, rewrite)]

    def _ways(self, graphs: Sequence[OpGraph], impute: bool, rewrite: bool) -> list[list[OpGraph]]:
        """:meth:`resolve` of graphs whose networks are read already."""
        nodes = self._node_texts(graphs)
        known = self._known
        new_text = rewrite and not known.issuperset(t for ns in nodes for _, t in ns)
        # a zero node to drop (input -> zero -> output, nothing flowing, stays as it is), or an end node's
        # text on an inner node (an output's sum there is read as a sum of inputs)
        inner = {t for ns in nodes if len(ns) > 3 for _, t in ns[1:-1]} if rewrite else set()
        zero = not inner.isdisjoint(self._zero_texts) or not inner.isdisjoint(self._end_texts)
        if not new_text and not zero and not (impute and any(g.costs is None for g in graphs)):
            return [list(graphs)]  # nothing to read or impute: no anchor bank needed
        table = {
            role: {(r.op, r.text): r for r in self.read(sorted(group), role)}
            for role, group in (
                ("first", {ns[0] for ns in nodes}),
                ("inner", {n for ns in nodes for n in ns[1:-1]}),
                ("last", {ns[-1] for ns in nodes}),
            )
        }
        roles = [("first", *["inner"] * (len(ns) - 2), "last") for ns in nodes]
        return [
            self._read_graphs(graphs, nodes, roles, table, choice, impute, rewrite)
            for choice in _choices(table)
        ]

    def _node_texts(self, graphs: Sequence[OpGraph]) -> list[list[tuple[str, str]]]:
        """Each graph's ``(operator, embedded text)`` per node; an operator's description looked up once."""
        described: dict[str, str] = {}
        text_of = self.embedder.text_of

        def of(op: str) -> str:
            text = described.get(op)
            return text if text is not None else described.setdefault(op, text_of(op))

        return [
            [(op, of(op)) for op in g.ops]
            if g.texts is None
            else [(op, t if t else of(op)) for op, t in zip(g.ops, g.texts, strict=True)]
            for g in graphs
        ]

    @cached_property
    def _members(self) -> dict[str, dict[str, str]]:
        """Family -> {space: that space's operator of the family}, for every cell space whose every operator
        the predictor trained on (``nor_conv_3x3``: NAS-Bench-201's ``nor_conv_3x3``, NAS-Bench-101's
        ``conv3x3-bn-relu``)."""
        from tgnas.spaces import SPACES, get_space

        out: dict[str, dict[str, str]] = {}
        for space in SPACES.names():
            ops = get_space(space).ops
            if all(op in self._described and describe_op(op) in self._known for op in ops):
                for op in ops:
                    out.setdefault(family_of(op), {})[space] = op
        return out

    @cached_property
    def _member_op(self) -> dict[str, str]:
        """The text of each operator of :attr:`_members` -> the operator."""
        return {describe_op(op): op for ops in self._members.values() for op in ops.values()}

    def space_of(self, reads: Iterable[Reading]) -> str | None:
        """The one cell space whose trained operators cover every family in ``reads`` that some space's
        trained operator has, a node given by that operator's own text counting for its space alone
        (``None``: no such space, or several)."""
        left: set[str] | None = None
        for r in reads:
            ops = self._members.get(r.family, {})
            own = {s for s, op in ops.items() if self._member_op.get(r.text) == op}
            if fits := own or set(ops):
                left = fits if left is None else left & fits
        return next(iter(left)) if left is not None and len(left) == 1 else None

    def in_space(self, r: Reading, space: str | None) -> Reading:
        """A node read (not given by a training text) as a family several spaces share, as ``space``'s
        operator of it."""
        ops = self._members.get(r.family, {})
        if space is None or r.text in self._known or len(ops) < 2 or space not in ops:
            return r
        return replace(r, read_as=describe_op(ops[space]))

    @cached_property
    def _knows_nb101(self) -> bool:
        """Whether the predictor trained on NAS-Bench-101's operations (its texts)."""
        return any("nb101" in ops for ops in self._members.values())

    def _as_nb101_cell(self, graph: OpGraph, read: Sequence[Reading], space: str | None) -> OpGraph:
        """``graph`` as NAS-Bench-101's own graph of the cell it is read as
        (:func:`tgnas.spaces.nb101_read.space_graph`), where the predictor trained on the space's operations
        and the reading's space is NAS-Bench-101, or none and either the output is read as a concatenation
        or no NAS-Bench-201 cell (whose output sums) has the graph; else ``graph``."""
        from tgnas.spaces.nb101_read import space_graph

        if space not in (None, "nb101") or not self._knows_nb101:
            return graph
        summed = space is None and read[-1].family != "concat"
        cell = space_graph(graph, [r.family for r in read], unless_nb201=summed)
        return graph if cell is None else cell

    def wordings(self, graphs: Sequence[OpGraph]) -> list[list[OpGraph]]:
        """``graphs`` once per wording of a space: each network whose layer (or operation) texts state their
        numbers read as the space's own graph of it in that wording
        (:func:`tgnas.spaces.anb_read.space_graphs`), the other graphs as they are; ``[graphs]`` where none
        is such a network."""
        from tgnas.spaces.anb_read import space_graphs

        read = [space_graphs(g) for g in graphs]
        if all(r is None for r in read):
            return [list(graphs)]
        n = max(len(r) for r in read if r is not None)
        return [[g if r is None else r[k] for g, r in zip(graphs, read, strict=True)] for k in range(n)]

    def networks(self, graphs: Sequence[OpGraph]) -> list[OpGraph]:
        """``graphs``, each network whose layer texts state their numbers read as the space's own graph of
        it in the space's first wording (:meth:`wordings`)."""
        return self.wordings(graphs)[0]

    def _read_graphs(self, graphs, nodes, roles, table, choice, impute: bool, rewrite: bool) -> list[OpGraph]:
        """``graphs`` read one way: ``table[role][(op, text)]`` unless ``choice`` settles it; a family
        several spaces share is read as the operator of the one space every graph's reading fits (of the
        call, else of the graph; else the family's own operator)."""
        reads = [
            [choice.get((role, *n)) or table[role][n] for n, role in zip(ns, rs, strict=True)]
            for ns, rs in zip(nodes, roles, strict=True)
        ]
        call = self.space_of(r for read in reads for r in read)
        out, kept = [], []
        for g, ns, read in zip(graphs, nodes, reads, strict=True):
            space = call or self.space_of(read)
            read = [self.in_space(r, space) for r in read]
            new = tuple(r.read_as for r in read)
            if rewrite and new != tuple(t for _, t in ns):
                g = OpGraph(g.ops, g.edges, new, g.costs)
            if rewrite:
                g, read = drop_zero(g, read)
                if self.contracts:
                    g, read = contract_sums(g, read)
                g = self._as_nb101_cell(g, read, space)
            out.append(g)
            kept.append(read)
        if impute:
            imputed = [
                nominal.impute(g, [self._cost_key(r) for r in read])
                for g, read in zip(out, kept, strict=True)
            ]
            if all(g.costs is not None for g in imputed):  # all or none: scores of one call stay comparable
                out = imputed
        return out


def _choices(table: dict[str, dict[tuple[str, str], Reading]]) -> list[dict[tuple[str, str, str], Reading]]:
    """Every combination of the candidates of the texts without a clear lead, up to :data:`MAX_VARIANTS`
    combinations (texts past that stay unread); ``[{}]`` when every text has a clear reading or none."""
    out: list[dict[tuple[str, str, str], Reading]] = [{}]
    for role, readings in table.items():
        for key, r in sorted(readings.items()):
            if r.candidates and len(out) * len(r.candidates) <= MAX_VARIANTS:
                out = [{**c, (role, *key): r.as_candidate(k)} for c in out for k in range(len(r.candidates))]
    return out
