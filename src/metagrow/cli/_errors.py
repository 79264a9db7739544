"""How the command line reports bad input: one line on stderr, exit code 2."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

BAD_INPUT = 2
INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT), as shells report it."""


class UsageError(ValueError):
    """Bad command-line input; printed as one line, exit code 2."""


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """Print ``message`` as one error line and exit with ``code`` (bad input by default)."""
    print(f"metagrow: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def interrupted(kept: str) -> NoReturn:
    """After Ctrl-C: one line on stderr saying what was kept, then exit 130."""
    print(f"metagrow: interrupted: {kept}", file=sys.stderr)
    raise typer.Exit(INTERRUPTED)
