"""Search: engines that find programs for tasks, within explicit budgets."""

from metagrow.search._backend import (
    Backend,
    SerialBackend,
    SolveJob,
    TaskOutcome,
    solve_in_domain,
)
from metagrow.search._bottomup import BottomUpEnumerator
from metagrow.search._budget import Budget, Progress
from metagrow.search._check import ExampleChecker
from metagrow.search._engine import Engine, Solution
from metagrow.search._evolution import EvolutionConfig, EvolutionEngine
from metagrow.search._pool import ProcessPoolBackend
from metagrow.search._solve import SolveInterrupted, SolveResult, solve
from metagrow.search._topdown import TopDownEnumerator

__all__ = [
    "Backend",
    "BottomUpEnumerator",
    "Budget",
    "Engine",
    "EvolutionConfig",
    "EvolutionEngine",
    "ExampleChecker",
    "ProcessPoolBackend",
    "Progress",
    "SerialBackend",
    "Solution",
    "SolveInterrupted",
    "SolveJob",
    "SolveResult",
    "TaskOutcome",
    "TopDownEnumerator",
    "solve",
    "solve_in_domain",
]
