r"""Ranks and rank aggregation of several scorers (zero-cost proxies, a predictor, ...).

Every member gives one score per architecture, higher = better. Ranks are 1-based and ascending in the
score (the best architecture of ``n`` gets rank ``n``); ties get their average rank. A non-finite score
(a proxy that failed on that network) is the worst: it ranks below every finite score.

AZ-NAS's non-linear aggregation (Lee & Ham, CVPR 2024) sums log-normalised ranks,

.. math::
    s(a) = \sum_{m} \log\frac{\mathrm{rank}_m(a)}{n},

so that an architecture must rank well on *every* member: one bad rank costs much more than one good rank
gains. The linear alternative sums ``rank / n``. Weights multiply each member's term.

The orthogonality-informed aggregation (``orthogonal``) weights members on the candidate pool itself,
without labels. With :math:`\rho_{mk}` the Spearman correlation of members :math:`m, k` over the pool,
a member's *redundancy* :math:`r_m = \sum_k \rho_{mk}^2 \ge 1` (:math:`\rho_{mm} = 1`) is the effective
number of members ranking the pool the way it does, and its *relevance* is its agreement with the others,
each counted once however many copies it has: :math:`c_m = \sum_{k \ne m} \rho_{mk} / r_k \,/\,
\sum_{k \ne m} 1 / r_k` (the signal the members share). Then

.. math::
    w_m = \frac{\max(c_m, 0)}{r_m}, \qquad s(a) = \sum_m w_m \log\frac{\mathrm{rank}_m(a)}{n}:

near-duplicates (:math:`\rho \approx 1`) share one vote, a member orthogonal to the rest keeps its own, and
a member that disagrees with the consensus (:math:`c_m \le 0`) is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.stats import rankdata

from tgnas.errors import TgnasError, UnknownNameError
from tgnas.registry import Registry

AGGREGATIONS: Registry = Registry("aggregation")


def ranks(scores: Sequence[float]) -> np.ndarray:
    """1-based average ranks, ascending in score; NaN and -inf rank lowest, +inf is treated as NaN."""
    s = np.asarray(scores, dtype=float).ravel()
    if s.size == 0:
        raise TgnasError("cannot rank an empty list of scores")
    s = np.where(np.isfinite(s), s, -np.inf)
    return rankdata(s, method="average")


def finite_scores(scores: Sequence[float]) -> np.ndarray:
    """Non-finite scores (failures) replaced by a value below every finite one, for metrics that need
    finite inputs; ranks are unchanged. All-failed input becomes all zeros (one tie)."""
    s = np.asarray(scores, dtype=float).ravel()
    ok = np.isfinite(s)
    return np.where(ok, s, (s[ok].min() - 1.0) if ok.any() else 0.0)


def _members(scores: Mapping[str, Sequence[float]], weights: Mapping[str, float] | None) -> tuple:
    if not scores:
        raise TgnasError("rank aggregation needs at least one member")
    arrays = {name: np.asarray(v, dtype=float).ravel() for name, v in scores.items()}
    sizes = {a.size for a in arrays.values()}
    if len(sizes) != 1:
        raise TgnasError(
            f"members score different numbers of architectures: { {k: v.size for k, v in arrays.items()} }"
        )
    w = dict(weights or {})
    unknown = set(w) - set(arrays)
    if unknown:
        raise UnknownNameError(f"weights name members that are not aggregated: {', '.join(sorted(unknown))}")
    return arrays, {name: float(w.get(name, 1.0)) for name in arrays}, sizes.pop()


@AGGREGATIONS.register("log-rank")
def log_rank(scores: Mapping[str, Sequence[float]], weights: Mapping[str, float] | None = None) -> np.ndarray:
    r"""AZ-NAS non-linear aggregation: :math:`\sum_m w_m \log(\mathrm{rank}_m / n)` (higher = better)."""
    arrays, w, n = _members(scores, weights)
    return sum(w[name] * np.log(ranks(a) / n) for name, a in arrays.items())


@AGGREGATIONS.register("rank-sum")
def rank_sum(scores: Mapping[str, Sequence[float]], weights: Mapping[str, float] | None = None) -> np.ndarray:
    r"""Linear aggregation: :math:`\sum_m w_m \, \mathrm{rank}_m / n` (higher = better)."""
    arrays, w, n = _members(scores, weights)
    return sum(w[name] * ranks(a) / n for name, a in arrays.items())


def agreement(scores: Mapping[str, Sequence[float]]) -> tuple[list[str], np.ndarray]:
    """Members' names and their Spearman correlation matrix over the pool (failures rank lowest)."""
    arrays, _, n = _members(scores, None)
    names = list(arrays)
    if n < 3:
        raise TgnasError(f"member agreement needs a pool of at least 3 architectures, got {n}")
    r = np.vstack([ranks(arrays[m]) for m in names])  # (M, n)
    r = r - r.mean(1, keepdims=True)
    norm = np.sqrt((r * r).sum(1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (r @ r.T) / np.outer(norm, norm)
    return names, np.nan_to_num(rho)  # a constant member agrees with nothing


def orthogonal_weights(scores: Mapping[str, Sequence[float]]) -> dict[str, float]:
    """``{member: w_m}`` of the ``orthogonal`` aggregation (module docstring); 0 for dropped members."""
    names, rho = agreement(scores)
    m = len(names)
    if m == 1:
        return {names[0]: 1.0}
    redundancy = (rho**2).sum(1) - np.diag(rho) ** 2 + 1.0
    share = 1.0 / redundancy  # each member's share of its own vote
    off = ~np.eye(m, dtype=bool)
    relevance = np.array([(rho[k, off[k]] * share[off[k]]).sum() / share[off[k]].sum() for k in range(m)])
    return {n: float(max(c, 0.0) / r) for n, c, r in zip(names, relevance, redundancy, strict=True)}


@AGGREGATIONS.register("orthogonal")
def orthogonal(
    scores: Mapping[str, Sequence[float]], weights: Mapping[str, float] | None = None
) -> np.ndarray:
    r""":math:`\sum_m w_m \log(\mathrm{rank}_m / n)` with the label-free weights of
    :func:`orthogonal_weights`, times any given ``weights`` (higher = better)."""
    _members(scores, weights)  # checks the weights' names
    w = orthogonal_weights(scores)
    if not any(v > 0 for v in w.values()):
        raise TgnasError("no member agrees with the others on this pool: nothing to aggregate")
    for k, v in (weights or {}).items():
        w[k] *= float(v)
    return log_rank(scores, w)


def aggregate(
    scores: Mapping[str, Sequence[float]],
    method: str = "log-rank",
    members: Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Aggregates a subset ``members`` (default: all) of ``scores`` with the named method.

    The predictor's scores join as one more member, e.g. ``{"expressivity": ..., "predictor": ...}``.
    """
    if members is not None:
        missing = [m for m in members if m not in scores]
        if missing:
            raise UnknownNameError(f"no scores for member(s) {', '.join(missing)}; have: {', '.join(scores)}")
        scores = {m: scores[m] for m in members}
    return AGGREGATIONS.get(method)(scores, weights)
