"""Running a suite: solve every task through a backend, score the test predictions."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from metagrow.bench._report import BenchReport, TaskRecord
from metagrow.lang import Task
from metagrow.search import Backend, SolveJob, TaskOutcome


def score(task: Task, outcome: TaskOutcome) -> TaskRecord:
    """A task's record from its outcome: test outputs checked against the attempts."""
    result = outcome.result
    if result is None:
        return TaskRecord(task.name, False, False, False, outcome.seconds, 0, None, outcome.error)
    tests = [ex for ex in task.test if ex.has_output]
    hits = [ex.output in preds for ex, preds in zip(task.test, result.predictions, strict=True)]
    firsts = [
        bool(preds) and preds[0] == ex.output
        for ex, preds in zip(task.test, result.predictions, strict=True)
    ]
    scored = bool(tests)
    return TaskRecord(
        task=task.name,
        solved=result.solved,
        test_correct=scored
        and all(h for h, ex in zip(hits, task.test, strict=True) if ex.has_output),
        top1_correct=scored
        and all(f for f, ex in zip(firsts, task.test, strict=True) if ex.has_output),
        seconds=round(result.seconds, 4),
        programs_tried=result.programs_tried,
        program=None if result.program is None else str(result.program),
        first_seconds=result.first_solution_seconds,
        first_programs=result.solutions[0].programs_tried if result.solutions else None,
    )


def run_suite(
    suite: str,
    tasks: Sequence[Task],
    job: SolveJob,
    backend: Backend,
    jobs: int,
    on_record: Callable[[TaskRecord], None] | None = None,
) -> BenchReport:
    """Solve every task with ``job`` on ``backend``; records come back in task order."""
    start = time.perf_counter()
    records: dict[int, TaskRecord] = {}
    for outcome in backend.run(job, tasks):
        record = score(tasks[outcome.index], outcome)
        records[outcome.index] = record
        if on_record is not None:
            on_record(record)
    ordered = tuple(records[i] for i in sorted(records))
    return BenchReport(
        suite=suite,
        engine=job.engine.name,
        budget=job.budget.seconds,
        jobs=jobs,
        tasks=ordered,
        wall_seconds=time.perf_counter() - start,
    )
