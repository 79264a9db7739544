"""Running a suite: solve every task through a backend, score the test predictions."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from metagrow.bench._report import BenchReport, SuiteInterrupted, TaskRecord, stopping
from metagrow.lang import Task
from metagrow.search import Backend, SolveJob, TaskOutcome


def score(task: Task, outcome: TaskOutcome) -> TaskRecord:
    """A task's record from its outcome: the known test outputs checked against the
    attempts; not known (``None``) when the task holds back every test output."""
    scored = any(ex.has_output for ex in task.test)
    result = outcome.result
    if result is None:
        return TaskRecord(
            task.name, False, False if scored else None, False if scored else None,
            outcome.seconds, 0, None, outcome.error, node=outcome.node,
        )  # fmt: skip
    pairs = [(ex, p) for ex, p in zip(task.test, result.predictions, strict=True) if ex.has_output]
    first = result.first_solution
    return TaskRecord(
        task=task.name,
        solved=result.solved,
        test_correct=all(ex.output in preds for ex, preds in pairs) if scored else None,
        top1_correct=all(bool(p) and p[0] == ex.output for ex, p in pairs) if scored else None,
        seconds=round(result.seconds, 4),
        programs_tried=result.programs_tried,
        program=None if result.program is None else str(result.program),
        first_seconds=result.first_solution_seconds,
        first_programs=None if first is None else first.programs_tried,
        node=outcome.node,
    )


def run_suite(
    suite: str,
    tasks: Sequence[Task],
    job: SolveJob,
    backend: Backend,
    jobs: int,
    on_record: Callable[[TaskRecord], None] | None = None,
) -> BenchReport:
    """Solve every task with ``job`` on ``backend``; records come back in task order.
    Ctrl-C stops the backend and raises :class:`SuiteInterrupted` with the report of the
    tasks finished."""
    start = time.perf_counter()
    records: dict[int, TaskRecord] = {}
    try:
        with stopping(backend.run(job, tasks)) as outcomes:
            for outcome in outcomes:
                record = score(tasks[outcome.index], outcome)
                records[outcome.index] = record
                if on_record is not None:
                    on_record(record)
    except KeyboardInterrupt:
        report = replace(_report(suite, job, jobs, records, start), planned=len(tasks))
        raise SuiteInterrupted(report, len(tasks)) from None
    return _report(suite, job, jobs, records, start)


def _report(
    suite: str, job: SolveJob, jobs: int, records: dict[int, TaskRecord], start: float
) -> BenchReport:
    ordered = tuple(records[i] for i in sorted(records))
    return BenchReport(
        suite=suite,
        engine=job.engine.name,
        budget=job.budget.seconds,
        jobs=jobs,
        tasks=ordered,
        wall_seconds=time.perf_counter() - start,
    )
