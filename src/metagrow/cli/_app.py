"""The ``metagrow`` command: solve tasks, run programs, show a demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._choices import DOMAIN_HELP, ENGINES, pick, pick_domain
from metagrow.cli._errors import UsageError, fail
from metagrow.cli._tasks import read_task
from metagrow.domains import TaskFileError, ValueDecodeError, load_task
from metagrow.lang import (
    FAIL,
    Program,
    ProgramParseError,
    ProgramTypeError,
    TypeParseError,
    infer,
    parse,
)
from metagrow.search import Budget, solve_in_domain

app = typer.Typer(
    name="metagrow",
    help="Learn models that are programs, from a few input/output examples.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DomainOpt = Annotated[str, typer.Option(help=DOMAIN_HELP)]
EngineOpt = Annotated[str, typer.Option(help=f"Search engine: {', '.join(ENGINES)}.")]


def _register_subcommands() -> None:
    from metagrow.cli._bench import bench_app
    from metagrow.cli._bench_arc import bench_arc
    from metagrow.cli._bench_digits import bench_digits
    from metagrow.cli._domain_app import domain_app
    from metagrow.cli._guide_app import guide_app
    from metagrow.cli._learn import learn_command, library_app

    bench_app.command("arc")(bench_arc)
    bench_app.command("digits")(bench_digits)
    app.add_typer(bench_app, name="bench")
    app.command("learn")(learn_command)
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
    engine: EngineOpt = "bottomup",
    store: Annotated[
        Path | None, typer.Option(help="Search with the library learned in this store.")
    ] = None,
    memory: Annotated[int | None, typer.Option(help="MiB the search may hold.")] = None,
    guide: Annotated[
        bool, typer.Option("--guide/--no-guide", help="Use the store's guide, if it has one.")
    ] = True,
) -> None:
    """Search for a program that maps every train input to its output; predict the tests."""
    from metagrow import api
    from metagrow.store import StoreError

    try:
        if not budget > 0:
            raise UsageError(f"--budget must be positive, got {budget}")
        if attempts < 1:
            raise UsageError(f"--attempts must be at least 1, got {attempts}")
        if memory is not None and memory < 1:
            raise UsageError(f"--memory must be a positive number of MiB, got {memory}")
        eng = pick(ENGINES, engine, "engine")
        dom, task = read_task(task_file, domain)
        record = api.solve(task, dom, budget, attempts, store, engine=eng, memory=memory,
                           guide=guide).to_json()  # fmt: skip
    except (UsageError, TaskFileError, StoreError) as err:
        fail(str(err))
    if as_json:
        print(json.dumps(record))
    else:
        _show_result(record)


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
    for i, preds in enumerate(predictions):
        console.print(f"test {i}: {json.dumps(preds)}", highlight=False)


@app.command("run")
def run_command(
    program: Annotated[
        str, typer.Argument(help="A program, e.g. '(lam (map (lam (+ $0 1)) $0))'.")
    ],
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT...", help="JSON arguments.")],
    domain: DomainOpt = "lists",
) -> None:
    """Type-check a program and run it on JSON arguments."""
    try:
        dom = pick_domain(domain)
        expr = parse(program)
        t = infer(expr, dom.grammar())
        arg_types = t.arguments()
        if len(inputs) != len(arg_types):
            raise UsageError(
                f"the program has type {t} and takes {len(arg_types)} arguments, got {len(inputs)}"
            )
        args = [dom.decode(_json_arg(text), at) for text, at in zip(inputs, arg_types, strict=True)]
    except (UsageError, ProgramParseError, ProgramTypeError, TypeParseError) as err:
        fail(str(err))
    except ValueDecodeError as err:
        fail(f"argument does not fit the program's type: {err}")
    compiled = Program(expr, dom.grammar().primitives)
    value = compiled.run(args, dom.limits())
    if value is FAIL:
        fail(f"the program failed: {compiled.last_error}")
    print(json.dumps(dom.encode(value, t.returns())))


def _json_arg(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"argument {text!r} is not JSON ({err.msg})") from None


@app.command("demo")
def demo_command(
    folder: Annotated[Path, typer.Argument(help="Folder of task files.")] = Path("examples/lists"),
    budget: Annotated[float, typer.Option(help="Seconds per task.")] = 10.0,
    domain: DomainOpt = "lists",
    engine: EngineOpt = "bottomup",
) -> None:
    """Solve every task in a folder and show what was found."""
    from rich.console import Console
    from rich.table import Table

    files = sorted(folder.glob("*.json"))
    if not files:
        fail(f"{folder}: no task files (*.json) found")
    try:
        dom = pick_domain(domain)
        eng = pick(ENGINES, engine, "engine")
        tasks = [load_task(f, dom) for f in files]
    except (UsageError, TaskFileError) as err:
        fail(str(err))
    console = Console(width=None if sys.stdout.isatty() else 140)
    table = Table(title=f"metagrow: {len(tasks)} {dom.name} tasks, {budget:g} s each")
    for col in ("task", "solved", "seconds", "programs"):
        table.add_column(col, no_wrap=True)
    table.add_column("program", overflow="fold")
    solved = 0
    with console.status("searching...") as status:
        for task in tasks:
            status.update(f"searching for {task.name}...")
            limits = Budget(budget, run_limits=dom.limits())
            r = solve_in_domain(task, dom, dom.grammar(), eng, limits, attempts=2)
            solved += r.solved
            first = r.first_solution_seconds
            table.add_row(
                task.name,
                "yes" if r.solved else "no",
                f"{first:.2f}" if first is not None else f">{budget:g}",
                str(r.programs_tried),
                str(r.program) if r.program is not None else "-",
            )
    console.print(table)
    console.print(f"solved {solved}/{len(tasks)}")


_register_subcommands()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        print("metagrow: interrupted", file=sys.stderr)
        sys.exit(130)
