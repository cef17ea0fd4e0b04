"""tgnas: zero-cost neural architecture search.

Importing ``tgnas`` is light: it loads neither Lightning nor the sentence transformer nor torch; those are
imported by the submodules that need them. The plug-in API:

- :func:`load_predictor` / :class:`Predictor` (:mod:`tgnas.api`): ``score(arch) -> float``;
- ``tgnas.proxies``: the zero-cost proxies;
- :func:`graph_from_module` (:mod:`tgnas.trace`): any ``nn.Module`` as an operator graph.

``tgnas.Proxy`` is the former name of :class:`Predictor`, kept for one release with a
``DeprecationWarning`` (it collided with the zero-cost proxies of ``tgnas.proxies``).
"""

__version__ = "0.1.0"


def load_predictor(checkpoint=None, device="cpu", traced_checkpoint=None):
    """The shipped predictors (or the checkpoint ``checkpoint``: a shipped name or a path; modules not read
    back into a space: ``traced_checkpoint``, default the shipped traced-graph predictor) on ``device``, as a
    :class:`tgnas.api.Predictor`; imported lazily to keep ``import tgnas`` light."""
    from tgnas.api import Predictor

    return Predictor.load(checkpoint, device, traced_checkpoint)


# the library's pieces, imported on first use as attributes: ``import tgnas; tgnas.proxies.score(...)``
SUBMODULES = frozenset(
    {"aggregate", "api", "benchmarks", "errors", "evaluation", "predictor", "proxies", "score", "search"}
    | {"spaces", "trace"}
)


def __getattr__(name: str):
    """``tgnas.Predictor``, ``tgnas.graph_from_module`` (and the deprecated ``tgnas.Proxy``) and the
    :data:`SUBMODULES` are imported on first use (tgnas stays light)."""
    if name in SUBMODULES:
        import importlib

        return importlib.import_module(f"tgnas.{name}")
    if name in ("Predictor", "Proxy"):
        from tgnas.api import Predictor

        if name == "Proxy":
            import warnings

            warnings.warn(
                "tgnas.Proxy is deprecated: use tgnas.Predictor (or tgnas.load_predictor())",
                DeprecationWarning,
                stacklevel=2,
            )
        return Predictor
    if name == "graph_from_module":
        from tgnas.trace import graph_from_module

        return graph_from_module
    raise AttributeError(f"module 'tgnas' has no attribute {name!r}")
