"""Timing a budgeted call from a test, without charging it for the test process's heap."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(slots=True)
class Timing:
    """Wall and CPU seconds a ``with timed()`` block took (set when it ends)."""

    wall: float = 0.0
    cpu: float = 0.0

    def within(self, limit: float) -> bool:
        """Whether the block kept to ``limit`` seconds. On a loaded machine the wall time
        runs over while the process waits for a core; its own CPU time must then keep to
        the limit (and the wall time to twice it), so a call that ignores it still fails."""
        return self.wall <= limit or (self.cpu <= limit and self.wall <= 2 * limit)


@contextmanager
def timed() -> Iterator[Timing]:
    """Time the block, with the objects alive before it frozen out of the garbage collector.

    A test process holds what earlier tests left (hundreds of thousands of objects); a
    full collection of them, which the block's allocations may trigger, takes up to a
    second and is no part of what the block does. Freezing them (``gc.freeze``) makes a
    collection scan only the block's own objects, as in a fresh process."""
    gc.collect()
    gc.freeze()
    timing = Timing()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield timing
    finally:
        timing.wall, timing.cpu = time.perf_counter() - start, time.process_time() - cpu
        gc.unfreeze()
