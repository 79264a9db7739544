"""``metagrow learn`` and ``metagrow library``: grow a library across tasks, and show it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from metagrow.cli._choices import DOMAIN_HELP, ENGINES, pick, pick_domain
from metagrow.cli._errors import UsageError, fail

if TYPE_CHECKING:
    from metagrow.domains import Domain
    from metagrow.lang import GrammarSpec, Task
    from metagrow.store import Store

library_app = typer.Typer(help="Show the library a learning run grew.", no_args_is_help=True)

StoreOpt = Annotated[Path, typer.Option("--store", help="The SQLite store file.")]


def learn_command(
    domain: Annotated[str, typer.Option(help=DOMAIN_HELP)] = "lists",
    split: Annotated[
        str | None,
        typer.Option(
            help="Built-in suite split (default: the domain's first): train, heldout or all "
            "for lists; an ARC split (training, evaluation, arc2-training, arc2-evaluation) "
            "for grids."
        ),
    ] = None,
    tasks: Annotated[Path | None, typer.Option(help="A folder of task files instead.")] = None,
    limit: Annotated[int, typer.Option(help="Only the first N tasks (0: all).")] = 0,
    iterations: Annotated[int, typer.Option(help="Wake/abstraction iterations in all.")] = 3,
    budget: Annotated[float, typer.Option(help="Seconds per task in the first iteration.")] = 10.0,
    jobs: Annotated[int, typer.Option(help="Worker processes (default: all cores).")] = 0,
    engine: Annotated[str, typer.Option(help=f"Engine: {', '.join(ENGINES)}.")] = "bottomup",
    pseudo_count: Annotated[
        float, typer.Option(help="Pseudo-count added to every production's usage count.")
    ] = 3.0,
    guide: Annotated[
        bool, typer.Option("--guide/--no-guide", help="Train the neural guide each iteration.")
    ] = True,
    guide_seconds: Annotated[
        float | None,
        typer.Option(help="Cap on each guide training, sampling included (default: the guide's)."),
    ] = None,
    store: StoreOpt = Path("metagrow.db"),
) -> None:
    """Learn a library: search all tasks, compress the solutions, train the guide, repeat.
    Running the same command again on the same store resumes after the last completed
    iteration."""
    from rich.console import Console

    from metagrow.guide import MemberFailed
    from metagrow.learning import IterationReport, LearnConfig, Learner
    from metagrow.search import ProcessPoolBackend, SerialBackend
    from metagrow.store import Store, StoreError

    try:
        dom = pick_domain(domain)
        eng = pick(ENGINES, engine, "engine")
        task_list, suite = load_tasks(dom, split, tasks)
        if limit < 0:
            raise UsageError(f"--limit must be 0 (all) or positive, got {limit}")
        if limit:
            task_list, suite = task_list[:limit], f"{suite}[:{limit}]"
        config = LearnConfig(
            dom.name, suite, iterations, budget, engine, pseudo_count=pseudo_count, guide=guide,
            guide_seconds=guide_seconds,
        )  # fmt: skip
        db = Store(store)
    except (UsageError, ValueError, StoreError) as err:
        fail(str(err))
    workers = jobs or os.cpu_count() or 1
    backend = SerialBackend() if workers == 1 else ProcessPoolBackend(workers)
    console = Console(stderr=True)
    out = Console(width=None if sys.stdout.isatty() else 160)
    done = {"n": 0}

    def on_task(name: str, ok: bool) -> None:
        done["n"] += 1
        status.update(f"iteration in progress: {done['n']} tasks searched, last {name}")

    def on_iteration(r: IterationReport) -> None:
        done["n"] = 0
        out.print(
            f"[bold]iteration {r.iteration}[/]: searched {r.attempted}, newly solved "
            f"{len(r.newly_solved)}, solved {r.solved}/{r.tasks}, {r.seconds:.0f} s; "
            f"new inventions: {', '.join(r.added) or 'none'}"
            + ("" if r.guide_seconds is None else f"; guide trained in {r.guide_seconds:.0f} s"),
            highlight=False,
        )
        for name, body, t in r.library:
            if name in r.added:
                out.print(f"  {name} : {t} = {body}", highlight=False)

    if guide:
        from metagrow.guide import describe_encoder

        console.print(describe_encoder(dom), highlight=False)
    previous = db.find_run(config.domain, config.key())
    if previous is not None:
        last = db.checkpoint(previous).iteration
        out.print(f"resuming run {previous} after iteration {last}", highlight=False)
    with db, console.status("learning...") as status:
        try:
            run_id = Learner(dom, eng, task_list, db, backend, config).run(on_iteration, on_task)
        except KeyboardInterrupt:
            console.print("interrupted: completed iterations are saved; run again to resume")
            raise typer.Exit(130) from None
        except MemberFailed as err:
            fail(f"guide training: {err}; completed iterations are saved, run again to "
                 "resume (or pass --no-guide)", code=1)  # fmt: skip
    out.print(f"run {run_id} in {store}: see `metagrow library show --store {store}`")


def load_tasks(dom: Domain, split: str | None, folder: Path | None) -> tuple[list[Task], str]:
    """The tasks named on the command line: a folder of files or one of the domain's
    built-in suites (``split``; ``None``: its first)."""
    from metagrow import api

    if folder is not None:
        return api.folder_tasks(dom, folder)
    try:
        return api.suite_tasks(dom, split)
    except ValueError as err:
        raise UsageError(f"{err} (--split, --tasks DIR)") from None


def stored_library(path: Path, domain: str) -> GrammarSpec | None:
    """The library of the newest run of ``domain`` in the store at ``path``."""
    from metagrow import api
    from metagrow.store import StoreError

    try:
        return api.stored_library(path, domain)
    except StoreError as err:
        fail(str(err))


@library_app.command("show")
def library_show(store: StoreOpt = Path("metagrow.db")) -> None:
    """The inventions of the newest run: name, type, body, uses, the tasks they came from."""
    from rich.console import Console
    from rich.table import Table

    records = _open(store).inventions()
    console = Console(width=None if sys.stdout.isatty() else 160)
    if not records:
        console.print(f"{store}: the library has no inventions yet")
        return
    table = Table(title=f"library in {store}")
    for col in ("name", "type", "body", "uses", "weight", "iteration", "tasks"):
        table.add_column(col, overflow="fold")
    for r in records:
        tasks = ", ".join(r.tasks[:6]) + (" ..." if len(r.tasks) > 6 else "")
        table.add_row(
            r.name, r.type, r.source, str(r.uses), f"{r.log_weight:.2f}", str(r.iteration), tasks
        )
    console.print(table)


@library_app.command("history")
def library_history(store: StoreOpt = Path("metagrow.db")) -> None:
    """Per iteration of each run: tasks solved and the inventions added."""
    from rich.console import Console

    db = _open(store)
    console = Console(width=None if sys.stdout.isatty() else 160)
    for it in db.iterations():
        m = it.metrics
        added, new = m.get("added") or [], m.get("newly_solved") or []
        assert isinstance(added, list) and isinstance(new, list)
        console.print(
            f"run {it.run_id} iteration {it.iteration}: solved {m.get('solved')}/{m.get('tasks')}"
            f" (+{len(new)}), {m.get('seconds')} s, "
            f"added {', '.join(map(str, added)) or 'nothing'}  [{it.finished_at}]",
            highlight=False,
        )
    for iteration, r in db.library_history():
        console.print(f"  iteration {iteration}: {r.name} : {r.type} = {r.source}", highlight=False)


def _open(path: Path) -> Store:
    from metagrow.store import Store, StoreError

    if not path.exists():
        fail(f"{path}: no such store; create one with `metagrow learn --store {path}`")
    try:
        return Store(path)
    except StoreError as err:
        fail(str(err))
