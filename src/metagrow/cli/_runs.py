"""What the suite-running commands (``bench lists``, ``bench arc``) share: checking their
options, choosing a backend, and a progress bar with a running score."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from metagrow.cli._choices import ENGINES
from metagrow.cli._errors import UsageError, fail, interrupted

# The options every suite run takes, declared once.
EngineOpt = Annotated[
    str | None,
    typer.Option(
        help=f"Search engine: {', '.join(ENGINES)} (default: the domain's own: portfolio "
        "for lists, regression for numeric, bottomup for most others)."
    ),
]
BudgetOpt = Annotated[float, typer.Option(help="Seconds per task.")]
JobsOpt = Annotated[int, typer.Option(help="Worker processes (default: all cores).")]
LimitOpt = Annotated[int, typer.Option(help="Run only the first N tasks (0: all).")]
MemoryOpt = Annotated[int | None, typer.Option(help="MiB each task's search may hold.")]
StoreOpt = Annotated[
    Path | None, typer.Option(help="Search with the library learned in this store.")
]
GuideOpt = Annotated[
    bool, typer.Option("--guide/--no-guide", help="Use the store's guide, if it has one.")
]
# Help text is Rich markup: "\\[" keeps a bracket that is not a style tag.
BackendOpt = Annotated[
    str,
    typer.Option(
        help="Where tasks run: pool (worker processes here), serial (this process) or ray "
        "(a Ray cluster: pip install 'metagrow\\[ray]')."
    ),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        help="With --backend ray: the cluster to join (default: $RAY_ADDRESS, else a local "
        "Ray started for this run)."
    ),
]
LibraryOpt = Annotated[
    bool,
    typer.Option(
        "--library/--no-library",
        help="Search with the library shipped with the domain (learned on its training "
        "tasks; docs/arc.md); --store brings its own instead.",
    ),
]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")]
MarkdownOpt = Annotated[
    Path | None, typer.Option("--markdown", help="Write a Markdown table here.")
]

if TYPE_CHECKING:
    from metagrow.bench import SuiteInterrupted
    from metagrow.domains import Domain
    from metagrow.lang import GrammarSpec
    from metagrow.search import Backend


def check_budget(budget: float) -> None:
    """Raise :class:`UsageError` unless ``budget`` is a positive, finite number of seconds."""
    check_run_options(budget, 0, 0, None)


def check_outputs(*paths: Path | None) -> None:
    """Raise :class:`UsageError` for a report path that cannot be written (a file where
    its folder should be), before a long run rather than after it."""
    for path in paths:
        if path is None:
            continue
        if path.is_dir():
            raise UsageError(f"{path}: is a folder; name a file to write the report to")
        for parent in path.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise UsageError(f"{path}: {parent} is a file, not a folder")
                break


def write_report(path: Path, text: str) -> None:
    """Write a report file, making its folder if need be; one line and exit if it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    except OSError as err:
        fail(f"{path}: cannot write ({err.strerror})")


def write_outputs(
    data: Mapping[str, object], json_out: Path | None, plot: Callable[[], None]
) -> None:
    """A bench's JSON report (if asked for) and its plot; one line and exit if either
    cannot be written."""
    if json_out is not None:
        write_report(json_out, json.dumps(data, indent=1) + "\n")
    try:
        plot()
    except OSError as err:
        fail(f"cannot write the plot ({err.strerror}: {err.filename})")


def check_run_options(budget: float, jobs: int, limit: int, memory: int | None) -> None:
    """Raise :class:`UsageError` for options no run can use (see ``api.check_run_options``)."""
    from metagrow import api

    try:
        api.check_run_options(budget, jobs, limit, memory)
    except ValueError as err:
        raise UsageError(str(err)) from None


def shipped_for(domain: Domain, use: bool) -> GrammarSpec | None:
    """The library shipped with ``domain`` when ``use`` (``--library``), or ``None``; one
    line and exit when it no longer matches the domain's grammar."""
    from metagrow.library import ShippedLibraryError, shipped_library

    try:
        return shipped_library(domain) if use else None
    except ShippedLibraryError as err:
        fail(str(err))


def backend_for(
    jobs: int, backend: str = "pool", ray_address: str | None = None
) -> tuple[Backend, int]:
    """The ``--backend`` of ``jobs`` workers (all cores for 0) and its worker count; one
    line and exit for a backend that cannot run (``api.make_backend``)."""
    from metagrow import api

    try:
        return api.make_backend(backend, jobs, ray_address)
    except ValueError as err:
        fail(str(err))


@contextmanager
def suite_progress(
    description: str, total: int, score_label: str, score_format: str = "{:g}"
) -> Iterator[Callable[[float], None]]:
    """A progress bar on stderr (plain lines, about every tenth of the tasks, when stderr
    is not a terminal); the yielded function marks one task done, adding its score."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        with _plain_progress(description, total, score_label, score_format) as advance:
            yield advance
        return
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn(f"{score_label} {{task.fields[score]}}"), TimeElapsedColumn(),
        console=console,
    ) as bar:  # fmt: skip
        handle = bar.add_task(description, total=total, score=score_format.format(0))
        running = 0.0

        def advance(score: float) -> None:
            nonlocal running
            running += score
            bar.update(handle, advance=1, score=score_format.format(running))

        yield advance


@contextmanager
def _plain_progress(
    description: str, total: int, score_label: str, score_format: str
) -> Iterator[Callable[[float], None]]:
    """Progress for logs: one line on stderr about every tenth of the tasks."""
    start = time.perf_counter()
    every = max(1, total // 10)
    done, running = 0, 0.0

    def advance(score: float) -> None:
        nonlocal done, running
        done += 1
        running += score
        if done % every == 0 or done == total:
            elapsed = time.perf_counter() - start
            print(
                f"{description}: {done}/{total} tasks, {score_label} "
                f"{score_format.format(running)}, {elapsed:.0f} s",
                file=sys.stderr,
                flush=True,
            )

    yield advance


def stopped(stop: SuiteInterrupted, written: Sequence[Path | None]) -> NoReturn:
    """After Ctrl-C: one line on stderr saying what was kept, then exit 130."""
    files = [str(p) for p in written if p is not None]
    kept = f"wrote {', '.join(files)} for" if files else "the table shows"
    interrupted(f"{kept} the {len(stop.report.tasks)} of {stop.planned} tasks finished")
