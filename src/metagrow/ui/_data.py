"""What the pages show, read from the store: each request opens it read-only (so it never
blocks ``metagrow learn`` writing to it and always sees its last committed iteration), and
a run's contents are cached by how many iterations it has completed, which is the only
way they change."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Generic, TypeVar, final

from metagrow.api import filled_type, folder_tasks
from metagrow.domains import BUILTIN_DOMAINS, Domain, domain_from_spec
from metagrow.lang import (
    Expr,
    Grammar,
    GrammarSpec,
    ProgramParseError,
    ProgramTypeError,
    Task,
    Type,
    build_grammar,
    infer,
    inline_inventions,
    show,
)
from metagrow.learning import spec_of
from metagrow.store import (
    InventionRecord,
    IterationRecord,
    ModuleRecord,
    PredictionRecord,
    SolutionRecord,
    Store,
    StoredSolution,
    StoreError,
)


class NotFound(LookupError):
    """A page about something the store does not have: its message is the one line shown."""


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@final
class Cache(Generic[K, V]):
    """The last ``size`` values computed by key, least recently used dropped first; safe
    to share between the server's request threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                value = self._items.pop(key)
                self._items[key] = value
                return value
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                del self._items[next(iter(self._items))]
        return value


@final
@dataclass(frozen=True)
class RunInfo:
    """A run as listed: id, domain, the suite it learned on, when it started, iterations."""

    id: int
    domain: str
    suite: str
    started_at: str
    iterations: int
    config: Mapping[str, object]


def runs_of(path: Path) -> list[RunInfo]:
    """Every run in the store, oldest first; ``StoreError`` (one line) if it cannot be read."""
    with Store(path, read_only=True) as db:
        return [_info(r) for r in db.runs()]


def _info(r: Mapping[str, object]) -> RunInfo:
    config = r["config"]
    assert isinstance(config, dict)
    return RunInfo(
        int(str(r["id"])), str(r["domain"]), str(config.get("suite", "")),
        str(r["started_at"]), int(str(r["iterations"])), config,
    )  # fmt: skip


def version(path: Path) -> str:
    """A text that changes whenever the store gains a run or an iteration."""
    return version_of(runs_of(path))


def version_of(runs: list[RunInfo]) -> str:
    """:func:`version` from the runs already read."""
    return f"{len(runs)}.{sum(r.iterations for r in runs)}"


@final
@dataclass(frozen=True)
class Invention:
    """An invention as the library page shows it: its record (as first added), the
    iteration that added it, whether the run's library still holds it, and the other
    inventions its body names."""

    record: InventionRecord
    added: int
    current: bool
    uses_names: tuple[str, ...]


@final
@dataclass
class RunView:
    """Everything one run stored after its last completed iteration, with the domain and
    grammar its programs run in (built when first needed)."""

    info: RunInfo
    iterations: list[IterationRecord]
    inventions: list[Invention]
    solutions: dict[str, SolutionRecord]
    tasks_seen: dict[str, int]
    budgets: dict[str, float]
    modules: tuple[ModuleRecord, ...]
    guides: list[tuple[int, dict[str, object]]]
    spec: GrammarSpec = field(repr=False)

    @cached_property
    def domain(self) -> Domain:
        if self.info.domain not in BUILTIN_DOMAINS:
            raise StoreError(f"domain {self.info.domain!r} is not a built-in domain")
        return domain_from_spec(self.info.domain)

    @cached_property
    def grammar(self) -> Grammar:
        """The domain's grammar with the run's library."""
        return build_grammar(self.domain.grammar(), self.spec)

    @cached_property
    def users(self) -> dict[str, list[str]]:
        """For each invention or module name, the tasks whose newest program names it."""
        names = {i.record.name for i in self.inventions} | {m.name for m in self.modules}
        found: dict[str, list[str]] = {name: [] for name in names}
        for task, solution in sorted(self.solutions.items()):
            for name in names & set(tokens(solution.program)):
                found[name].append(task)
        return found

    @cached_property
    def inlined(self) -> dict[str, str]:
        """Each current invention's body with the inventions it uses inlined (beta-reduced)."""
        out: dict[str, str] = {}
        try:
            grammar = self.grammar
        except (StoreError, ValueError):  # a domain this metagrow does not have, or cannot build
            return out
        for i in self.inventions:
            if i.current:
                try:
                    out[i.record.name] = show(inline_inventions(grammar.parse(i.record.source)))
                except (ProgramParseError, ValueError):
                    continue
        return out

    def invention(self, name: str) -> Invention | None:
        """The run's invention called ``name`` (the newest, if the name was reused)."""
        return next((i for i in reversed(self.inventions) if i.record.name == name), None)

    def task_names(self) -> list[str]:
        """Every task the run has seen, by name."""
        return sorted(self.tasks_seen.keys() | self.solutions.keys())

    def history(self, path: Path, task: str) -> list[StoredSolution]:
        with Store(path, read_only=True) as db:
            return db.solution_history(self.info.id, task)

    def predicted(self, path: Path, task: str) -> PredictionRecord | None:
        """What the task's newest search predicted for its test inputs, if the run stored
        it (runs written before schema version 5 did not)."""
        with Store(path, read_only=True) as db:
            return db.predictions(self.info.id, task).get(task)

    def program(self, text: str, task: Task | None = None) -> tuple[Expr, Type, Grammar]:
        """``text`` parsed in the run's grammar (or, if it names primitives the domain reads
        off ``task``'s examples, such as a constant, in the task's own grammar), its type
        with type variables filled as stored programs' are, and the grammar;
        ``ProgramParseError``, ``ProgramTypeError`` or ``ValueError`` with one line if it
        cannot be run."""
        grammar = self.grammar
        try:
            expr = grammar.parse(text)
            request = infer(expr, grammar)
        except (ProgramParseError, ProgramTypeError):
            if task is None:
                raise
            grammar = self._task_grammars.get(task.name, lambda: self._task_grammar(task))
            expr = grammar.parse(text)
            request = infer(expr, grammar)
        return expr, filled_type(request, self.domain), grammar

    def _task_grammar(self, task: Task) -> Grammar:
        return self.domain.task_grammar(task, self.grammar, seconds=1.0)

    @cached_property
    def _task_grammars(self) -> Cache[str, Grammar]:
        return Cache(32)


_VIEWS: Cache[tuple[str, int, int], RunView] = Cache(4)


def run_view(path: Path, run_id: int | None) -> tuple[list[RunInfo], RunView | None]:
    """The store's runs and the view of run ``run_id`` (the newest if ``None``; ``None``
    if the store has no runs); :class:`NotFound` for a run it does not have."""
    with Store(path, read_only=True) as db:
        runs = [_info(r) for r in db.runs()]
        if not runs:
            return runs, None
        chosen = runs[-1] if run_id is None else next((r for r in runs if r.id == run_id), None)
        if chosen is None:
            listed = ", ".join(str(r.id) for r in runs)
            raise NotFound(f"no run {run_id}; the store's runs are {listed}")
        key = (str(path.resolve()), chosen.id, chosen.iterations)
        return runs, _VIEWS.get(key, lambda: _read_view(db, chosen))


def _read_view(db: Store, info: RunInfo) -> RunView:
    point = db.checkpoint(info.id)
    current = {(r.name, r.source) for r in point.inventions}
    history = db.library_history(info.id)
    names = {r.name for _, r in history}
    inventions = [
        Invention(r, added, (r.name, r.source) in current,
                  tuple(sorted(names & set(tokens(r.source)) - {r.name})))
        for added, r in history
    ]  # fmt: skip
    return RunView(
        info=info,
        iterations=db.iterations(info.id),
        inventions=inventions,
        solutions={s.task: s for s in point.solutions},
        tasks_seen=db.tasks_seen(info.id),
        budgets=dict(point.budgets),
        modules=point.modules,
        guides=db.guide_trainings(info.id),
        spec=spec_of(point, db.module),
    )


_TOKEN = re.compile(r"[^\s()#]+")


def tokens(program: str) -> list[str]:
    """The names and numbers in program text (no parentheses)."""
    return _TOKEN.findall(program)


_TASKS: Cache[tuple[str, str], dict[str, Task]] = Cache(4)
_LIMIT = re.compile(r"\[:\d+\]$")


def suite_tasks(view: RunView) -> dict[str, Task]:
    """The tasks of the suite the run learned on, by name, read again as ``learn`` read
    them: a built-in suite of its domain, or a folder of task files that still exists;
    empty for tasks given from Python or a folder that is gone (then only names show)."""
    suite = _LIMIT.sub("", view.info.suite)
    try:
        domain = view.domain
    except StoreError:  # a domain this metagrow does not have: names only
        return {}
    return _TASKS.get((view.info.domain, suite), lambda: _load_suite(domain, suite))


def _load_suite(domain: Domain, suite: str) -> dict[str, Task]:
    try:
        split = next((s for s in domain.splits() if domain.suite_name(s) == suite), None)
        if split is not None:
            return {t.name: t for t in domain.suite(split)}
        if suite and Path(suite).is_dir():
            return {t.name: t for t in folder_tasks(domain, Path(suite))[0]}
    except ValueError:  # a task file changed since the run read it
        return {}
    return {}


def warm(path: Path) -> None:
    """Read the newest run, build its grammar and read its tasks ahead of the first visit
    (reading an ARC split takes about a second); any problem is left for a page to report."""
    try:
        _, view = run_view(path, None)
        if view is not None:
            suite_tasks(view)
            _ = view.inlined  # builds the grammar and the inlined bodies
    except (StoreError, NotFound, ValueError, OSError):
        return
