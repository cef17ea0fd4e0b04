"""tgnas: zero-cost neural architecture search.

Importing ``tgnas`` is light: it loads neither Lightning nor the sentence transformer nor torch; those are
imported by the submodules that need them.
"""

__version__ = "0.1.0"
