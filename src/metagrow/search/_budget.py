"""Budgets: explicit limits on one search, always enforced."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import final

from metagrow.lang import Limits


@final
@dataclass(frozen=True, slots=True)
class Budget:
    """Limits for one search: wall seconds, programs tried, memory (MiB the search may
    hold; engines that keep tables of programs size them to it, and a process pool caps
    its workers' address space at it plus a base), and each program run's limits."""

    seconds: float = 10.0
    programs: int | None = None
    run_limits: Limits = field(default_factory=Limits)
    memory_mb: int | None = None

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise ValueError(f"budget seconds must be positive, got {self.seconds}")
        if self.programs is not None and self.programs <= 0:
            raise ValueError(f"budget programs must be positive, got {self.programs}")
        if self.memory_mb is not None and self.memory_mb <= 0:
            raise ValueError(
                f"budget memory must be a positive number of MiB, got {self.memory_mb}"
            )


@final
class Progress:
    """What a search has done so far; engines update it, callers read it."""

    __slots__ = ("deadline", "programs_tried", "started")

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.deadline = float("inf")
        self.programs_tried = 0

    def begin(self, budget: Budget) -> None:
        self.started = time.perf_counter()
        self.deadline = self.started + budget.seconds
        self.programs_tried = 0

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()
