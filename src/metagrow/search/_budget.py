"""Budgets: explicit limits on one search, always enforced."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import final

from metagrow.lang import Limits


@final
@dataclass(frozen=True, slots=True)
class Budget:
    """Limits for one search: wall seconds, programs tried, and each program run's limits."""

    seconds: float = 10.0
    programs: int | None = None
    run_limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise ValueError(f"budget seconds must be positive, got {self.seconds}")
        if self.programs is not None and self.programs <= 0:
            raise ValueError(f"budget programs must be positive, got {self.programs}")


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
