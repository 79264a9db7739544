"""``metagrow.learn``: grow a library across tasks from Python, as ``metagrow learn`` does."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, final

from metagrow.api._backends import make_backend
from metagrow.api._engines import ENGINES
from metagrow.domains import Domain, TaskFileError, domain_from_spec
from metagrow.lang import Task
from metagrow.search import Backend
from metagrow.store import Store

if TYPE_CHECKING:  # the learner (and its fitting code) is imported when a run starts
    from metagrow.learning import IterationReport, Phase


@final
@dataclass(frozen=True, slots=True)
class LearnReport:
    """What a learning run holds after :func:`learn`: its id in the store, the iteration
    it resumed after (``None`` when new), the line saying which run it is, the iterations
    this call ran, and the library's inventions as ``(name, type, body)``."""

    run_id: int
    store: Path
    resumed_after: int | None
    note: str
    iterations: tuple[IterationReport, ...]
    library: tuple[tuple[str, str, str], ...]


def suite_tasks(dom: Domain, split: str | None) -> tuple[list[Task], str]:
    """The tasks of one of ``dom``'s built-in suites (``None``: its first) and the
    suite's name; ``ValueError`` with one line when it has no such suite."""
    splits = dom.splits()
    if not splits:
        raise ValueError(f"domain {dom.name} has no built-in suite; pass a folder of tasks")
    split = splits[0] if split is None else split
    if split not in splits:
        raise ValueError(f"domain {dom.name} has suites {', '.join(splits)}; got {split!r}")
    return list(dom.suite(split)), dom.suite_name(split)


def folder_tasks(dom: Domain, folder: Path) -> tuple[list[Task], str]:
    """Every task file in ``folder`` (by the domain's ``task_suffixes``), read by ``dom``,
    and the suite's name."""
    if not folder.is_dir():
        raise TaskFileError(f"{folder}: no such folder")
    files = sorted(f for f in folder.iterdir() if f.suffix.lower() in dom.task_suffixes)
    if not files:
        patterns = ", ".join(f"*{s}" for s in dom.task_suffixes)
        raise TaskFileError(f"{folder}: no task files ({patterns}) found")
    return [dom.read_task(f) for f in files], str(folder.resolve())


def check_run_options(budget: float, jobs: int, limit: int, memory: int | None = None) -> None:
    """Raise ``ValueError`` with one line for options no run over tasks can use."""
    if not 0 < budget < math.inf:
        raise ValueError(f"--budget must be a positive number of seconds, got {budget}")
    if jobs < 0:
        raise ValueError(f"--jobs must be 0 (all cores) or a number of workers, got {jobs}")
    if limit < 0:
        raise ValueError(f"--limit must be 0 (all tasks) or a number of tasks, got {limit}")
    if memory is not None and memory < 1:
        raise ValueError(f"--memory must be a positive number of MiB, got {memory}")


def check_learn_options(
    budget: float,
    iterations: int,
    jobs: int,
    limit: int,
    pseudo_count: float,
    guide_seconds: float | None,
    programs: int | None,
) -> None:
    """Raise ``ValueError`` with one line for ``learn`` options no run can use."""
    check_run_options(budget, jobs, limit)
    if iterations < 1:
        raise ValueError(f"--iterations must be at least 1, got {iterations}")
    if not pseudo_count > 0:
        raise ValueError(f"--pseudo-count must be positive, got {pseudo_count}")
    if guide_seconds is not None and not guide_seconds > 0:
        raise ValueError(f"--guide-seconds must be positive, got {guide_seconds}")
    if programs is not None and programs < 1:
        raise ValueError(f"--programs must be at least 1, got {programs}")


def learn(
    tasks: Sequence[Task] | str | Path | None = None,
    domain: Domain | str = "lists",
    *,
    split: str | None = None,
    limit: int = 0,
    iterations: int = 3,
    budget: float = 10.0,
    programs: int | None = None,
    jobs: int = 0,
    engine: str | None = None,
    pseudo_count: float = 3.0,
    guide: bool = True,
    guide_seconds: float | None = None,
    store: str | Path = "metagrow.db",
    on_start: Callable[[str], None] | None = None,
    on_iteration: Callable[[IterationReport], None] | None = None,
    on_task: Callable[[str, bool], None] | None = None,
    on_phase: Callable[[Phase], None] | None = None,
    backend: str | Backend = "pool",
    ray_address: str | None = None,
) -> LearnReport:
    """Learn a library over ``tasks`` (a list of tasks, a folder of task files, or
    ``None`` for ``domain``'s built-in suite ``split``), as ``metagrow learn`` does:
    search, compress, train the guide, checkpoint each iteration to ``store``. Calling it
    again with the same settings resumes the run. ``on_start`` hears which run it is and
    why (the line ``metagrow learn`` prints first); the other callbacks hear progress.
    ``backend`` runs the searches: ``pool``, ``serial``, ``ray`` (joining the cluster at
    ``ray_address``; see :func:`make_backend`) or a :class:`Backend` of your own.
    Bad input raises ``ValueError`` (or ``StoreError``) with one line."""
    from metagrow.learning import LearnConfig, Learner

    check_learn_options(budget, iterations, jobs, limit, pseudo_count, guide_seconds, programs)
    dom = domain_from_spec(domain) if isinstance(domain, str) else domain
    engine = engine or dom.default_engine
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if isinstance(tasks, (str, Path)):
        task_list, suite = folder_tasks(dom, Path(tasks))
    elif tasks is None:
        task_list, suite = suite_tasks(dom, split)
    else:
        task_list, suite = list(tasks), "tasks:" + ",".join(t.name for t in tasks)[:200]
    if limit:
        task_list, suite = task_list[:limit], f"{suite}[:{limit}]"
    config = LearnConfig(
        dom.name, suite, iterations, budget, engine, pseudo_count=pseudo_count, guide=guide,
        guide_seconds=guide_seconds, programs=programs,
    )  # fmt: skip
    if isinstance(backend, str):
        backend, _ = make_backend(backend, jobs, ray_address)
    reports: list[IterationReport] = []

    def record(r: IterationReport) -> None:
        reports.append(r)
        if on_iteration is not None:
            on_iteration(r)

    path = Path(store)
    with Store(path) as db:
        run_id, resumed, note = which_run(db, path, config.domain, config.key())
        if on_start is not None:
            on_start(note)
        learner = Learner(dom, ENGINES[engine](), task_list, db, backend, config)
        learner.run(record, on_task, on_phase)
        library = tuple((r.name, r.type, r.source) for r in db.inventions(run_id))
    return LearnReport(run_id, path, resumed, note, tuple(reports), library)


def which_run(
    db: Store, path: Path, domain: str, key: Mapping[str, object]
) -> tuple[int, int | None, str]:
    """The run of these settings (started here unless one exists), the iteration it
    resumes after (``None`` for a new run), and a line saying which it is and why: a store
    whose runs all differ names the newest and the settings it differs in."""
    found = db.find_run(domain, key, exact=True)
    if found is not None:
        last = db.checkpoint(found).iteration
        if last < 0:
            return found, last, f"resuming run {found}, which completed no iteration yet"
        return found, last, f"resuming run {found} after iteration {last}"
    runs = db.runs()
    run_id = db.start_run(domain, key)
    if not runs:
        return run_id, None, f"starting run {run_id} in {path}"
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
        run_id,
        None,
        (
            f"starting run {run_id}: no earlier run in {path} has these settings "
            f"(run {other['id']} differs in: {', '.join(changes)})"
        ),
    )


def _shown(value: object) -> str:
    return "unset" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
