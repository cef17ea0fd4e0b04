"""Where tgnas finds its shipped data and checkpoints.

Both default to the folders beside the package (``data/`` and ``checkpoints/`` of the repository) and can
be moved with the ``TGNAS_DATA`` and ``TGNAS_CHECKPOINTS`` environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path

from tgnas.errors import TgnasError

_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder holding tgnas's data files (``$TGNAS_DATA`` or ``<repo>/data``)."""
    return Path(os.environ.get("TGNAS_DATA", _ROOT / "data"))


def checkpoint_dir() -> Path:
    """The folder holding shipped checkpoints (``$TGNAS_CHECKPOINTS`` or ``<repo>/checkpoints``)."""
    return Path(os.environ.get("TGNAS_CHECKPOINTS", _ROOT / "checkpoints"))


def check_checkpoint_path(path: Path | str) -> None:
    """Raises :class:`TgnasError` where ``path`` cannot name a checkpoint file to write (a folder)."""
    if Path(path).is_dir():
        raise TgnasError(
            f"{path} is a folder; name the checkpoint file in it, e.g. {Path(path) / 'predictor.pt'}"
        )
