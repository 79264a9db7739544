"""What a learning run is configured to do, and what it reports as it goes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal, final

from metagrow.lang import Limits
from metagrow.search import Budget


@final
@dataclass(frozen=True, slots=True)
class LearnConfig:
    """What a learning run does; runs with the same config resume each other."""

    domain: str
    suite: str
    iterations: int = 3
    budget: float = 10.0
    engine: str = "bottomup"
    budget_growth: float = 1.5
    max_budget_factor: float = 4.0
    compress_iterations: int = 5
    max_arity: int = 2
    pseudo_count: float = 3.0
    guide: bool = False
    guide_seconds: float | None = None
    """A cap on each dream phase (a third sampling fantasies, the rest training); ``None``
    keeps the guide's own limits."""
    programs: int | None = None
    """A cap on the programs each task's search tries in the first iteration (growing with
    its time budget after), so that a run without the guide repeats exactly."""

    def __post_init__(self) -> None:
        if self.iterations < 1:
            raise ValueError(f"iterations must be at least 1, got {self.iterations}")
        if not self.budget > 0:
            raise ValueError(f"budget must be positive, got {self.budget}")
        if self.budget_growth < 1 or self.max_budget_factor < 1:
            raise ValueError("budget growth and max budget factor must be at least 1")
        if self.guide_seconds is not None and not self.guide_seconds > 0:
            raise ValueError(f"guide seconds must be positive, got {self.guide_seconds}")
        if self.programs is not None and self.programs < 1:
            raise ValueError(f"programs must be at least 1, got {self.programs}")

    def key(self) -> dict[str, object]:
        """The settings that identify "the same run" for resuming (not the iteration count,
        so a finished run can be continued for more iterations)."""
        out = asdict(self)
        del out["iterations"]
        if not self.guide:
            del out["guide"]  # runs from before the guide existed resume as they were
        if self.guide_seconds is None:
            del out["guide_seconds"]
        if self.programs is None:
            del out["programs"]
        return out

    def task_budget(self, seconds: float, limits: Limits) -> Budget:
        """The search budget of a task whose curriculum time budget is ``seconds``: the
        program cap grows in proportion to it."""
        programs = None
        if self.programs is not None:
            programs = max(1, round(self.programs * seconds / self.budget))
        return Budget(seconds, programs, run_limits=limits)


@final
@dataclass(frozen=True, slots=True)
class Phase:
    """A phase of an iteration beginning, for progress display: searching ``tasks`` tasks,
    compressing the solutions, or training the guide (dreaming)."""

    iteration: int
    name: Literal["search", "compress", "dream"]
    tasks: int = 0


@final
@dataclass(frozen=True, slots=True)
class IterationReport:
    """What one iteration did, for progress display."""

    iteration: int
    attempted: int
    newly_solved: tuple[str, ...]
    solved: int
    tasks: int
    added: tuple[str, ...]
    seconds: float
    library: tuple[tuple[str, str, str], ...] = field(default=())  # (name, body, type)
    guide_seconds: float | None = None  # time to train the guide, when one was trained
