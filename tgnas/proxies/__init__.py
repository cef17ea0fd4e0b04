"""Zero-cost proxies: one file per family, registered by name (``PROXIES.names()``).

Families: ``az`` (expressivity, progressivity, trainability, complexity), ``params``, ``flops``,
``synflow``, ``gradient`` (snip, grad_norm), ``grasp``, ``fisher``, ``nwot``, ``jacob_cov``, ``zen``,
``layerwise`` (lnwot, the saliency SNRs, T-CET and its variants), ``zico``, ``swap``.
Run them through :func:`compute_proxies`, which copies, initialises and seeds the model, or in one call
on a module or an architecture string with :func:`score`.
"""

from tgnas.proxies import (  # noqa: F401 (registers)
    activation,
    aznas,
    cost,
    fisher,
    gradient,
    grasp,
    layerwise,
    swap,
    synflow,
    zen,
    zico,
)
from tgnas.proxies.api import score
from tgnas.proxies.base import FAMILIES, PROXIES, ProxyBatch, ProxyError
from tgnas.proxies.init import INITS, initialise
from tgnas.proxies.runner import WORST, ProxyResult, compute_proxies

__all__ = [
    "FAMILIES",
    "INITS",
    "PROXIES",
    "WORST",
    "ProxyBatch",
    "ProxyError",
    "ProxyResult",
    "compute_proxies",
    "initialise",
    "score",
]
