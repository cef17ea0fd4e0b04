"""tgnas: zero-cost neural architecture search.

Importing ``tgnas`` is light: it loads neither Lightning nor the sentence transformer nor torch; those are
imported by the submodules that need them.
"""

__version__ = "0.1.0"


def load_predictor(path=None, device="cpu"):
    """Loads a predictor checkpoint (the shipped default if ``path`` is None) on CPU by default.

    See :func:`tgnas.predictor.predictor.load_predictor`; imported lazily to keep ``import tgnas`` light.
    """
    from tgnas.predictor.predictor import load_predictor as _load

    return _load(path, device)


def __getattr__(name: str):
    """``tgnas.Proxy`` and ``tgnas.graph_from_module`` are imported on first use (tgnas stays light)."""
    if name == "Proxy":
        from tgnas.api import Proxy

        return Proxy
    if name == "graph_from_module":
        from tgnas.trace import graph_from_module

        return graph_from_module
    raise AttributeError(f"module 'tgnas' has no attribute {name!r}")
