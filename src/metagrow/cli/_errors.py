"""How the command line reports bad input: one line on stderr, exit code 2."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

BAD_INPUT = 2


class UsageError(ValueError):
    """Bad command-line input; printed as one line, exit code 2."""


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """Print ``message`` as one error line and exit with ``code`` (bad input by default)."""
    print(f"metagrow: error: {message}", file=sys.stderr)
    raise typer.Exit(code)
