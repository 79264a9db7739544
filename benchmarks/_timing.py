"""Timing shared by the benchmark scripts (run as `python benchmarks/NAME.py`, which puts
this folder on the import path)."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def median_seconds(call: Callable[[], object], seconds: float) -> float:
    """Median wall time of one ``call``, over calls for about ``seconds`` (20 at least)."""
    times: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(times) < 20:
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def write_json(path: Path | None, data: object) -> None:
    """Write a benchmark's ``--json`` report (nothing when the option was not given)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")
