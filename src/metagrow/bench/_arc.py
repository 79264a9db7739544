"""ARC scoring, the official way: a test input counts if either of two attempts is exactly
right, and a task scores the fraction of its test inputs that count.

Also writes the Kaggle / ARC Prize submission format, ``{task_id: [{"attempt_1": grid,
"attempt_2": grid}, ...]}`` with one entry per test input and ``[[0]]`` for a missing
attempt.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import final

from metagrow.bench._report import (
    SuiteInterrupted,
    git_commit,
    known,
    machine,
    report_json,
    stopped_note,
    stopping,
    unknown_note,
)
from metagrow.lang import Task
from metagrow.search import Backend, SolveJob, TaskOutcome

ATTEMPTS = 2
EMPTY_GRID: list[list[int]] = [[0]]
Attempts = dict[str, object]


@final
@dataclass(frozen=True, slots=True)
class ArcTaskRecord:
    """One task's ARC outcome: ``correct`` of ``tests`` test inputs (those with a known
    output) right within two attempts, ``score`` their fraction, ``solved`` if a program
    fits every train example. ``correct`` and ``score`` are ``None`` (not known) when the
    task holds back every test output."""

    task: str
    tests: int
    correct: int | None
    score: float | None
    solved: bool
    seconds: float
    programs_tried: int
    program: str | None
    error: str | None = None
    node: str | None = None  # the cluster node that ran it (the ray backend), else None


@final
@dataclass(frozen=True, slots=True)
class ArcReport:
    suite: str
    engine: str
    budget: float
    jobs: int
    tasks: tuple[ArcTaskRecord, ...]
    wall_seconds: float
    planned: int | None = None  # the suite's size, when Ctrl-C stopped it before the end
    commit: str = field(default_factory=lambda: git_commit())
    machine: dict[str, object] = field(default_factory=lambda: machine())

    @property
    def totals(self) -> dict[str, object]:
        n = len(self.tasks)
        known = [t for t in self.tasks if t.score is not None]
        total = sum(t.score or 0.0 for t in known)
        seconds = sorted(t.seconds for t in self.tasks)
        return {
            "tasks": n,
            "tasks_scored": len(known),  # the denominator of score and score_percent
            "tasks_unknown": n - len(known),  # every test output held back: not scored
            "score": round(total, 3),
            "score_percent": round(100 * total / len(known), 2) if known else None,
            "tasks_all_correct": sum(t.correct == t.tests for t in known),
            "test_inputs": sum(t.tests for t in self.tasks),
            "test_inputs_correct": sum(t.correct or 0 for t in known),
            "train_solved": sum(t.solved for t in self.tasks),
            "errors": sum(t.error is not None for t in self.tasks),
            "programs_tried": sum(t.programs_tried for t in self.tasks),
            "median_seconds": round(seconds[n // 2], 3) if n else None,
            "max_seconds": round(seconds[-1], 3) if n else None,
            "max_budget_fraction": round(seconds[-1] / self.budget, 3) if n else None,
        }

    def to_json(self) -> dict[str, object]:
        return report_json(self)

    def markdown(self) -> str:
        t = self.totals
        lines = [
            f"**{self.suite}**, engine `{self.engine}`, {self.budget:g} s per task, "
            f"{self.jobs} jobs, commit `{self.commit}`{stopped_note(self)}: "
            f"score {t['score']}/{t['tasks_scored']} "
            f"({known(t['score_percent'])}%), {unknown_note(t)}{t['train_solved']} train-solved, "
            f"wall {self.wall_seconds:.0f} s",
            "",
            "| task | score | solved | seconds | programs | program |",
            "|---|---|---|---|---|---|",
        ]
        for r in self.tasks:
            program = f"`{r.program}`" if r.program else (r.error or "-")
            lines.append(
                f"| {r.task} | {arc_score(r)} | {r.solved} | {r.seconds:.2f} "
                f"| {r.programs_tried} | {program} |"
            )
        return "\n".join(lines) + "\n"


def arc_score(record: ArcTaskRecord) -> str:
    """A task's score for a table: ``1/2``, or ``n/a`` where it is not known."""
    return "n/a" if record.correct is None else f"{record.correct}/{record.tests}"


def score_arc(task: Task, outcome: TaskOutcome) -> ArcTaskRecord:
    """The ARC record of one outcome: each test input with a known output is right if it
    is among the first two attempts; not known when no test output is."""
    known = [ex for ex in task.test if ex.has_output]
    result = outcome.result
    if result is None:
        return ArcTaskRecord(
            task.name, len(known), 0 if known else None, 0.0 if known else None, False,
            outcome.seconds, 0, None, outcome.error, node=outcome.node,
        )  # fmt: skip
    correct = sum(
        ex.output in preds[:ATTEMPTS]
        for ex, preds in zip(task.test, result.predictions, strict=True)
        if ex.has_output
    )
    return ArcTaskRecord(
        task=task.name,
        tests=len(known),
        correct=correct if known else None,
        score=correct / len(known) if known else None,
        solved=result.solved,
        seconds=round(outcome.seconds, 4),
        programs_tried=result.programs_tried,
        program=None if result.program is None else str(result.program),
        node=outcome.node,
    )


def submission_entry(
    task: Task, outcome: TaskOutcome, encode: Callable[[object], object]
) -> list[Attempts]:
    """One task's submission: two attempts per test input, ``[[0]]`` where there is none."""
    predictions: Sequence[Sequence[object]] = (
        outcome.result.predictions if outcome.result is not None else [() for _ in task.test]
    )
    out: list[Attempts] = []
    for preds in predictions:
        found = [encode(p) for p in preds if p is not None]
        entry: Attempts = {}
        for k in range(ATTEMPTS):
            entry[f"attempt_{k + 1}"] = found[k] if k < len(found) else EMPTY_GRID
        out.append(entry)
    return out


def _encoder(job: SolveJob, task: Task) -> Callable[[object], object]:
    output_type = task.request.returns()
    return lambda value: job.domain.encode(value, output_type)


def run_arc(
    suite: str,
    tasks: Sequence[Task],
    job: SolveJob,
    backend: Backend,
    jobs: int,
    on_record: Callable[[ArcTaskRecord], None] | None = None,
) -> tuple[ArcReport, dict[str, list[Attempts]]]:
    """Solve every task with ``job`` on ``backend``; the report (records in task order)
    and the submission. Ctrl-C stops the backend and raises :class:`SuiteInterrupted`
    with both for the tasks finished."""
    start = time.perf_counter()
    records: dict[int, ArcTaskRecord] = {}
    entries: dict[int, list[Attempts]] = {}
    try:
        with stopping(backend.run(job, tasks)) as outcomes:
            for outcome in outcomes:
                task = tasks[outcome.index]
                record = score_arc(task, outcome)
                records[outcome.index] = record
                entries[outcome.index] = submission_entry(task, outcome, _encoder(job, task))
                if on_record is not None:
                    on_record(record)
    except KeyboardInterrupt:
        report, submission = _arc_report(suite, tasks, job, jobs, records, entries, start)
        report = replace(report, planned=len(tasks))
        raise SuiteInterrupted(report, len(tasks), submission) from None
    return _arc_report(suite, tasks, job, jobs, records, entries, start)


def _arc_report(
    suite: str,
    tasks: Sequence[Task],
    job: SolveJob,
    jobs: int,
    records: dict[int, ArcTaskRecord],
    entries: dict[int, list[Attempts]],
    start: float,
) -> tuple[ArcReport, dict[str, list[Attempts]]]:
    order = sorted(records)
    report = ArcReport(
        suite=suite,
        engine=job.engine.name,
        budget=job.budget.seconds,
        jobs=jobs,
        tasks=tuple(records[i] for i in order),
        wall_seconds=time.perf_counter() - start,
    )
    return report, {tasks[i].name: entries[i] for i in order}
