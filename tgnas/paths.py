"""Where tgnas finds its shipped data and checkpoints.

Both default to the folders beside the package (``data/`` and ``checkpoints/`` of the repository) and can
be moved with the ``TGNAS_DATA`` and ``TGNAS_CHECKPOINTS`` environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder holding tgnas's data files (``$TGNAS_DATA`` or ``<repo>/data``)."""
    return Path(os.environ.get("TGNAS_DATA", _ROOT / "data"))


def checkpoint_dir() -> Path:
    """The folder holding shipped checkpoints (``$TGNAS_CHECKPOINTS`` or ``<repo>/checkpoints``)."""
    return Path(os.environ.get("TGNAS_CHECKPOINTS", _ROOT / "checkpoints"))
