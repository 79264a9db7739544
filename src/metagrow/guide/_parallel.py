"""Training an ensemble's members side by side: one forked process per member.

Forking lets a member inherit the grammar (whose primitives hold plain Python functions
that do not pickle); only its result, plain data, comes back through a pipe. Where the
platform cannot fork, members train one after another in this process.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

A = TypeVar("A")
R = TypeVar("R")


class MemberFailed(RuntimeError):
    """A member's process raised or died; the message says which and why, in one line."""


def side_by_side(work: Callable[[A], R], items: Sequence[A]) -> list[R]:
    """``[work(item) for item in items]``, each in a forked process of its own (where the
    platform forks), results in ``items`` order; ``MemberFailed`` if any fails."""
    if "fork" not in multiprocessing.get_all_start_methods() or len(items) < 2:
        return [work(item) for item in items]
    ctx = multiprocessing.get_context("fork")
    started: list[tuple[BaseProcess, Connection]] = []
    try:
        with _ctrl_c_deferred():  # a Ctrl-C inside a fork would leave that member running
            for item in items:
                mine, theirs = ctx.Pipe(duplex=False)
                process: BaseProcess = ctx.Process(
                    target=_serve, args=(work, item, theirs), daemon=True
                )
                process.start()
                theirs.close()
                started.append((process, mine))
        results: list[R] = [_collect(k, p, conn) for k, (p, conn) in enumerate(started)]
        return results
    finally:
        for process, conn in started:
            conn.close()
            if process.is_alive():
                process.kill()
            process.join()


@contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """A Ctrl-C that comes inside the block is raised when the block ends, once every
    process started is in the list the caller stops. Only the main thread sees Ctrl-C;
    elsewhere there is nothing to defer."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and callable(previous):
        previous(signal.SIGINT, None)
    elif caught and previous != signal.SIG_IGN:
        raise KeyboardInterrupt


def _serve(work: Callable[[A], R], item: A, conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C for us all
    try:
        result: tuple[bool, object] = (True, work(item))
    except Exception as err:  # sent back whole: the parent raises it as one line
        result = (False, f"{type(err).__name__}: {err}")
    conn.send(result)
    conn.close()


def _collect(k: int, process: BaseProcess, conn: Connection) -> Any:
    try:
        ok, value = conn.recv()
    except EOFError:
        process.join()
        raise MemberFailed(f"ensemble member {k} died (exit code {process.exitcode})") from None
    if not ok:
        raise MemberFailed(f"ensemble member {k} failed: {value}")
    return value
