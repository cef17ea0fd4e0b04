r"""A cost prior that the predictor leans on where a graph has an operator it never trained on.

For a text it never saw, the GCN extrapolates from the texts it knows (:mod:`tgnas.predictor.novelty`),
and that can go far wrong: trained without pooling, it reads ``avg_pool_3x3`` as a convolution. A cell's
parameter count ranks accuracy fairly well whatever its operators are called, so such graphs are scored
by shrinking the GCN towards a line in log parameters fitted on the predictor's own labels:

.. math::

    \mathrm{prior}(g) = a + b \log\bigl(1 + P(g)\bigr), \qquad
    P(g) = \sum_{v \in g} \mathrm{params}(v), \qquad
    (a, b) = \arg\min \sum_{i \in \mathrm{train}} \bigl(y_i - a - b \log(1 + P(g_i))\bigr)^2,

.. math::

    s(g) = \begin{cases}
        (1 - w)\,\mathrm{gcn}(g) + w\,\mathrm{prior}(g) & \text{$g$ has a node text absent from training}\\
        \mathrm{gcn}(g) & \text{otherwise (or $g$ carries no costs).}
    \end{cases}

"Absent from training" means a text the predictor never trained on whose embedding's cosine to the
nearest training text is below :data:`NOVEL_COSINE` (0.85): the operators of NAS-Bench-201 and DARTS are
at most 0.72 from one another (1x1 vs 3x3 convolution, sep_conv vs 1x1, max vs average pooling), while a
known layer at new widths (the traced predictor's texts name channel counts) is 0.94 or more from its
NAS-Bench-201 counterpart and keeps the GCN's score. The line is not clipped: a graph with more
parameters than any training graph gets a prior beyond the labels' range (scores still rank; they are
not calibrated accuracies there).

Both terms estimate accuracy in the same units, so graphs with and without unseen operators stay comparable.

A multi-space predictor (:mod:`tgnas.predictor.multispace`) carries the term :math:`b \log(1 + P(g))`
inside its GCN, with :math:`b` fitted within each training space. Its prior is that same term,
:math:`a = 0`: then :math:`s(g) = (1 - w)\,r(g) + b \log(1 + P(g))` with :math:`r` the rest of the GCN's
score, so for a graph with an unseen operator the learned part is shrunk and the size term kept, whatever
the scale of its space (the NAS-Bench-201 line above would place every network of another space off its
range).
``w = 0.7`` (:attr:`tgnas.predictor.train.TrainConfig.unseen_prior_weight`) was chosen on the nested
unseen-operator protocol (``benchmarks/predictor.py --rows select-b --seeds 0,1``), which never looks at the
cells that protocol (b)'s average-pooling row judges (its skip and 1x1 rows judge, among others, cells that
these rows judged against validation accuracy): among NAS-Bench-201 cells without average pooling,
predictors trained without operator Y (skip, 1x1 or 3x3 convolution) ranked the cells with Y against
CIFAR-10 validation accuracy at mean Kendall tau 0.595 alone, 0.585 by the prior alone, and 0.679
blended with ``w = 0.7`` (0.660 at 0.5, 0.640 at 0.9; seed 2, run afterwards: 0.585, 0.581, 0.676 at 0.7).
Many cells share a parameter count; the prior orders the counts and the GCN orders the cells within one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from tgnas.errors import TgnasError
from tgnas.opgraph import OpGraph

NOVEL_COSINE = 0.85  # below this cosine to the nearest training text, an unseen text is a new operator


@dataclass(frozen=True)
class CostPrior:
    """``prior(g) = intercept + slope * log(1 + total params of g)``, mixed in with ``weight``.

    Attributes:
        intercept, slope: the least-squares line of the training targets on log parameters.
        weight: ``w`` above, in ``[0, 1]``; 0 turns the prior off.
    """

    intercept: float
    slope: float
    weight: float

    def __post_init__(self) -> None:
        check_weight(self.weight)
        if not (np.isfinite(self.intercept) and np.isfinite(self.slope)):
            raise TgnasError("the cost prior's line is not finite")

    def predict(self, graphs: Sequence[OpGraph]) -> np.ndarray:
        """``prior(g)`` per graph, shape ``(len(graphs),)``; NaN where a graph carries no costs."""
        params = np.array([total_params(g) for g in graphs], dtype=float)
        return self.intercept + self.slope * np.log1p(params)

    def blend(self, graphs: Sequence[OpGraph], gcn: np.ndarray, unseen: np.ndarray) -> np.ndarray:
        """``s(g)`` above: ``gcn`` (predicted accuracy) shrunk to the prior where ``unseen`` is true."""
        if self.weight == 0.0 or not np.any(unseen):
            return gcn
        prior = self.predict(graphs)
        mix = unseen & np.isfinite(prior)
        return np.where(mix, (1.0 - self.weight) * gcn + self.weight * prior, gcn)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> CostPrior:
        try:
            return cls(float(d["intercept"]), float(d["slope"]), float(d["weight"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise TgnasError(f"malformed cost prior {d!r}: {exc}") from None


def check_weight(weight: float) -> None:
    """Raises :class:`TgnasError` unless ``0 <= weight <= 1``."""
    if not 0.0 <= weight <= 1.0:
        raise TgnasError(f"the unseen-operator prior weight must be in [0, 1], got {weight}")


def total_params(graph: OpGraph) -> float:
    """Sum of the node parameter counts (a node without a cost counts as parameter-free, as a DARTS
    ``concat`` or an input node is), ``nan`` when the graph carries no costs at all."""
    if graph.costs is None:
        return float("nan")
    return float(sum(max(float(c.get("params", 0.0)), 0.0) for c in graph.costs if c))


def fit_cost_prior(graphs: Sequence[OpGraph], targets: Sequence[float], weight: float) -> CostPrior | None:
    """Least-squares ``(a, b)`` of ``targets`` on ``log(1 + P(g))``; ``None`` where it cannot be fitted
    (fewer than 2 graphs carry costs, or their parameter counts are all equal)."""
    check_weight(weight)
    x = np.log1p(np.array([total_params(g) for g in graphs], dtype=float))
    y = np.asarray(targets, dtype=float)
    if len(x) != len(y):
        raise TgnasError(f"{len(graphs)} graphs but {len(y)} targets")
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 2 or np.ptp(x[keep]) == 0.0:
        return None
    slope, intercept = np.polyfit(x[keep], y[keep], 1)
    return CostPrior(float(intercept), float(slope), float(weight))
