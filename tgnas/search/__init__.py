"""Searchers behind one protocol, ``run(space, scorer, budget, rng) -> SearchResult``, by name.

``SEARCHERS.names()``: ``random``, ``evolution`` (aging evolution), ``prune`` (TE-NAS/TG-NAS pruning),
``hybrid`` (pruning then evolution), ``cascade`` (evolution on the ensemble's predictor, the whole
ensemble re-ranks a shortlist). :func:`search` is the one call the CLI and the plug-in API use.
"""

from tgnas.search import cascade, evolution, hybrid, prune, random  # noqa: F401  (registration)
from tgnas.search.base import SEARCHERS, Searcher, SearchResult, Tracker
from tgnas.search.driver import search

__all__ = ["SEARCHERS", "SearchResult", "Searcher", "Tracker", "search"]
