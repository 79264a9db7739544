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
from metagrow.search._front import SELECTIONS, Front, Objective, Scored, Selection
from metagrow.search._minimise import MinimiseConfig, MinimiseStatus, Report, minimise
from metagrow.search._pool import ProcessPoolBackend
from metagrow.search._portfolio import PortfolioEngine, Stage
from metagrow.search._ray import RayBackend, RayExecutor, cluster_cpus
from metagrow.search._solve import Ranking, SolveInterrupted, SolveResult, solve
from metagrow.search._topdown import TopDownEnumerator

__all__ = [
    "SELECTIONS",
    "Backend",
    "BottomUpEnumerator",
    "Budget",
    "Engine",
    "EvolutionConfig",
    "EvolutionEngine",
    "ExampleChecker",
    "Front",
    "MinimiseConfig",
    "MinimiseStatus",
    "Objective",
    "PortfolioEngine",
    "ProcessPoolBackend",
    "Progress",
    "Ranking",
    "RayBackend",
    "RayExecutor",
    "Report",
    "Scored",
    "Selection",
    "SerialBackend",
    "Solution",
    "SolveInterrupted",
    "SolveJob",
    "SolveResult",
    "Stage",
    "TaskOutcome",
    "TopDownEnumerator",
    "cluster_cpus",
    "minimise",
    "solve",
    "solve_in_domain",
]
