"""Backends: run one solve job over many tasks, each task's outcome reported on its own."""

from __future__ import annotations

import gc
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import final

from metagrow.domains import Domain
from metagrow.lang import Grammar, GrammarSpec, Task, build_grammar
from metagrow.search._budget import Budget
from metagrow.search._engine import Engine
from metagrow.search._memory import GIVE_BACK_MB, give_back, grown_mb, resident_mb
from metagrow.search._solve import SolveResult, solve


@final
@dataclass(frozen=True, slots=True)
class SolveJob:
    """Everything a worker needs to solve one task; picklable.

    ``task_libraries`` gives some tasks (by name) a library of their own, such as a
    guide's task-conditioned weights; the others use ``library``.
    """

    domain: Domain
    engine: Engine
    budget: Budget
    attempts: int = 2
    library: GrammarSpec | None = None
    task_libraries: Mapping[str, GrammarSpec] | None = None

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")

    def grammar(self, task: str | None = None) -> Grammar:
        """The domain's grammar, with the learned library (``task``'s own if it has one)
        on top when there is one."""
        base = self.domain.grammar()
        library = self.library
        if task is not None and self.task_libraries is not None:
            library = self.task_libraries.get(task, library)
        return base if library is None else build_grammar(base, library)

    def run(self, task: Task) -> SolveResult:
        """Solve ``task`` with this job's grammar, engine and budget (:func:`solve_in_domain`)."""
        return solve_in_domain(
            task, self.domain, self.grammar(task.name), self.engine, self.budget, self.attempts
        )


def solve_in_domain(
    task: Task, domain: Domain, grammar: Grammar, engine: Engine, budget: Budget, attempts: int
) -> SolveResult:
    """:func:`solve` with the primitives ``domain`` reads off ``task`` added to ``grammar``
    (``Domain.task_grammar``), given ``domain.fitting_share`` of the budget; the time
    that takes comes out of the budget. A budget that names no memory gets the domain's
    ``search_memory_mb``; a backend tidies the worker between tasks (:func:`tidy`)."""
    start = time.perf_counter()
    if budget.memory_mb is None and domain.search_memory_mb is not None:
        budget = replace(budget, memory_mb=domain.search_memory_mb)
    grammar = domain.task_grammar(task, grammar, domain.fitting_share * budget.seconds)
    left = max(budget.seconds - (time.perf_counter() - start), 0.05 * budget.seconds)
    return solve(task, grammar, engine, replace(budget, seconds=left), attempts)


def tidy(job: SolveJob, since: float | None) -> None:
    """Between two tasks of a worker, outside either's measured time: the domain forgets
    what its primitives remember (``Domain.forget``), and a worker grown by more than
    ``GIVE_BACK_MB`` since it held ``since`` MiB (its start; None: unknown) collects the
    cycles its searches left (they run with the collector off) and gives the freed heap
    back. On ARC grids at 30 s a worker otherwise crept from 0.5 to 0.9 GB over three
    tasks; done inside the task, this took 0.1-0.2 s of a 2 s budget. Measured from the
    worker's start, not as a size: a worker forked from a big process is big from the
    start, and a collection there walks (and copies) all it inherited."""
    job.domain.forget()
    if grown_mb(since) > GIVE_BACK_MB:
        gc.collect()
        give_back()


@final
@dataclass(frozen=True, slots=True)
class TaskOutcome:
    """What became of one task: its result, or a one-line ``error`` saying why there is none.

    ``index`` is the task's position in the input sequence and ``seconds`` the wall time the
    caller observed for it; ``node`` names the machine that ran it, for a backend that
    spreads tasks over several (``None`` otherwise).
    """

    index: int
    task: str
    result: SolveResult | None
    error: str | None
    seconds: float
    node: str | None = None


class Backend(ABC):
    """Runs a job over tasks; outcomes come back as they finish.

    Every task yields exactly one outcome. A failure confined to one task (an exception, a
    crash, running out of time or memory) becomes that outcome's ``error`` and does not stop
    the others. Closing the iterator early releases whatever the backend started.
    """

    @abstractmethod
    def run(self, job: SolveJob, tasks: Sequence[Task]) -> Iterator[TaskOutcome]:
        """One outcome per task, in the order they finish (sort by ``index`` for input order)."""


@final
class SerialBackend(Backend):
    """In-process, one task after another: for ``jobs=1`` and for debugging.

    Exceptions from a task are caught into its outcome; a hang or a crash is not guarded
    against (use :class:`ProcessPoolBackend` for that).
    """

    def run(self, job: SolveJob, tasks: Sequence[Task]) -> Iterator[TaskOutcome]:
        start = resident_mb()
        for index, task in enumerate(tasks):
            if index:
                tidy(job, start)
            yield run_one(job, index, task)


def run_one(job: SolveJob, index: int, task: Task) -> TaskOutcome:
    """Run ``job`` on one task, catching any exception into the outcome."""
    started = time.perf_counter()
    try:
        result = job.run(task)
    except Exception as err:
        return TaskOutcome(index, task.name, None, describe(err), time.perf_counter() - started)
    return TaskOutcome(index, task.name, result, None, time.perf_counter() - started)


def describe(err: BaseException) -> str:
    """An exception as one line: ``Type: first line of the message``, or just ``Type``
    (always just ``MemoryError`` for a failed allocation)."""
    if isinstance(err, MemoryError):
        return "MemoryError"
    lines = str(err).strip().splitlines()
    name = type(err).__name__
    return f"{name}: {lines[0]}" if lines else name
