"""Benchmark records: what ran where, per-task outcomes, totals; JSON and Markdown."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, final

T = TypeVar("T")


@final
@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One task's outcome: ``solved`` (every train example right), ``test_correct`` (every
    known test output among the attempts), ``top1_correct`` (every known test output
    first); both ``None`` (not known) when the task holds back all its test outputs."""

    task: str
    solved: bool
    test_correct: bool | None
    top1_correct: bool | None
    seconds: float
    programs_tried: int
    program: str | None
    error: str | None = None
    first_seconds: float | None = None  # time to the first solution, when solved
    first_programs: int | None = None  # programs tried up to the first solution, when solved
    node: str | None = None  # the cluster node that ran it (the ray backend), else None


@final
@dataclass(frozen=True, slots=True)
class BenchReport:
    suite: str
    engine: str
    budget: float
    jobs: int
    tasks: tuple[TaskRecord, ...]
    wall_seconds: float
    planned: int | None = None  # the suite's size, when Ctrl-C stopped it before the end
    commit: str = field(default_factory=lambda: git_commit())
    machine: dict[str, object] = field(default_factory=lambda: machine())

    @property
    def totals(self) -> dict[str, object]:
        n = len(self.tasks)
        tried = sum(t.programs_tried for t in self.tasks)
        busy = sum(t.seconds for t in self.tasks)
        over = [t.seconds / self.budget for t in self.tasks if t.error is None]
        known = [t for t in self.tasks if t.test_correct is not None]
        return {
            "tasks": n,
            "tasks_scored": len(known),  # the denominator of test_correct and top1_correct
            "tasks_unknown": n - len(known),  # every test output held back: not scored
            "solved": sum(t.solved for t in self.tasks),
            "test_correct": sum(bool(t.test_correct) for t in known),
            "top1_correct": sum(bool(t.top1_correct) for t in known),
            "errors": sum(t.error is not None for t in self.tasks),
            "programs_tried": tried,
            "programs_per_second": round(tried / busy) if busy > 0 else 0,
            "max_budget_fraction": round(max(over), 3) if over else 0.0,
            "median_solve_seconds": _median(
                [t.first_seconds for t in self.tasks if t.first_seconds is not None]
            ),
        }

    def to_json(self) -> dict[str, object]:
        return report_json(self)

    def markdown(self) -> str:
        t = self.totals
        lines = [
            f"**{self.suite}**, engine `{self.engine}`, {self.budget:g} s per task, "
            f"{self.jobs} jobs, commit `{self.commit}`{stopped_note(self)}: "
            f"{t['test_correct']}/{t['tasks_scored']} test-correct (top-2), "
            f"{t['top1_correct']}/{t['tasks_scored']} top-1, "
            f"{unknown_note(t)}{t['solved']}/{t['tasks']} train-solved, "
            f"{t['programs_per_second']:,} programs/s per worker, "
            f"wall {self.wall_seconds:.0f} s",
            "",
            "| task | solved | test correct | seconds | programs | program |",
            "|---|---|---|---|---|---|",
        ]
        for r in self.tasks:
            program = f"`{r.program}`" if r.program else (r.error or "-")
            lines.append(
                f"| {r.task} | {r.solved} | {known(r.test_correct)} | {r.seconds:.2f} "
                f"| {r.programs_tried} | {program} |"
            )
        return "\n".join(lines) + "\n"


def stopped_note(report: RunReport) -> str:
    """``" (interrupted after 17 of 199 tasks)"`` for a report of a suite stopped early."""
    if report.planned is None:
        return ""
    return f" (interrupted after {len(report.tasks)} of {report.planned} tasks)"


def known(value: object) -> str:
    """A score for a table: ``n/a`` where it is not known."""
    return "n/a" if value is None else str(value)


def unknown_note(totals: dict[str, object]) -> str:
    """``"3 not known (test outputs held back), "`` when some tasks could not be scored."""
    unknown = totals["tasks_unknown"]
    return f"{unknown} not known (test outputs held back), " if unknown else ""


class RunReport(Protocol):
    """What every benchmark report says about its run (lists, ARC, ...)."""

    @property
    def suite(self) -> str: ...
    @property
    def engine(self) -> str: ...
    @property
    def budget(self) -> float: ...
    @property
    def jobs(self) -> int: ...
    @property
    def commit(self) -> str: ...
    @property
    def machine(self) -> dict[str, object]: ...
    @property
    def wall_seconds(self) -> float: ...
    @property
    def planned(self) -> int | None: ...
    @property
    def totals(self) -> dict[str, object]: ...
    @property
    def tasks(self) -> tuple[Any, ...]: ...


class SuiteInterrupted(KeyboardInterrupt):
    """Ctrl-C during a suite: a ``KeyboardInterrupt`` that carries the report of the tasks
    finished (``report``) and how many tasks the suite had (``planned``); for ARC, also
    the submission for the tasks finished."""

    def __init__(
        self,
        report: RunReport,
        planned: int,
        submission: dict[str, list[dict[str, object]]] | None = None,
    ) -> None:
        super().__init__(f"{report.suite} interrupted after {len(report.tasks)} of {planned} tasks")
        self.report = report
        self.planned = planned
        self.submission = submission


@contextmanager
def stopping(outcomes: Iterator[T]) -> Iterator[Iterator[T]]:
    """``outcomes`` (a backend's run), closed however the block ends, so that a backend
    stopped early (Ctrl-C, an error) releases its workers at once."""
    try:
        yield outcomes
    finally:
        if isinstance(outcomes, Generator):
            outcomes.close()


def report_json(report: RunReport) -> dict[str, object]:
    """The JSON form of a report: the run, its totals, and one record per task."""
    return {
        "suite": report.suite,
        "engine": report.engine,
        "budget": report.budget,
        "jobs": report.jobs,
        "commit": report.commit,
        "machine": report.machine,
        "wall_seconds": round(report.wall_seconds, 2),
        "interrupted": report.planned is not None,
        "tasks_planned": len(report.tasks) if report.planned is None else report.planned,
        "totals": report.totals,
        "tasks": [asdict(t) for t in report.tasks],
    }


def _median(xs: Sequence[float]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    mid = len(s) // 2
    return round(s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2, 3)


def git_commit() -> str:
    """The checkout's commit (with ``+dirty`` for local changes), or ``unknown``."""
    here = Path(__file__).resolve().parent
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True,
            timeout=5, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")


def machine() -> dict[str, object]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
