"""Search: engines that find programs for tasks, within explicit budgets."""

from metagrow.search._budget import Budget, Progress
from metagrow.search._check import ExampleChecker
from metagrow.search._engine import Engine, Solution
from metagrow.search._solve import SolveResult, solve
from metagrow.search._topdown import TopDownEnumerator

__all__ = [
    "Budget",
    "Engine",
    "ExampleChecker",
    "Progress",
    "Solution",
    "SolveResult",
    "TopDownEnumerator",
    "solve",
]
