"""A backend of worker processes that outlives workers that crash, hang or run out of memory.

Each worker is a long-lived process that takes ``(index, task)`` from its pipe, runs the
job and sends back a :class:`TaskOutcome`. The parent waits on every busy worker's pipe
and exit sentinel at once; a worker that dies or overruns its task's deadline is killed,
its task reported as failed, and a fresh worker takes its place.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, TypeAlias, final

from metagrow.lang import Task
from metagrow.search._backend import Backend, SolveJob, TaskOutcome, describe, run_one, tidy
from metagrow.search._memory import resident_mb

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext

    _Context: TypeAlias = ForkContext | SpawnContext


_BASE_MB = 1024
"""Address space a worker needs beside what its search keeps (Python, numpy, code)."""


@final
class ProcessPoolBackend(Backend):
    """Runs tasks in ``jobs`` worker processes (default: one per CPU).

    A task whose worker runs longer than ``budget.seconds * 1.1 + grace`` is stopped with
    SIGKILL; with ``memory_mb`` each worker's address space is capped so that a runaway
    allocation raises :class:`MemoryError` in the worker rather than exhausting the machine.
    Workers are forked where the platform allows, so engines defined anywhere (even in a
    test module) reach them; otherwise they are spawned and the job must pickle.
    """

    def __init__(
        self, jobs: int | None = None, grace: float = 2.0, memory_mb: int | None = None
    ) -> None:
        if jobs is None:
            jobs = os.cpu_count() or 1
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        if not grace >= 0:
            raise ValueError(f"grace must be a non-negative number of seconds, got {grace}")
        if memory_mb is not None:
            if memory_mb < 1:
                raise ValueError(f"memory_mb must be a positive number of MiB, got {memory_mb}")
            if sys.platform == "win32":
                raise ValueError("memory_mb needs a Unix platform; pass memory_mb=None")
        self.jobs = jobs
        self.grace = grace
        self.memory_mb = memory_mb

    def __repr__(self) -> str:
        return (
            f"ProcessPoolBackend(jobs={self.jobs}, grace={self.grace}, memory_mb={self.memory_mb})"
        )

    def run(self, job: SolveJob, tasks: Sequence[Task]) -> Iterator[TaskOutcome]:
        ctx = _context()
        limit = job.budget.seconds * 1.1 + self.grace
        memory = self.memory_mb
        if memory is None and job.budget.memory_mb is not None:
            memory = job.budget.memory_mb + _BASE_MB  # the interpreter and libraries themselves
        pending = deque(enumerate(tasks))
        workers: list[_Worker] = []
        finished = False

        def start() -> _Worker:
            inherited = [w.conn for w in workers] if ctx.get_start_method() == "fork" else []
            return _Worker(ctx, job, memory, inherited)

        try:
            for _ in range(min(self.jobs, len(pending))):
                workers.append(start())
            done: list[TaskOutcome] = []
            while True:
                for w in workers:  # refill idle workers first, so they work while we yield
                    while w.task is None and pending:
                        index, task = pending.popleft()
                        error = w.assign(index, task)
                        if error is not None:
                            done.append(TaskOutcome(index, task.name, None, error, 0.0))
                yield from done
                done = []
                busy = [w for w in workers if w.task is not None]
                if not busy:
                    break
                timeout = max(0.0, min(w.started for w in busy) + limit - time.perf_counter())
                ready = set(wait([w.conn for w in busy] + [w.sentinel for w in busy], timeout))
                for w in busy:
                    outcome = w.collect(ready, limit)
                    if outcome is None:
                        continue
                    done.append(outcome)
                    if not w.alive:
                        workers.remove(w)
                        if pending:
                            workers.append(start())
            finished = True
        finally:
            _stop(workers, gently=finished)


@final
class _Worker:
    """One worker process, the parent's end of its pipe, and the task it is running."""

    __slots__ = ("alive", "conn", "exitcode", "index", "process", "sentinel", "started", "task")

    def __init__(
        self, ctx: _Context, job: SolveJob, memory_mb: int | None, inherited: list[Connection]
    ) -> None:
        mine, theirs = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(
            target=_serve, args=(theirs, job, memory_mb, inherited), daemon=True
        )
        self.process.start()
        self.exitcode: int | None = None
        theirs.close()
        self.conn = mine
        self.sentinel = self.process.sentinel
        self.alive = True
        self.index = -1
        self.task: str | None = None
        self.started = 0.0

    def assign(self, index: int, task: Task) -> str | None:
        """Send a task; an error line if it cannot be sent (a dead worker shows up later)."""
        self.index, self.task, self.started = index, task.name, time.perf_counter()
        try:
            self.conn.send((index, task))
        except OSError:
            pass  # the worker is gone; its sentinel reports it
        except Exception as err:
            self.task = None
            return f"task cannot be sent to a worker: {describe(err)}"
        return None

    def collect(self, ready: Collection[object], limit: float) -> TaskOutcome | None:
        """The outcome of the running task if it has finished, failed or overrun, else None."""
        assert self.task is not None
        elapsed = time.perf_counter() - self.started
        error: str
        if self.conn in ready or (self.sentinel in ready and self.conn.poll()):
            try:
                got = self.conn.recv()
            except (EOFError, OSError):
                error = self._died()
            except Exception as err:
                error = f"result cannot be read: {describe(err)}"
            else:
                if isinstance(got, TaskOutcome):
                    self.task = None
                    return replace(got, seconds=elapsed)
                error = f"worker sent {type(got).__name__}, not a TaskOutcome"
        elif self.sentinel in ready:
            error = self._died()
        elif elapsed >= limit:
            self.kill()
            error = f"worker exceeded {limit:.1f} s and was stopped"
        else:
            return None
        outcome = TaskOutcome(self.index, self.task, None, error, elapsed)
        self.task = None
        return outcome

    def _died(self) -> str:
        self.kill()
        return f"worker died (exit code {self.exitcode})"

    def kill(self) -> None:
        """Stop the process at once (if it is still running) and reap it."""
        if self.alive:
            self.alive = False
            if self.process.exitcode is None:
                self.process.kill()
            self.process.join()
            self.exitcode = self.process.exitcode
            self.conn.close()
            self.process.close()


def _stop(workers: list[_Worker], gently: bool) -> None:
    """Shut every worker down: idle ones are asked to exit when ``gently``, the rest killed."""
    asked = []
    if gently:
        for w in workers:
            if w.task is None:
                try:
                    w.conn.send(None)
                    asked.append(w)
                except OSError:
                    pass
    deadline = time.perf_counter() + 1.0
    for w in asked:
        w.process.join(max(0.0, deadline - time.perf_counter()))
    for w in workers:
        w.kill()


def _context() -> _Context:
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _serve(
    conn: Connection, job: SolveJob, memory_mb: int | None, inherited: list[Connection]
) -> None:
    """The worker loop: run tasks until told to stop or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for other in inherited:
        other.close()  # other workers' pipes, copied by fork; their EOF must not wait on us
    if memory_mb is not None:
        _cap_memory(memory_mb)
    start = resident_mb()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, task = message
        outcome = run_one(job, index, task)
        try:
            conn.send(outcome)
        except OSError:
            return
        except Exception as err:
            error = f"result cannot be sent back: {describe(err)}"
            conn.send(TaskOutcome(index, task.name, None, error, outcome.seconds))
        tidy(job, start)


def _cap_memory(memory_mb: int) -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
