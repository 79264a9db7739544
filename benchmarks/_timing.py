"""Timing shared by the benchmark scripts (run as `python benchmarks/NAME.py`, which puts
this folder on the import path)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(call: Callable[[], object], seconds: float) -> float:
    """Median wall time of one ``call``, over calls for about ``seconds`` (20 at least)."""
    times: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(times) < 20:
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)
