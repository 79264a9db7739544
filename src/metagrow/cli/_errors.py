"""How the command line reports bad input: one line on stderr, exit code 2."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

BAD_INPUT = 2


class UsageError(ValueError):
    """Bad command-line input; printed as one line, exit code 2."""


def fail(message: str) -> NoReturn:
    print(f"metagrow: error: {message}", file=sys.stderr)
    raise typer.Exit(BAD_INPUT)
