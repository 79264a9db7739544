"""``metagrow bench``: run a suite of tasks and report solve rates and speed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from metagrow.cli._choices import DOMAIN_HELP, ENGINES, pick, pick_domain
from metagrow.cli._errors import UsageError, fail
from metagrow.cli._runs import (
    BackendOpt,
    BudgetOpt,
    EngineOpt,
    GuideOpt,
    JobsOpt,
    JsonOpt,
    LibraryOpt,
    LimitOpt,
    MarkdownOpt,
    MemoryOpt,
    RayAddressOpt,
    StoreOpt,
    backend_for,
    check_outputs,
    check_run_options,
    shipped_for,
    stopped,
    suite_progress,
    write_report,
)
from metagrow.domains import TaskFileError

bench_app = typer.Typer(help="Measure: run a suite of tasks and report.", no_args_is_help=True)

Split = Literal["train", "heldout", "all"]


@bench_app.command("lists")
def bench_lists(
    split: Annotated[
        str | None,
        typer.Option(help="Built-in suite split: train, heldout or all (default) for lists."),
    ] = None,
    tasks: Annotated[
        Path | None, typer.Option(help="A folder of task files instead of the built-in suite.")
    ] = None,
    domain: Annotated[str, typer.Option(help=DOMAIN_HELP)] = "lists",
    engine: EngineOpt = None,
    budget: BudgetOpt = 10.0,
    jobs: JobsOpt = 0,
    backend: BackendOpt = "pool",
    ray_address: RayAddressOpt = None,
    limit: LimitOpt = 0,
    store: StoreOpt = None,
    memory: MemoryOpt = None,
    guide: GuideOpt = True,
    library: LibraryOpt = True,
    json_out: JsonOpt = None,
    markdown_out: MarkdownOpt = None,
) -> None:
    """Solve the list-function suite, or any domain's suite or folder of task files
    (``--domain``, ``--tasks``), and score the tests."""

    from metagrow.bench import BenchReport, SuiteInterrupted, TaskRecord, run_suite
    from metagrow.cli._learn import load_tasks
    from metagrow.search import Budget, SolveJob

    try:
        check_run_options(budget, jobs, limit, memory)
        check_outputs(json_out, markdown_out)
        dom = pick_domain(domain)
        eng = pick(ENGINES, engine or dom.default_engine, "engine")
        if split is None and tasks is None and "all" in dom.splits():
            split = "all"
        task_list, suite = load_tasks(dom, split, tasks)
        if tasks is not None:
            suite = str(tasks)
        if store is not None:
            suite += f" with library from {store}"
    except (UsageError, TaskFileError) as err:
        fail(str(err))
    if limit:
        task_list = task_list[:limit]
    runner, workers = backend_for(jobs, backend, ray_address)
    spec = own = None
    if store is not None:
        from metagrow.cli._guide import stored_libraries

        spec, own = stored_libraries(store, dom, task_list, guide)
        if own is not None:
            suite += " and its guide"
    else:
        spec = shipped_for(dom, library)
        suite += "" if spec is None else " with the shipped library"
    limits = Budget(budget, run_limits=dom.limits(), memory_mb=memory)
    job = SolveJob(dom, eng, limits, library=spec, task_libraries=own)
    stop: SuiteInterrupted | None = None
    with suite_progress(suite, len(task_list), "solved", "{:g}") as step:

        def advance(record: TaskRecord) -> None:
            step(bool(record.test_correct))

        try:
            report = run_suite(suite, task_list, job, runner, workers, advance)
        except SuiteInterrupted as err:
            stop = err
            assert isinstance(err.report, BenchReport)
            report = err.report
    _print_table(report)
    if json_out is not None:
        write_report(json_out, json.dumps(report.to_json(), indent=1) + "\n")
    if markdown_out is not None:
        write_report(markdown_out, report.markdown())
    if stop is not None:
        stopped(stop, [json_out, markdown_out])


def _print_table(report: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from metagrow.bench import BenchReport, unknown_note

    assert isinstance(report, BenchReport)
    console = Console(width=None if sys.stdout.isatty() else 160)
    table = Table(title=f"{report.suite}: engine {report.engine}, {report.budget:g} s per task")
    for col in ("task", "solved", "test", "seconds", "programs"):
        table.add_column(col, no_wrap=True)
    table.add_column("program", overflow="fold")
    for r in report.tasks:
        table.add_row(
            r.task, "yes" if r.solved else "no", _yes_no(r.test_correct),
            f"{r.seconds:.2f}", str(r.programs_tried), r.program or r.error or "-",
        )  # fmt: skip
    console.print(table)
    t = report.totals
    console.print(
        f"test-correct {t['test_correct']}/{t['tasks_scored']} (top-1 {t['top1_correct']}), "
        f"{unknown_note(t)}train-solved {t['solved']}/{t['tasks']}, errors {t['errors']}, "
        f"{t['programs_per_second']:,} programs/s per worker, "
        f"slowest task {t['max_budget_fraction']:.0%} of budget, wall {report.wall_seconds:.1f} s"
    )


def _yes_no(value: bool | None) -> str:
    return "n/a" if value is None else "yes" if value else "no"
