"""Ranking metrics of scores against ground truth.

All functions take ``scores`` (higher = predicted better) and ``truth`` (e.g. test accuracy) of the same
architectures, as 1-d sequences of equal length, and reject NaN, length mismatches and fewer than two items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import stats

from tgnas.errors import TgnasError


def _check(scores: Sequence[float], truth: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    s, t = np.asarray(scores, dtype=float).ravel(), np.asarray(truth, dtype=float).ravel()
    if s.shape != t.shape:
        raise TgnasError(f"scores and truth differ in length ({s.size} vs {t.size})")
    if s.size < 2:
        raise TgnasError(f"ranking metrics need at least 2 architectures, got {s.size}")
    for name, v in (("scores", s), ("truth", t)):
        if not np.all(np.isfinite(v)):
            raise TgnasError(f"{name} contain {int((~np.isfinite(v)).sum())} NaN or infinite value(s)")
    return s, t


def kendall_tau(scores: Sequence[float], truth: Sequence[float]) -> float:
    """Kendall's tau-b (ties counted as in :func:`scipy.stats.kendalltau`).

    .. math::
        \\tau_b = \\frac{P - Q}{\\sqrt{(P + Q + T_s)(P + Q + T_t)}}

    with ``P``/``Q`` the concordant/discordant pairs and ``T`` the pairs tied in one ranking only.
    Returns 0 if either input is constant.
    """
    s, t = _check(scores, truth)
    tau = stats.kendalltau(s, t).statistic
    return 0.0 if np.isnan(tau) else float(tau)


def spearman_rho(scores: Sequence[float], truth: Sequence[float]) -> float:
    """Spearman's rho: Pearson correlation of the (average-tie) ranks. Returns 0 if either is constant."""
    s, t = _check(scores, truth)
    rho = stats.spearmanr(s, t).statistic
    return 0.0 if np.isnan(rho) else float(rho)


def precision_at_k(scores: Sequence[float], truth: Sequence[float], k: int) -> float:
    """Fraction of the ``k`` best-scored architectures that are among the ``k`` truly best.

    .. math::
        P@k = |\\mathrm{top}_k(s) \\cap \\mathrm{top}_k(t)| / k

    Ties are broken by a stable sort on position (first listed wins).
    """
    s, t = _check(scores, truth)
    if not 1 <= k <= s.size:
        raise TgnasError(f"k must be between 1 and {s.size}, got {k}")
    top_s = np.argsort(-s, kind="stable")[:k]
    top_t = np.argsort(-t, kind="stable")[:k]
    return len(set(top_s.tolist()) & set(top_t.tolist())) / k


def best_ranked_truth(scores: Sequence[float], truth: Sequence[float]) -> float:
    """True value of the best-scored architecture; the mean over ties for the best score."""
    s, t = _check(scores, truth)
    return float(t[s == s.max()].mean())


@dataclass(frozen=True)
class RankingReport:
    """Every ranking metric of one scorer on one set of architectures.

    Attributes:
        n: number of architectures.
        kendall_tau: Kendall's tau-b.
        spearman_rho: Spearman's rho.
        precision: ``{k: P@k}`` for the top 1 %, 5 % and 10 % (at least 1).
        best_ranked: true value of the best-scored architecture.
        oracle: best true value in the set.
    """

    n: int
    kendall_tau: float
    spearman_rho: float
    precision: dict[int, float] = field(default_factory=dict)
    best_ranked: float = float("nan")
    oracle: float = float("nan")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["precision"] = {str(k): v for k, v in self.precision.items()}
        return d


def evaluate_ranking(
    scores: Sequence[float], truth: Sequence[float], top_fractions: Sequence[float] = (0.01, 0.05, 0.1)
) -> RankingReport:
    """Computes a :class:`RankingReport`; ``P@k`` for ``k = max(1, round(f * n))`` per fraction ``f``."""
    s, t = _check(scores, truth)
    ks = sorted({max(1, round(f * s.size)) for f in top_fractions})
    return RankingReport(
        n=int(s.size),
        kendall_tau=kendall_tau(s, t),
        spearman_rho=spearman_rho(s, t),
        precision={k: precision_at_k(s, t, k) for k in ks},
        best_ranked=best_ranked_truth(s, t),
        oracle=float(t.max()),
    )
