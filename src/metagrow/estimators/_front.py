"""The entries of a fitted model's Pareto front, and the names of unnamed columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, final

from metagrow.fit import FittedProgram


@final
@dataclass(frozen=True, slots=True)
class FrontEntry:
    """One program of a fitted model's Pareto front: its complexity (nodes), its loss on
    the training rows (mean squared error, or log-loss of a logit), the fitted program,
    the feature names it reads, and for a multi-class model the class it scores."""

    complexity: int
    loss: float
    program: FittedProgram
    names: tuple[str, ...]
    class_: Any = None

    @property
    def expression(self) -> str:
        """The program as text that ``sympy.sympify`` reads back over the feature names
        (computed on demand: sympy is slow to import and to simplify)."""
        return self.program.expression(self.names)


def default_names(n: int) -> tuple[str, ...]:
    """The feature names of a model fitted on an array: ``x0``, ``x1``, ..."""
    return tuple(f"x{j}" for j in range(n))
