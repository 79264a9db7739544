"""A backend on a Ray cluster: the same tasks, programs and outcomes as the process pool,
on as many machines as the cluster has.

The job (domain, engine, grammar spec) goes to the object store once per run; each worker
process reads it once and keeps it while it solves that run's tasks. Tasks are Ray tasks
of one CPU, at most ``jobs`` in flight, and their outcomes come back as they finish
(``ray.wait``). A worker or node lost mid-task is retried elsewhere (``retries``); a task
that overruns its time is interrupted in its worker, one that allocates too much raises
:class:`MemoryError` there, and a worker stuck beyond that is cancelled from the driver.
Ray is an optional dependency, imported only when this backend runs.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import replace
from types import FrameType, ModuleType
from typing import Any, TypeVar, final

from metagrow.lang import Task
from metagrow.search._backend import Backend, SolveJob, TaskOutcome, describe, run_one, tidy
from metagrow.search._memory import resident_mb

_T = TypeVar("_T")

INSTALL_HINT = "the ray backend needs Ray: pip install 'metagrow[ray]'"
"""The line a user sees when Ray is not installed."""

_START_SECONDS = 20.0
"""Slack the driver allows each attempt beyond the task's own limit: a fresh worker's
start-up and its first read of the job."""

_MARGIN_MB = 256
"""Address space a task may add beside what its search keeps (threads, buffers)."""


def import_ray() -> ModuleType:
    """The ``ray`` module; :class:`ImportError` with :data:`INSTALL_HINT` without it."""
    try:
        import ray
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    return ray


@final
class RayBackend(Backend):
    """Runs tasks as Ray tasks on the cluster at ``address`` (``RAY_ADDRESS`` when not
    given), or on a local Ray started on first use (``address="local"``, or neither).

    ``jobs`` caps the tasks in flight (default: the cluster's CPUs). A task whose worker
    runs longer than ``budget.seconds * 1.1 + grace`` is stopped; ``memory_mb`` caps the
    address space a task may add to its worker (default: the budget's ``memory_mb`` plus
    a margin; none without one). A worker or node that dies mid-task is retried up to
    ``retries`` times, then reported as that task's error. ``init`` passes further options
    to ``ray.init`` (such as ``num_cpus`` for a local Ray).
    """

    def __init__(
        self,
        jobs: int | None = None,
        address: str | None = None,
        grace: float = 2.0,
        memory_mb: int | None = None,
        retries: int = 3,
        init: Mapping[str, Any] | None = None,
    ) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        if not grace >= 0:
            raise ValueError(f"grace must be a non-negative number of seconds, got {grace}")
        if memory_mb is not None and memory_mb < 1:
            raise ValueError(f"memory_mb must be a positive number of MiB, got {memory_mb}")
        if retries < 0:
            raise ValueError(f"retries must be at least 0, got {retries}")
        self.jobs = jobs
        self.address = address
        self.grace = grace
        self.memory_mb = memory_mb
        self.retries = retries
        self.init = dict(init or {})

    def __repr__(self) -> str:
        return (
            f"RayBackend(jobs={self.jobs}, address={self.address!r}, grace={self.grace}, "
            f"memory_mb={self.memory_mb}, retries={self.retries})"
        )

    def connect(self) -> ModuleType:
        """Join the cluster (or start the local Ray) unless this process already has;
        the ``ray`` module."""
        return connect(self.address, self.jobs, self.init)

    def run(self, job: SolveJob, tasks: Sequence[Task]) -> Iterator[TaskOutcome]:
        if not tasks:
            return
        ray = self.connect()
        limit = job.budget.seconds * 1.1 + self.grace
        memory = self.memory_mb
        if memory is None and job.budget.memory_mb is not None:
            memory = job.budget.memory_mb + _MARGIN_MB
        slots = self.jobs or max(1, int(ray.cluster_resources().get("CPU", 1)))
        backstop = (limit + _START_SECONDS) * (self.retries + 1)
        shared = [ray.put(job)]  # in a list, so that workers get the reference, not a copy
        solve_remote = ray.remote(_solve).options(
            num_cpus=1, max_retries=self.retries, retry_exceptions=False
        )
        pending = deque(enumerate(tasks))
        running: dict[Any, tuple[int, str, float]] = {}

        def submit() -> None:
            while pending and len(running) < slots:
                index, task = pending.popleft()
                ref = solve_remote.remote(shared, index, task, limit, memory)
                running[ref] = (index, task.name, time.perf_counter())

        try:
            submit()
            while running:
                first = min(started for _, _, started in running.values())
                wait = max(0.0, first + backstop - time.perf_counter())
                ready, _ = ray.wait(list(running), num_returns=1, timeout=wait)
                if ready:  # take whatever else has finished too
                    ready, _ = ray.wait(list(running), num_returns=len(running), timeout=0)
                done = [_collect(ray, ref, *running.pop(ref)) for ref in ready]
                now = time.perf_counter()
                for ref, (index, name, started) in list(running.items()):
                    if now - started >= backstop:
                        ray.cancel(ref, force=True)
                        del running[ref]
                        error = f"worker did not answer within {backstop:.0f} s and was stopped"
                        done.append(TaskOutcome(index, name, None, error, now - started))
                submit()  # refill before handing outcomes out, so workers keep busy
                yield from done
        finally:
            for ref in running:
                ray.cancel(ref, force=True)


def connect(
    address: str | None = None, cpus: int | None = None, init: Mapping[str, Any] | None = None
) -> ModuleType:
    """The ``ray`` module, this process joined to the cluster at ``address`` (else
    ``RAY_ADDRESS``, else a local Ray of ``cpus`` CPUs it starts) unless it already is."""
    ray = import_ray()
    if not ray.is_initialized():
        address = address or os.environ.get("RAY_ADDRESS") or "local"
        options: dict[str, Any] = {"log_to_driver": False, "logging_level": "WARNING"}
        if address == "local":
            options["include_dashboard"] = False
            if cpus is not None:
                options["num_cpus"] = cpus
        ray.init(address=address, **{**options, **(init or {})})
    return ray


def cluster_cpus(address: str | None = None) -> int:
    """How many CPUs the Ray cluster has (joining it, or starting a local Ray, first)."""
    ray = connect(address)
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


@final
class RayExecutor(Executor):
    """A :class:`concurrent.futures.Executor` whose calls run as Ray tasks of one CPU on
    the cluster at ``address`` (as :func:`connect` finds it): for work that is not a
    :class:`SolveJob`, such as islands of evolution. ``fn`` must be importable on the
    workers (a module-level function of an installed package); a call whose worker or
    node is lost is retried up to ``retries`` times; ``memory_mb`` caps what each call
    may add to its worker's address space."""

    def __init__(
        self, address: str | None = None, retries: int = 3, memory_mb: int | None = None
    ) -> None:
        self.address = address
        self.retries = retries
        self.memory_mb = memory_mb
        self._refs: list[Any] = []

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        ray = connect(self.address)
        remote = ray.remote(_call).options(num_cpus=1, max_retries=self.retries)
        ref = remote.remote(fn, args, kwargs, self.memory_mb)
        self._refs.append(ref)
        future: Future[_T] = ref.future()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures and self._refs:
            ray = import_ray()
            for ref in self._refs:
                ray.cancel(ref, force=True)
        self._refs = []


def _call(
    fn: Callable[..., _T], args: tuple[Any, ...], kwargs: dict[str, Any], memory_mb: int | None
) -> _T:
    with _memory_cap(memory_mb):
        return fn(*args, **kwargs)


def _collect(ray: ModuleType, ref: Any, index: int, name: str, started: float) -> TaskOutcome:
    """A finished Ray task's outcome, or its failure (a lost worker or node, a cancel)
    as that task's one-line error; ``seconds`` is the time since it was submitted."""
    elapsed = time.perf_counter() - started
    try:
        got = ray.get(ref)
    except ray.exceptions.RayError as err:
        return TaskOutcome(index, name, None, _ray_error(err), elapsed)
    if not isinstance(got, TaskOutcome):
        return TaskOutcome(index, name, None, f"worker sent {type(got).__name__}", elapsed)
    return replace(got, seconds=elapsed)


def _ray_error(err: BaseException) -> str:
    cause = getattr(err, "cause", None)
    if isinstance(cause, BaseException):
        return describe(cause)
    return f"worker died: {describe(err)}"


_cached: tuple[str, SolveJob] | None = None
"""In a worker: the last job it read from the object store, by its reference's id."""

_started_mb: float | None = None
"""In a worker: its resident memory when it first ran a task (what ``tidy`` measures
its growth from)."""


def _solve(
    shared: list[Any], index: int, task: Task, limit: float, memory_mb: int | None
) -> TaskOutcome:
    """In a worker: run the shared job on one task within ``limit`` seconds and
    ``memory_mb`` of added address space; the outcome names this node."""
    import ray

    global _cached, _started_mb
    ref = shared[0]
    if _cached is None or _cached[0] != ref.hex():
        _cached = (ref.hex(), ray.get(ref))
    job = _cached[1]
    node = ray.get_runtime_context().get_node_id()
    if _started_mb is None:
        _started_mb = resident_mb()
    tidy(job, _started_mb)  # after the worker's last task, before this one's clock starts
    started = time.perf_counter()
    try:
        with _deadline(limit), _memory_cap(memory_mb):
            outcome = run_one(job, index, task)
    except _Overrun:
        error = f"worker exceeded {limit:.1f} s and was stopped"
        outcome = TaskOutcome(index, task.name, None, error, time.perf_counter() - started)
    return replace(outcome, node=node)


class _Overrun(BaseException):
    """Raised in a worker's main thread when its task runs out of time; not an
    :class:`Exception`, so that no ``except Exception`` in a search swallows it."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`_Overrun` after ``seconds`` (Unix, main thread;
    elsewhere the driver's backstop stops the worker)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def overrun(signum: int, frame: FrameType | None) -> None:
        raise _Overrun

    before = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


@contextmanager
def _memory_cap(memory_mb: int | None) -> Iterator[None]:
    """Let the block add at most ``memory_mb`` MiB to this process's address space (Linux;
    the worker outlives the block, so the limit is lifted after it)."""
    size = _address_space()
    if memory_mb is None or size is None:
        yield
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = size + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int | None:
    """This process's address space in bytes (Linux), else ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
