"""The ``tgnas`` command line: a thin layer that parses flags, calls the library and prints.

One module per command group (:mod:`tgnas.cli.info`, ``train``, ``evaluate``, ``search``, ``score``), all
registered on the one typer app of :mod:`tgnas.cli.app`. Every command that prints results takes
``--json``; bad input ends with a one-line ``error: ...`` on stderr (a JSON object under ``--json``) and
exit code 2.
"""

from tgnas.cli import evaluate, info, score, search, train  # noqa: F401  (registers the commands)
from tgnas.cli.app import app, main

__all__ = ["app", "main"]
