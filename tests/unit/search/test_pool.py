"""Backends run a solve job over many tasks; the process pool survives workers that fail.

These tests start real worker processes. The misbehaving engine below is defined at module
level so that forked workers have it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from metagrow.domains import load_task
from metagrow.domains.lists import ListsDomain
from metagrow.lang import Grammar, Task
from metagrow.search import (
    Backend,
    Budget,
    Engine,
    ProcessPoolBackend,
    Progress,
    SerialBackend,
    Solution,
    SolveJob,
    SolveResult,
    TaskOutcome,
    TopDownEnumerator,
)

HANG_SECONDS = 30.0
"""How long the "hang" task sleeps: forever next to the limits used here, yet finite so that
a pool that fails to stop it fails the test instead of hanging it."""
FAST = ["sum", "reverse", "length", "drop-first", "sort-descending", "keep-evens"]


class Misbehaving(Engine):
    """Top-down enumeration, except for tasks named after a way to fail."""

    name = "misbehaving"

    def __init__(self) -> None:
        self.inner = TopDownEnumerator()

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        if task.name == "hang":
            time.sleep(HANG_SECONDS)
        if task.name == "die":
            os._exit(3)
        if task.name == "hog":
            blob = bytes(2 * 1024**3)  # address space only: calloc leaves the pages untouched
            del blob
        if task.name == "boom":
            raise ValueError("boom\nand a second line")
        if task.name == "interrupt":
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
        yield from self.inner.search(task, grammar, budget, progress)


@pytest.fixture(autouse=True)
def no_leftover_workers() -> Iterator[None]:
    yield
    assert multiprocessing.active_children() == []


@pytest.fixture(scope="module")
def tasks(examples_dir: Path, lists: ListsDomain) -> dict[str, Task]:
    return {name: load_task(examples_dir / f"{name}.json", lists) for name in FAST}


def job(lists: ListsDomain, engine: Engine | None = None, seconds: float = 5.0) -> SolveJob:
    budget = Budget(seconds, run_limits=lists.limits())
    return SolveJob(lists, engine or Misbehaving(), budget, attempts=1)


def renamed(task: Task, name: str) -> Task:
    return replace(task, name=name)


def by_name(outcomes: list[TaskOutcome]) -> dict[str, TaskOutcome]:
    return {o.task: o for o in outcomes}


def essence(result: SolveResult | None) -> object:
    """A result without its timings, which differ from run to run."""
    assert result is not None
    sols = [(s.program, s.log_prior, s.train_score, s.programs_tried) for s in result.solutions]
    return (
        result.task,
        result.solved,
        result.program,
        result.predictions,
        result.programs_tried,
        sols,
    )


def test_pool_gives_the_serial_results(lists: ListsDomain, tasks: dict[str, Task]) -> None:
    todo = list(tasks.values())
    j = job(lists, TopDownEnumerator())
    serial = list(SerialBackend().run(j, todo))
    pooled = sorted(ProcessPoolBackend(jobs=2).run(j, todo), key=lambda o: o.index)
    assert [o.index for o in serial] == [o.index for o in pooled] == list(range(len(todo)))
    assert all(o.error is None and o.result is not None for o in serial + pooled)
    assert all(o.result is not None and o.result.solved for o in pooled)
    assert [essence(o.result) for o in pooled] == [essence(o.result) for o in serial]
    assert [o.task for o in pooled] == [t.name for t in todo]


def test_a_hung_worker_is_stopped_and_the_rest_finish(
    lists: ListsDomain, tasks: dict[str, Task]
) -> None:
    todo = [renamed(tasks["sum"], "hang"), *(tasks[n] for n in FAST[:4])]
    started = time.perf_counter()
    outcomes = list(ProcessPoolBackend(jobs=2, grace=0.5).run(job(lists, seconds=1.0), todo))
    assert time.perf_counter() - started < 10.0
    assert sorted(o.index for o in outcomes) == list(range(len(todo)))
    hung = outcomes[-1]  # outcomes come as they finish, and the hung task finishes last
    assert (hung.index, hung.task, hung.result) == (0, "hang", None)
    assert hung.error == "worker exceeded 1.6 s and was stopped"
    assert 1.6 <= hung.seconds < 6.0
    assert all(o.error is None and o.result and o.result.solved for o in outcomes[:-1])


def test_a_dead_worker_is_reported_and_replaced(lists: ListsDomain, tasks: dict[str, Task]) -> None:
    die = renamed(tasks["sum"], "die")
    todo = [die, tasks["reverse"], die, tasks["sum"]]
    outcomes = sorted(ProcessPoolBackend(jobs=1).run(job(lists), todo), key=lambda o: o.index)
    assert [o.task for o in outcomes] == ["die", "reverse", "die", "sum"]
    for o in outcomes[0], outcomes[2]:
        assert (o.error, o.result) == ("worker died (exit code 3)", None)
    for o in outcomes[1], outcomes[3]:
        assert o.error is None and o.result is not None and o.result.solved


def test_memory_limit_turns_a_huge_allocation_into_an_error(
    lists: ListsDomain, tasks: dict[str, Task]
) -> None:
    todo = [renamed(tasks["sum"], "hog"), tasks["reverse"]]
    outcomes = by_name(list(ProcessPoolBackend(jobs=1, memory_mb=1024).run(job(lists), todo)))
    assert outcomes["hog"].error == "MemoryError"
    assert outcomes["hog"].result is None
    assert outcomes["reverse"].error is None  # the same worker goes on after the error


@pytest.mark.parametrize(
    "make", [SerialBackend, lambda: ProcessPoolBackend(jobs=2)], ids=["serial", "pool"]
)
def test_an_exception_becomes_a_one_line_error(
    make: Callable[[], Backend], lists: ListsDomain, tasks: dict[str, Task]
) -> None:
    todo = [renamed(tasks["sum"], "boom"), tasks["reverse"]]
    outcomes = by_name(list(make().run(job(lists), todo)))
    assert outcomes["boom"].error == "ValueError: boom"
    assert outcomes["boom"].result is None
    assert outcomes["reverse"].error is None


def test_workers_ignore_sigint(lists: ListsDomain, tasks: dict[str, Task]) -> None:
    todo = [renamed(tasks["sum"], "interrupt"), tasks["reverse"]]
    outcomes = by_name(list(ProcessPoolBackend(jobs=1).run(job(lists), todo)))
    result = outcomes["interrupt"].result
    assert outcomes["interrupt"].error is None and result is not None and result.solved


def test_closing_early_stops_every_worker(lists: ListsDomain, tasks: dict[str, Task]) -> None:
    todo = [tasks["sum"], renamed(tasks["sum"], "hang"), renamed(tasks["sum"], "hang")]
    outcomes = ProcessPoolBackend(jobs=2).run(job(lists), todo)
    assert isinstance(outcomes, Generator)
    assert next(outcomes).task == "sum"
    assert len(multiprocessing.active_children()) == 2
    outcomes.close()
    assert multiprocessing.active_children() == []


def test_ctrl_c_in_the_parent_stops_every_worker(
    lists: ListsDomain, tasks: dict[str, Task]
) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("Ctrl-C reaches only the main thread")
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is handled by something else here")
    todo = [renamed(tasks["sum"], "hang")] * 2
    main = threading.get_ident()
    timer = threading.Timer(0.5, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            list(ProcessPoolBackend(jobs=2).run(job(lists), todo))
    finally:
        timer.cancel()
        timer.join()
    assert multiprocessing.active_children() == []


def test_no_tasks_start_no_workers(lists: ListsDomain) -> None:
    assert list(ProcessPoolBackend(jobs=2).run(job(lists), [])) == []


def test_arguments_are_checked_up_front(lists: ListsDomain) -> None:
    assert ProcessPoolBackend().jobs == (os.cpu_count() or 1)
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        ProcessPoolBackend(jobs=0)
    with pytest.raises(ValueError, match="grace"):
        ProcessPoolBackend(grace=-1.0)
    with pytest.raises(ValueError, match="memory_mb"):
        ProcessPoolBackend(memory_mb=0)
    with pytest.raises(ValueError, match="attempts"):
        SolveJob(lists, TopDownEnumerator(), Budget(1.0), attempts=0)
