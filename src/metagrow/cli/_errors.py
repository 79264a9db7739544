"""How the command line reports bad input (one line on stderr, exit code 2) and Ctrl-C
(one line saying what was kept, exit code 130)."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

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


class CommandGroup(TyperGroup):
    """The root command group: Ctrl-C that no command handles itself (while reading
    tasks, say) still ends with one line and exit code 130; Typer alone exits silently."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            interrupted("nothing was kept")


def run(app: typer.Typer) -> NoReturn:
    """Run the command line: a misused option or argument (unknown option, a value of the
    wrong kind, a missing argument) is one line and exit code 2, as other bad input is,
    instead of Click's usage box."""
    try:
        code = app(standalone_mode=False)
    except typer.Abort:  # end of input at a prompt
        sys.exit(1)
    except KeyboardInterrupt:  # before any command began
        print("metagrow: interrupted: nothing was kept", file=sys.stderr)
        sys.exit(INTERRUPTED)
    except Exception as err:
        # Click's usage errors (Typer bundles its own Click, so matched by shape).
        exit_code, format_message = (
            getattr(err, "exit_code", None),
            getattr(err, "format_message", None),
        )
        if not isinstance(exit_code, int) or format_message is None:
            raise
        if type(err).__name__ != "NoArgsIsHelpError":  # the help is already shown
            print(f"metagrow: error: {' '.join(str(format_message()).split())}", file=sys.stderr)
        sys.exit(exit_code)
    sys.exit(code if isinstance(code, int) else 0)
