"""What the suite-running commands (``bench lists``, ``bench arc``) share: checking their
options, choosing a backend, and a progress bar with a running score."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from metagrow.cli._errors import UsageError

if TYPE_CHECKING:
    from metagrow.search import Backend


def check_run_options(budget: float, jobs: int, limit: int, memory: int | None) -> None:
    """Raise :class:`UsageError` for options no run can use."""
    if not budget > 0:
        raise UsageError(f"--budget must be positive, got {budget}")
    if jobs < 0 or limit < 0:
        raise UsageError("--jobs and --limit must not be negative")
    if memory is not None and memory < 1:
        raise UsageError(f"--memory must be a positive number of MiB, got {memory}")


def backend_for(jobs: int) -> tuple[Backend, int]:
    """A process pool of ``jobs`` workers (all cores for 0), or in-process for one."""
    from metagrow.search import ProcessPoolBackend, SerialBackend

    workers = jobs or os.cpu_count() or 1
    return (SerialBackend() if workers == 1 else ProcessPoolBackend(workers)), workers


@contextmanager
def suite_progress(
    description: str, total: int, score_label: str, score_format: str = "{:g}"
) -> Iterator[Callable[[float], None]]:
    """A progress bar on stderr; the yielded function marks one task done, adding its score."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn(f"{score_label} {{task.fields[score]}}"), TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:  # fmt: skip
        handle = bar.add_task(description, total=total, score=score_format.format(0))
        running = 0.0

        def advance(score: float) -> None:
            nonlocal running
            running += score
            bar.update(handle, advance=1, score=score_format.format(running))

        yield advance
