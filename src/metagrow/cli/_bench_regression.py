"""``metagrow bench regression``: fitted programs on the formula suite and scikit-learn's
data, next to gplearn, a linear model and gradient boosting at the same budget."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, cast

import typer

from metagrow.cli._errors import UsageError, fail, interrupted
from metagrow.cli._runs import (
    BackendOpt,
    JsonOpt,
    LimitOpt,
    MarkdownOpt,
    RayAddressOpt,
    backend_for,
    check_outputs,
    check_run_options,
    write_report,
)

if TYPE_CHECKING:
    from metagrow.bench import System
    from metagrow.bench._regression import Suite

SUITES = ("formulas", "sklearn", "all")
SYSTEM_NAMES = ("metagrow", "gplearn", "linear", "hgb")


def bench_regression(
    budget: Annotated[float, typer.Option(help="Seconds per task per system.")] = 60.0,
    jobs: Annotated[int, typer.Option(help="Worker processes, one task each at a time.")] = 1,
    backend: BackendOpt = "pool",
    ray_address: RayAddressOpt = None,
    limit: LimitOpt = 0,
    suite: Annotated[str, typer.Option(help="formulas, sklearn or all.")] = "all",
    systems: Annotated[
        str, typer.Option(help="Comma-separated: metagrow, gplearn, linear, hgb.")
    ] = ",".join(SYSTEM_NAMES),
    seed: Annotated[int, typer.Option(help="Seed of the formula data and of each fit.")] = 0,
    json_out: JsonOpt = None,
    markdown_out: MarkdownOpt = None,
) -> None:
    """Fit programs to the formula suite and scikit-learn's tables; report exact recovery,
    held-out R² (accuracy for classes), size and seconds beside gplearn, ridge/logistic
    regression and histogram gradient boosting."""
    try:
        check_run_options(budget, max(jobs, 0), limit, None)
        check_outputs(json_out, markdown_out)
        if jobs < 1:
            raise UsageError(f"--jobs must be at least 1, got {jobs}")
        if suite not in SUITES:
            raise UsageError(f"--suite must be one of {', '.join(SUITES)}, got {suite!r}")
        if seed < 0:
            raise UsageError(f"--seed must be non-negative, got {seed}")
        if backend != "pool" or ray_address is not None:
            backend_for(jobs, backend, ray_address)  # a bad choice or no Ray: one line
        if backend == "serial":
            jobs = 1
        chosen = [s.strip() for s in systems.split(",") if s.strip()]
        unknown = [s for s in chosen if s not in SYSTEM_NAMES]
        if unknown or not chosen:
            raise UsageError(
                f"--systems takes a comma-separated list of {', '.join(SYSTEM_NAMES)}, "
                f"got {systems!r}"
            )
    except UsageError as err:
        fail(str(err))
    from metagrow.bench import (
        RegressionReport,
        SuiteInterrupted,
        SystemRecord,
        gplearn_missing,
        regression_tasks,
        run_regression,
    )

    notes = []
    if "gplearn" in chosen and (missing := gplearn_missing()) is not None:
        print(f"metagrow: {missing}", file=sys.stderr)
        notes.append(missing)
        chosen.remove("gplearn")
        if not chosen:
            fail("no system left to run")
    tasks = regression_tasks(cast("Suite", suite), seed)
    if limit:
        tasks = tasks[:limit]
    count = 0

    def progress(records: tuple[SystemRecord, ...]) -> None:
        nonlocal count
        count += 1
        scores = ", ".join(f"{r.system} {_cell(r)}" for r in records)
        print(f"regression {count}/{len(tasks)} {records[0].task}: {scores}", file=sys.stderr)

    stop: SuiteInterrupted | None = None
    try:
        report = run_regression(
            tasks, cast("list[System]", chosen), budget=budget, jobs=jobs, seed=seed, suite=suite,
            notes=notes, on_task=progress, backend="ray" if backend == "ray" else "pool",
        )  # fmt: skip
    except SuiteInterrupted as err:
        stop = err
        assert isinstance(err.report, RegressionReport)
        report = err.report
    print(_summary(report))
    if json_out is not None:
        write_report(json_out, json.dumps(report.to_json(), indent=1) + "\n")
    if markdown_out is not None:
        write_report(markdown_out, report.markdown())
    if stop is not None:
        files = [str(p) for p in (json_out, markdown_out) if p is not None]
        kept = f"wrote {', '.join(files)} for" if files else "the table shows"
        interrupted(f"{kept} the {len(report.task_names)} of {stop.planned} tasks finished")


def _cell(record: object) -> str:
    from metagrow.bench import SystemRecord

    assert isinstance(record, SystemRecord)
    if record.error is not None:
        return "error"
    score = "n/a" if record.score is None else f"{record.score:.4f}"
    found = " recovered" if record.recovered else ""
    return f"{record.metric} {score}{found}"


def _summary(report: object) -> str:
    from metagrow.bench import RegressionReport

    assert isinstance(report, RegressionReport)
    head = f"regression: {report.budget:g} s per task per system, wall {report.wall_seconds:.0f} s"
    return "\n".join([head, "", report.aggregate_markdown(), report.sklearn_markdown()])
