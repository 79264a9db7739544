"""Live progress of ``metagrow learn`` on stderr: which phase of which iteration is running,
how far the search is (tasks searched of those to search, and solved) and for how long.

On a terminal this is a Rich progress line redrawn in place; otherwise (a log, a pipe) it
is plain lines: one as each phase begins and, while searching, about every tenth task.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from metagrow.learning import Phase

_DOING = {"search": "searching", "compress": "compressing", "dream": "training the guide"}


@final
class PhaseDisplay:
    """Shows each learner phase as it runs; use as a context manager around the run and
    pass :meth:`phase` and :meth:`task` to ``Learner.run``."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.bar: Progress | None = None
        self.handle: TaskID | None = None
        self.label = ""
        self.searching = False
        self.total = self.done = self.solved = 0
        self.started = time.perf_counter()

    def __enter__(self) -> PhaseDisplay:
        if self.live:
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
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def phase(self, phase: Phase) -> None:
        """A phase begins: show it (replacing the one before) with its own clock."""
        self.iteration_done()
        self.label = f"iteration {phase.iteration}: {_DOING[phase.name]}"
        self.searching = phase.name == "search"
        self.total, self.done, self.solved = phase.tasks, 0, 0
        self.started = time.perf_counter()
        if self.bar is not None:
            self.handle = self.bar.add_task(self._text(), total=None)
            self.bar.refresh()
        else:
            self._say(self._text())

    def task(self, name: str, ok: bool) -> None:
        """One task searched (``ok``: solved)."""
        self.done += 1
        self.solved += ok
        if self.bar is not None and self.handle is not None:
            self.bar.update(self.handle, description=self._text(), refresh=True)
        elif self.done % max(1, self.total // 10) == 0 or self.done == self.total:
            elapsed = time.perf_counter() - self.started
            self._say(f"{self._text()}, {elapsed:.0f} s")

    def iteration_done(self) -> None:
        """Clear the phase shown (the iteration's summary follows on stdout)."""
        if self.bar is not None and self.handle is not None:
            self.bar.remove_task(self.handle)
            self.bar.refresh()
            self.handle = None

    def _text(self) -> str:
        if not self.searching:
            return self.label
        return f"{self.label} {self.done}/{self.total} tasks, {self.solved} solved"

    def _say(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)
