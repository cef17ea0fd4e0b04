"""The ``tgnas`` application: the typer app, the shared output helpers and the entry point.

Every command that prints results takes ``--json``. Bad input ends with a one-line ``error: ...`` on stderr
and exit code 2.
"""

from __future__ import annotations

import json
import math
import sys

import typer
from rich.console import Console
from rich.table import Table

from tgnas.errors import TgnasError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Zero-cost neural architecture search.",
    rich_markup_mode=None,  # help texts are plain: no markup, no :emoji: codes (file.py:factory:)
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from tgnas import __version__

        print(f"tgnas {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Zero-cost neural architecture search."""


# rich draws tables only; no markup, emoji or highlighting is applied to what users wrote
console = Console(markup=False, emoji=False, highlight=False)
JSON_OPT = typer.Option(False, "--json", help="Print machine-readable JSON instead of tables.")


def _print_json(obj: object) -> None:
    def clean(x: object) -> object:
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [clean(v) for v in x]
        return x

    print(json.dumps(clean(obj), indent=2))


def _print_evaluations(evaluations: dict) -> None:
    table = Table("dataset", "n", "Kendall tau", "Spearman", "P@1%", "P@10%", "best-ranked", "oracle", "s")
    for ds, ev in evaluations.items():
        prec = list(ev["precision"].values())
        table.add_row(
            ds,
            str(ev["n"]),
            f"{ev['kendall_tau']:.4f}",
            f"{ev['spearman_rho']:.4f}",
            f"{prec[0]:.3f}",
            f"{prec[-1]:.3f}",
            f"{ev['best_ranked']:.2f}",
            f"{ev['oracle']:.2f}",
            f"{ev['seconds']:.2f}",
        )
    console.print(table)


def _null():
    import contextlib

    return contextlib.nullcontext()


def main() -> None:
    """Entry point: runs the app; a tgnas input error becomes one line ``error: ...`` on stderr (under
    ``--json``: ``{"error": ..., "type": ...}`` on stdout) with exit code 2; anything else is a bug in
    tgnas, reported as ``internal error`` with exit code 1 and where to report it."""
    as_json = "--json" in sys.argv[1:]
    try:
        app()
    except TgnasError as exc:
        _fail(str(exc), type(exc).__name__, as_json, 2)
    except KeyboardInterrupt:
        _fail("interrupted", "KeyboardInterrupt", as_json, 130)
    except Exception as exc:  # noqa: BLE001 - the last resort: no traceback reaches the user
        message = f"internal error: {type(exc).__name__}: {str(exc)[:300]}"
        _fail(
            f"{message}\nthis is a bug in tgnas: please report it to the tgnas issue tracker with what "
            "you ran, this message and `tgnas --version`",
            "InternalError",
            as_json,
            1,
        )


def _fail(message: str, kind: str, as_json: bool, code: int) -> None:
    if as_json:
        print(json.dumps({"error": message, "type": kind}))
    else:
        print(f"error: {message}" if code != 1 else message, file=sys.stderr)
    sys.exit(code)
