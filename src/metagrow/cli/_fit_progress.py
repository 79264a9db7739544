"""Live progress of ``metagrow fit`` on stderr: the class being fitted (if several), the
best loss so far, the front's size, programs scored per second and the time used.

On a terminal this is one Rich line redrawn in place and gone at the end; elsewhere (a log,
a pipe) nothing is shown, so that stderr holds only errors.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from metagrow.api import FitStatus


@final
class FitDisplay:
    """Shows a fit's progress; use as a context manager around the fit and pass
    :meth:`update` as its ``report``."""

    def __init__(self, console: Console, budget: float) -> None:
        self.console = console
        self.budget = budget
        self.bar: Progress | None = None
        self.handle: TaskID | None = None

    def __enter__(self) -> FitDisplay:
        if self.console.is_terminal:
            from rich.progress import Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
                redirect_stdout=sys.stdout.isatty(),
                redirect_stderr=False,
            )
            self.bar.start()
            self.handle = self.bar.add_task("fitting: starting", total=None)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, status: FitStatus) -> None:
        if self.bar is None or self.handle is None:
            return
        rate = status.evaluations / status.seconds if status.seconds > 0 else 0.0
        which = "" if status.part is None else f" class {status.part}:"
        self.bar.update(
            self.handle,
            description=(
                f"fitting{which} best loss {status.best_loss:.4g}, front {status.front_size}, "
                f"{rate:,.0f} programs/s, budget {self.budget:g} s"
            ),
            refresh=True,
        )
