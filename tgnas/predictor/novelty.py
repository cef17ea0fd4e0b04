r"""Which operators of a graph the predictor never saw in training, and what it will take them for.

A predictor reads operators through their text. For a text it never trained on, its score extrapolates from
the texts it knows, and the nearest of those (cosine similarity of the embeddings,
:math:`\cos(u, v) = u \cdot v` for the L2-normalised vectors) is the best hint of what it assumes. On
NAS-Bench-201, a predictor trained without average pooling reads ``avg_pool_3x3`` nearest the 3x3
convolution (cosine 0.42) and ranks pooling-heavy cells far too high; surfacing that lets a user check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from tgnas.embed import OperatorEmbedder
from tgnas.opgraph import OpGraph


@dataclass(frozen=True)
class UnseenOperator:
    """An operator text absent from a predictor's training graphs.

    Attributes:
        op: the operator name of the first node carrying the text.
        text: the text the predictor embeds for it.
        nearest: the training text with the most similar embedding.
        cosine: their cosine similarity (1 = same direction).
        nodes: how many nodes of the scored graphs carry the text.
        prior_weight: weight of the predictor's cost prior in the score of a graph carrying the text
            (:mod:`tgnas.predictor.prior`; 0: the GCN's extrapolation alone).
        family: the operator family the text is read as (:mod:`tgnas.predictor.resolve`), if any.
        read_as: the text the predictor embeds in its place, where it is replaced.
        candidates: the families it is read as in turn, its graph's scores averaged, when none leads
            clearly (:mod:`tgnas.predictor.resolve`).
        contracted: read as a sum of its inputs and contracted away (each node feeding it feeds the nodes
            it feeds; :func:`tgnas.predictor.reading.contract_sums`).
    """

    op: str
    text: str
    nearest: str
    cosine: float
    nodes: int
    prior_weight: float = 0.0
    family: str | None = None
    read_as: str | None = None
    candidates: tuple[str, ...] = ()
    contracted: bool = False


def node_texts(graphs: Iterable[OpGraph], embedder: OperatorEmbedder) -> dict[str, tuple[str, int]]:
    """Every distinct node text of ``graphs`` -> (operator of its first node, number of nodes)."""
    seen: dict[str, tuple[str, int]] = {}
    for g in graphs:
        for op, t in zip(g.ops, g.texts or (None,) * g.num_nodes, strict=True):
            text = embedder.text_of(op, t)
            first, count = seen.get(text, (op, 0))
            seen[text] = (first, count + 1)
    return seen


def unseen_operators(
    graphs: Sequence[OpGraph], training_texts: Sequence[str], embedder: OperatorEmbedder
) -> list[UnseenOperator]:
    """The texts of ``graphs`` not in ``training_texts``, each with its nearest training text; most
    frequent first."""
    if not training_texts:
        raise ValueError("no training texts to compare with")
    known = set(training_texts)
    new = {t: v for t, v in node_texts(graphs, embedder).items() if t not in known}
    if not new:
        return []
    reference = list(training_texts)
    nearest, cosine = _nearest(list(new), reference, embedder)
    out = [
        UnseenOperator(op, text, reference[k], c, count)
        for (text, (op, count)), k, c in zip(new.items(), nearest, cosine, strict=True)
    ]
    return sorted(out, key=lambda u: (-u.nodes, u.op))


def _nearest(
    texts: Sequence[str], reference: Sequence[str], embedder: OperatorEmbedder
) -> tuple[list[int], list[float]]:
    """For each text, the position of the most similar reference text and their cosine."""
    sims = embedder.embed_texts(list(texts)) @ embedder.embed_texts(list(reference)).T  # (texts, reference)
    return [int(k) for k in sims.argmax(axis=1)], [float(c) for c in sims.max(axis=1)]


def has_unseen(
    graphs: Sequence[OpGraph],
    training_texts: Iterable[str],
    embedder: OperatorEmbedder,
    novel_below: float = 1.0,
) -> np.ndarray:
    """Whether each graph has a node text outside ``training_texts`` whose cosine to the nearest training
    text is below ``novel_below`` (1.0: any text outside), shape ``(len(graphs),)``, bool."""
    known = set(training_texts)
    memo: dict[tuple[str, str | None], str | None] = {}  # node -> its text if outside the training texts
    new_per_graph = []
    for g in graphs:
        new = set()
        for node in zip(g.ops, g.texts or (None,) * g.num_nodes, strict=True):
            if node not in memo:
                text = embedder.text_of(*node)
                memo[node] = None if text in known else text
            if memo[node] is not None:
                new.add(memo[node])
        new_per_graph.append(new)
    candidates = sorted(set().union(*new_per_graph)) if new_per_graph else []
    novel = set(candidates)
    if candidates and novel_below < 1.0:
        if not known:
            raise ValueError("no training texts to compare with")
        _, cosine = _nearest(candidates, sorted(known), embedder)
        novel = {t for t, c in zip(candidates, cosine, strict=True) if c < novel_below}
    return np.array([bool(new & novel) for new in new_per_graph], dtype=bool)
