"""``metagrow learn`` and ``metagrow library``: grow a library across tasks, and show it."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from metagrow.cli._choices import DOMAIN_HELP, ENGINES, pick, pick_domain
from metagrow.cli._errors import UsageError, fail
from metagrow.cli._learn_progress import PhaseDisplay
from metagrow.cli._runs import BackendOpt, RayAddressOpt, backend_for

if TYPE_CHECKING:
    from metagrow.domains import Domain
    from metagrow.lang import GrammarSpec, Task
    from metagrow.store import Checkpoint, Store

library_app = typer.Typer(
    help="Show the library a learning run grew, or ship it with a domain.", no_args_is_help=True
)

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
    backend: BackendOpt = "pool",
    ray_address: RayAddressOpt = None,
    engine: Annotated[
        str | None,
        typer.Option(help=f"Engine: {', '.join(ENGINES)} (default: the domain's own)."),
    ] = None,
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
    programs: Annotated[
        int | None,
        typer.Option(
            help="Programs each task's search may try in the first iteration (growing with "
            "its time budget); with --no-guide a run then repeats exactly."
        ),
    ] = None,
    store: StoreOpt = Path("metagrow.db"),
) -> None:
    """Learn a library: search all tasks, compress the solutions, train the guide, repeat.
    Running the same command again on the same store resumes after the last completed
    iteration."""
    from rich.console import Console

    from metagrow import api
    from metagrow.guide import MemberFailed
    from metagrow.learning import IterationReport
    from metagrow.store import StoreError

    try:
        api.check_learn_options(budget, iterations, jobs, limit, pseudo_count, guide_seconds,
                                programs)  # fmt: skip
        dom = pick_domain(domain)
        engine = engine or dom.default_engine
        pick(ENGINES, engine, "engine")
    except (ValueError, StoreError) as err:
        fail(str(err))
    runner, _ = backend_for(jobs, backend, ray_address)
    console = Console(stderr=True)
    out = Console(width=None if sys.stdout.isatty() else 160)

    def on_iteration(r: IterationReport) -> None:
        display.iteration_done()
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

    def on_start(note: str) -> None:
        out.print(note, highlight=False, soft_wrap=True)
        if guide:
            from metagrow.guide import describe_encoder

            console.print(describe_encoder(dom), highlight=False)

    with PhaseDisplay(console) as display:
        try:
            report = api.learn(
                tasks, dom, split=split, limit=limit,
                iterations=iterations, budget=budget, programs=programs, jobs=jobs,
                engine=engine, pseudo_count=pseudo_count, guide=guide,
                guide_seconds=guide_seconds, store=store, backend=runner,
                on_start=on_start,
                on_iteration=on_iteration, on_task=display.task, on_phase=display.phase,
            )  # fmt: skip
        except (ValueError, StoreError) as err:
            fail(str(err))
        except KeyboardInterrupt:
            console.print("interrupted: completed iterations are saved; run again to resume")
            raise typer.Exit(130) from None
        except MemberFailed as err:
            fail(f"guide training: {err}; completed iterations are saved, run again to "
                 "resume (or pass --no-guide)", code=1)  # fmt: skip
    out.print(f"run {report.run_id} in {store}: see `metagrow library show --store {store}`")


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


RunOpt = Annotated[int | None, typer.Option("--run", help="The run to show (default: the newest).")]


@library_app.command("show")
def library_show(store: StoreOpt = Path("metagrow.db"), run: RunOpt = None) -> None:
    """The library of a run: its inventions (name, type, body, uses, the tasks they came
    from) and its trained modules (name, type, architecture, the task that trained it,
    the tasks whose programs use it)."""
    from rich.console import Console
    from rich.table import Table

    db = _open(store)
    console = Console(width=None if sys.stdout.isatty() else 160)
    with db:
        run_id, about = _chosen_run(db, store, run)
        records = db.inventions(run_id)
        point = db.checkpoint(run_id)
    console.print(about, highlight=False, soft_wrap=True)
    if point.modules:
        console.print(_modules_table(point, f"modules of run {run_id} in {store}"))
    if not records:
        console.print(f"run {run_id}: the library has no inventions yet", highlight=False)
        return
    table = Table(title=f"library of run {run_id} in {store}")
    for col in ("name", "type", "body", "uses", "weight", "iteration", "tasks"):
        table.add_column(col, overflow="fold")
    for r in records:
        tasks = ", ".join(r.tasks[:6]) + (" ..." if len(r.tasks) > 6 else "")
        table.add_row(
            r.name, r.type, r.source, str(r.uses), f"{r.log_weight:.2f}", str(r.iteration), tasks
        )
    console.print(table)


def _modules_table(point: Checkpoint, title: str) -> object:
    from rich.table import Table

    table = Table(title=title)
    for col in ("name", "type", "architecture", "trained on", "iteration", "used by"):
        table.add_column(col, overflow="fold")
    for m in point.modules:
        users = sorted(s.task for s in point.solutions if _names(s.program, m.name))
        table.add_row(
            m.name,
            m.type,
            _architecture_text(m.architecture),
            str(m.provenance.get("task", ""))
            + (f" (fine-tuned {m.provenance['parent']})" if m.provenance.get("parent") else ""),
            str(m.provenance.get("iteration", "")),
            ", ".join(users),
        )
    return table


def _architecture_text(arch: Mapping[str, object]) -> str:
    """``mlp 64-128-10``, ``cnn 16x16-8-16-64-10``, ``head 10 on net_x``."""
    if arch.get("kind") == "head":
        return f"head {arch.get('outputs')} on {arch.get('trunk_name')}"
    sizes = [arch.get("inputs") or f"{arch.get('height')}x{arch.get('width')}"]
    for key in ("filters", "hidden"):
        layers = arch.get(key, [])
        sizes += layers if isinstance(layers, list) else []
    return f"{arch.get('kind')} {'-'.join(map(str, [*sizes, arch.get('outputs')]))}"


def _names(program: str, name: str) -> bool:
    """Whether program text uses the primitive ``name``."""
    return name in program.replace("(", " ").replace(")", " ").split()


@library_app.command("history")
def library_history(store: StoreOpt = Path("metagrow.db"), run: RunOpt = None) -> None:
    """Per iteration of a run: tasks solved and the inventions added."""
    from rich.console import Console

    db = _open(store)
    console = Console(width=None if sys.stdout.isatty() else 160)
    with db:
        run_id, about = _chosen_run(db, store, run)
        iterations, history = db.iterations(run_id), db.library_history(run_id)
    console.print(about, highlight=False, soft_wrap=True)
    for it in iterations:
        m = it.metrics
        added, new = m.get("added") or [], m.get("newly_solved") or []
        assert isinstance(added, list) and isinstance(new, list)
        console.print(
            f"iteration {it.iteration}: solved {m.get('solved')}/{m.get('tasks')}"
            f" (+{len(new)}), {m.get('seconds')} s, "
            f"added {', '.join(map(str, added)) or 'nothing'}  [{it.finished_at}]",
            highlight=False,
        )
    for iteration, r in history:
        console.print(f"  iteration {iteration}: {r.name} : {r.type} = {r.source}", highlight=False)


def _chosen_run(db: Store, path: Path, run: int | None) -> tuple[int, str]:
    """The run to show (``run``, or the newest) and a line saying which it is; exits with
    one line if the store has no runs or not that one."""
    runs = {int(r["id"]): r for r in db.runs()}  # type: ignore[call-overload]
    if not runs:
        fail(f"{path}: no learning runs yet; start one with `metagrow learn --store {path}`")
    chosen = max(runs) if run is None else run
    if chosen not in runs:
        listed = ", ".join(map(str, sorted(runs)))
        fail(f"{path}: no run {run}; its runs are {listed}")
    r = runs[chosen]
    config = r["config"]
    assert isinstance(config, dict)
    which = f"the newest of {len(runs)}" if run is None else f"{len(runs)} in all"
    return chosen, (
        f"run {chosen} ({which}) in {path}: {r['domain']} {config.get('suite')}, "
        f"{r['iterations']} iterations, started {r['started_at']}"
    )


def _open(path: Path) -> Store:
    """The store at ``path`` (:func:`metagrow.api.open_store`); one line and exit if it
    is missing or cannot be used."""
    from metagrow import api
    from metagrow.store import StoreError

    try:
        return api.open_store(path)
    except StoreError as err:
        fail(str(err))
