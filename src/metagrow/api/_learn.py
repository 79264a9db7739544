"""``metagrow.learning``: grow a library across tasks from Python, as ``metagrow learn`` does."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import final

from metagrow.api._solve import ENGINES
from metagrow.domains import Domain, TaskFileError, domain_from_spec
from metagrow.lang import Task
from metagrow.learning import IterationReport, LearnConfig, Learner
from metagrow.search import Backend, ProcessPoolBackend, SerialBackend
from metagrow.store import Store


@final
@dataclass(frozen=True, slots=True)
class LearnReport:
    """What a learning run holds after :func:`learn`: its id in the store, the iterations
    this call ran, and the library's inventions as ``(name, type, body)``."""

    run_id: int
    store: Path
    resumed_after: int | None
    iterations: tuple[IterationReport, ...]
    library: tuple[tuple[str, str, str], ...]


_SPLIT_ALIASES = {("train", "training"): "training"}
"""``train`` also names a first split called ``training`` (ARC's)."""


def suite_tasks(dom: Domain, split: str | None) -> tuple[list[Task], str]:
    """The tasks of one of ``dom``'s built-in suites (``None``: its first) and the
    suite's name; ``ValueError`` with one line when it has no such suite."""
    splits = dom.splits()
    if not splits:
        raise ValueError(f"domain {dom.name} has no built-in suite; pass a folder of tasks")
    split = splits[0] if split is None else _SPLIT_ALIASES.get((split, splits[0]), split)
    if split not in splits:
        raise ValueError(f"domain {dom.name} has suites {', '.join(splits)}; got {split!r}")
    return list(dom.suite(split)), dom.suite_name(split)


def folder_tasks(dom: Domain, folder: Path) -> tuple[list[Task], str]:
    """Every ``*.json`` task file in ``folder``, read by ``dom``, and the suite's name."""
    files = sorted(folder.glob("*.json"))
    if not files:
        raise TaskFileError(f"{folder}: no task files (*.json) found")
    return [dom.read_task(f) for f in files], str(folder.resolve())


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
    engine: str = "bottomup",
    pseudo_count: float = 3.0,
    guide: bool = True,
    guide_seconds: float | None = None,
    store: str | Path = "metagrow.db",
    on_iteration: Callable[[IterationReport], None] | None = None,
    on_task: Callable[[str, bool], None] | None = None,
) -> LearnReport:
    """Learn a library over ``tasks`` (a list of tasks, a folder of task files, or
    ``None`` for ``domain``'s built-in suite ``split``), as ``metagrow learn`` does:
    search, compress, train the guide, checkpoint each iteration to ``store``. Calling it
    again with the same settings resumes the run. Bad input raises ``ValueError``."""
    dom = domain_from_spec(domain) if isinstance(domain, str) else domain
    if isinstance(tasks, (str, Path)):
        task_list, suite = folder_tasks(dom, Path(tasks))
    elif tasks is None:
        task_list, suite = suite_tasks(dom, split)
    else:
        task_list, suite = list(tasks), "tasks:" + ",".join(t.name for t in tasks)[:200]
    if limit < 0:
        raise ValueError(f"limit must be 0 (all) or positive, got {limit}")
    if limit:
        task_list, suite = task_list[:limit], f"{suite}[:{limit}]"
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (all cores) or positive, got {jobs}")
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    config = LearnConfig(
        dom.name, suite, iterations, budget, engine, pseudo_count=pseudo_count, guide=guide,
        guide_seconds=guide_seconds,
    )  # fmt: skip
    workers = jobs or os.cpu_count() or 1
    backend: Backend = SerialBackend() if workers == 1 else ProcessPoolBackend(workers)
    reports: list[IterationReport] = []

    def record(r: IterationReport) -> None:
        reports.append(r)
        if on_iteration is not None:
            on_iteration(r)

    path = Path(store)
    db = Store(path)
    with db:
        previous = db.find_run(config.domain, config.key())
        resumed = None if previous is None else db.checkpoint(previous).iteration
        learner = Learner(dom, ENGINES[engine](), task_list, db, backend, config)
        run_id = learner.run(record, on_task)
        library = tuple((r.name, r.type, r.source) for r in db.inventions(run_id))
    return LearnReport(run_id, path, resumed, tuple(reports), library)
