"""The ``metagrow`` command: solve tasks, run programs, show a demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._choices import DOMAIN_HELP, ENGINES, pick, pick_domain
from metagrow.cli._errors import CommandGroup, UsageError, fail, interrupted, run
from metagrow.cli._runs import EngineOpt, LibraryOpt, check_budget
from metagrow.cli._tasks import read_task
from metagrow.domains import TaskFileError

app = typer.Typer(
    name="metagrow",
    help="Learn models that are programs, from a few input/output examples.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=CommandGroup,
)


def _show_version(value: bool) -> None:
    if value:
        from metagrow import __version__

        print(f"metagrow {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Learn models that are programs, from a few input/output examples."""


def _register_subcommands() -> None:
    from metagrow.cli._adapt import adapt_command
    from metagrow.cli._bench import bench_app
    from metagrow.cli._bench_arc import bench_arc
    from metagrow.cli._bench_digits import bench_digits
    from metagrow.cli._bench_lifelong import bench_lifelong
    from metagrow.cli._bench_regression import bench_regression
    from metagrow.cli._domain_app import domain_app
    from metagrow.cli._export import export_command
    from metagrow.cli._fit import fit_command, predict_command
    from metagrow.cli._guide_app import guide_app
    from metagrow.cli._learn import learn_command, library_app
    from metagrow.cli._run import run_command
    from metagrow.cli._serve import serve_command
    from metagrow.cli._ship import library_ship
    from metagrow.cli._ui import ui_command

    bench_app.command("arc")(bench_arc)
    bench_app.command("digits")(bench_digits)
    bench_app.command("lifelong")(bench_lifelong)
    bench_app.command("regression")(bench_regression)
    app.add_typer(bench_app, name="bench")
    app.command("run")(run_command)
    app.command("learn")(learn_command)
    app.command("fit")(fit_command)
    app.command("predict")(predict_command)
    app.command("adapt")(adapt_command)
    app.command("export")(export_command)
    app.command("serve")(serve_command)
    app.command("ui")(ui_command)
    library_app.command("ship")(library_ship)
    app.add_typer(library_app, name="library")
    app.add_typer(guide_app, name="guide")
    app.add_typer(domain_app, name="domain")


@app.command("solve")
def solve_command(
    task_file: Annotated[Path, typer.Argument(metavar="TASK.json", help="A task file.")],
    budget: Annotated[float, typer.Option(help="Wall-clock seconds for the search.")] = 10.0,
    attempts: Annotated[int, typer.Option(help="Candidate outputs per test input.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    domain: Annotated[
        str, typer.Option(help=f"auto (from the file's format) or {DOMAIN_HELP}")
    ] = "auto",
    engine: EngineOpt = None,
    store: Annotated[
        Path | None, typer.Option(help="Search with the library learned in this store.")
    ] = None,
    memory: Annotated[int | None, typer.Option(help="MiB the search may hold.")] = None,
    guide: Annotated[
        bool, typer.Option("--guide/--no-guide", help="Use the store's guide, if it has one.")
    ] = True,
    library: LibraryOpt = True,
) -> None:
    """Search for a program that maps every train input to its output; predict the tests."""
    from metagrow import api
    from metagrow.library import ShippedLibraryError
    from metagrow.search import SolveInterrupted
    from metagrow.store import StoreError

    try:
        check_budget(budget)
        if attempts < 1:
            raise UsageError(f"--attempts must be at least 1, got {attempts}")
        if memory is not None and memory < 1:
            raise UsageError(f"--memory must be a positive number of MiB, got {memory}")
        dom, task = read_task(task_file, domain)
        eng = pick(ENGINES, engine or dom.default_engine, "engine")
    except (UsageError, TaskFileError) as err:
        fail(str(err))
    stop: SolveInterrupted | None = None
    try:
        record = api.solve(task, dom, budget, attempts, store, engine=eng, memory=memory,
                           guide=guide, library=library).to_json()  # fmt: skip
    except (StoreError, ShippedLibraryError) as err:
        fail(str(err))
    except SolveInterrupted as err:
        stop, record = err, api.report(err.result, dom, task).to_json()
    except KeyboardInterrupt:
        interrupted("before the search began: nothing found")
    if as_json:
        print(json.dumps(record))
    else:
        _show_result(record)
    if stop is not None:
        what = "the best result" if record["solved"] else "what was found"
        interrupted(f"printed {what} after {record['seconds']:.1f} s of search")


def _show_result(record: dict[str, object]) -> None:
    from rich.console import Console

    console = Console()
    mark = "[green]solved[/]" if record["solved"] else "[red]not solved[/]"
    console.print(
        f"[bold]{record['task']}[/]: {mark} in {record['seconds']} s, "
        f"{record['programs_tried']} programs tried"
    )
    if record["program"] is not None:
        console.print(f"program: [cyan]{record['program']}[/]", highlight=False)
    predictions = record["predictions"]
    assert isinstance(predictions, list)
    for line in attempt_lines(predictions):
        console.print(line, highlight=False)


def attempt_lines(predictions: list[list[object]]) -> list[str]:
    """The attempts for each test input as text, one attempt a line, so that an int
    task's two attempts never read as a list: ``test 0: 3`` for one attempt, ``test 0,
    attempt 1: 3`` and ``test 0, attempt 2: 4`` for two."""
    lines = []
    for i, preds in enumerate(predictions):
        if not preds:
            lines.append(f"test {i}: no answer")
        for k, pred in enumerate(preds):
            label = f"test {i}" if len(preds) == 1 else f"test {i}, attempt {k + 1}"
            text = "the program failed on this input" if pred is None else json.dumps(pred)
            lines.append(f"{label}: {text}")
    return lines


@app.command("demo")
def demo_command(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Folder of task files (default: the example list tasks shipped)."),
    ] = None,
    budget: Annotated[float, typer.Option(help="Seconds per task.")] = 10.0,
    domain: Annotated[
        str, typer.Option(help=f"auto (from each file's format) or {DOMAIN_HELP}")
    ] = "auto",
    engine: EngineOpt = None,
) -> None:
    """Solve every task in a folder and show what was found."""
    from rich.console import Console
    from rich.table import Table

    from metagrow.domains.lists import examples_folder
    from metagrow.search import Budget, solve_in_domain

    folder = examples_folder() if folder is None else folder
    try:
        check_budget(budget)
        default = pick_domain(domain).default_engine if domain != "auto" else "bottomup"
        eng = pick(ENGINES, engine or default, "engine")
        if not folder.is_dir():
            raise UsageError(f"{folder}: no such folder")
        files = sorted(folder.glob("*.json"))
        if not files:
            raise UsageError(f"{folder}: no task files (*.json) found")
        loaded = [read_task(f, domain) for f in files]
    except (UsageError, TaskFileError) as err:
        fail(str(err))
    tasks = [task for _, task in loaded]
    kinds = sorted({dom.name for dom, _ in loaded})
    what = f"{kinds[0]} tasks" if len(kinds) == 1 else f"tasks ({', '.join(kinds)})"
    console = Console(width=None if sys.stdout.isatty() else 140)
    table = Table(title=f"metagrow: {len(tasks)} {what}, {budget:g} s each")
    for col in ("task", "solved", "seconds", "programs"):
        table.add_column(col, no_wrap=True)
    table.add_column("program", overflow="fold")
    solved = done = 0
    with console.status("searching...") as status:
        try:
            for dom, task in loaded:
                status.update(f"searching for {task.name}...")
                limits = Budget(budget, run_limits=dom.limits())
                r = solve_in_domain(task, dom, dom.grammar(), eng, limits, attempts=2)
                solved += r.solved
                done += 1
                first = r.first_solution_seconds
                table.add_row(
                    task.name,
                    "yes" if r.solved else "no",
                    f"{first:.2f}" if first is not None else f">{budget:g}",
                    str(r.programs_tried),
                    str(r.program) if r.program is not None else "-",
                )
        except KeyboardInterrupt:
            pass  # show the tasks finished
    console.print(table)
    console.print(f"solved {solved}/{done}")
    if done < len(tasks):
        interrupted(f"the table shows the {done} of {len(tasks)} tasks finished")


_register_subcommands()


def main() -> None:
    """The ``metagrow`` command."""
    from metagrow.cli import _fit

    _fit.QUICK_EXIT = True
    run(app)
