"""Benchmark records: what ran where, per-task outcomes, totals; JSON and Markdown."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, final


@final
@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One task's outcome: ``solved`` (every train example right), ``test_correct`` (every
    test output among the attempts), ``top1_correct`` (every test output first)."""

    task: str
    solved: bool
    test_correct: bool
    top1_correct: bool
    seconds: float
    programs_tried: int
    program: str | None
    error: str | None = None
    first_seconds: float | None = None  # time to the first solution, when solved
    first_programs: int | None = None  # programs tried up to the first solution, when solved


@final
@dataclass(frozen=True, slots=True)
class BenchReport:
    suite: str
    engine: str
    budget: float
    jobs: int
    tasks: tuple[TaskRecord, ...]
    wall_seconds: float
    commit: str = field(default_factory=lambda: git_commit())
    machine: dict[str, object] = field(default_factory=lambda: machine())

    @property
    def totals(self) -> dict[str, object]:
        n = len(self.tasks)
        tried = sum(t.programs_tried for t in self.tasks)
        busy = sum(t.seconds for t in self.tasks)
        over = [t.seconds / self.budget for t in self.tasks if t.error is None]
        return {
            "tasks": n,
            "solved": sum(t.solved for t in self.tasks),
            "test_correct": sum(t.test_correct for t in self.tasks),
            "top1_correct": sum(t.top1_correct for t in self.tasks),
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
            f"{self.jobs} jobs, commit `{self.commit}`: "
            f"{t['test_correct']}/{t['tasks']} test-correct (top-2), "
            f"{t['top1_correct']}/{t['tasks']} top-1, {t['solved']}/{t['tasks']} train-solved, "
            f"{t['programs_per_second']:,} programs/s per worker, "
            f"wall {self.wall_seconds:.0f} s",
            "",
            "| task | solved | test correct | seconds | programs | program |",
            "|---|---|---|---|---|---|",
        ]
        for r in self.tasks:
            program = f"`{r.program}`" if r.program else (r.error or "-")
            lines.append(
                f"| {r.task} | {r.solved} | {r.test_correct} | {r.seconds:.2f} "
                f"| {r.programs_tried} | {program} |"
            )
        return "\n".join(lines) + "\n"


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
    def totals(self) -> dict[str, object]: ...
    @property
    def tasks(self) -> tuple[Any, ...]: ...


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
