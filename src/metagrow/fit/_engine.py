"""Search by fitting: an :class:`Engine` for tasks over real numbers, which evolves
programs whose constants are fitted to the train examples (:func:`fit_table`'s search), so
that ``solve``, ``bench`` and ``learn`` handle numeric tasks like any other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import final

import numpy as np

from metagrow.domains.numeric._ops import REAL
from metagrow.domains.numeric._vector import FloatArray
from metagrow.fit._objective import TableObjective
from metagrow.fit._regression import FittedProgram
from metagrow.lang import Grammar, Task, log_prior
from metagrow.search import Budget, Engine, MinimiseConfig, Progress, Solution, minimise

_CLOSE = 1e-6
"""An output within this relative distance of the expected one counts as right."""


@final
class RegressionEngine(Engine):
    """Loss-driven evolution with fitted constants, for tasks whose inputs and output are
    reals. Programs that fit every train example to within rounding are solutions (the
    simplest first; with their constants written in, and their structure, constant slots
    in place, for the library); if none does, the best program by PySR's ``best`` rule is
    a near miss."""

    name = "regression"

    def __init__(self, config: MinimiseConfig | None = None, *, seed: int = 0) -> None:
        self.config = config or MinimiseConfig()
        self.seed = seed

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        progress = progress or Progress()
        progress.begin(budget)
        arguments = task.request.arguments()
        if task.request.returns() != REAL or any(a != REAL for a in arguments):
            return iter(())
        X = np.array([[_real(v) for v in ex.inputs] for ex in task.train], dtype=np.float64)
        X = X.reshape(len(task.train), len(arguments))
        y = np.array([_real(ex.output) for ex in task.train], dtype=np.float64)
        return self._solutions(task, grammar, budget, progress, X, y)

    def _solutions(
        self,
        task: Task,
        grammar: Grammar,
        budget: Budget,
        progress: Progress,
        X: FloatArray,
        y: FloatArray,
    ) -> Iterator[Solution]:
        objective = TableObjective(X, y)
        with np.errstate(all="ignore"):
            status = minimise(
                objective,
                grammar,
                task.request,
                evaluations=budget.programs or 10**9,
                seconds=max(progress.remaining(), 0.0) or 1e-9,
                seed=self.seed,
                config=self.config,
            )
        progress.programs_tried = status.evaluations
        exact = [s for s in status.front.members if objective.solved(s)]
        chosen = exact or [status.front.select("best")] if len(status.front) else []
        for s in chosen:
            fitted = FittedProgram.of(s, X.shape[1])
            with np.errstate(all="ignore"):
                close = np.abs(fitted.predict(X) - y) <= _CLOSE * np.maximum(1.0, np.abs(y))
            yield Solution(
                program=fitted.program,
                log_prior=log_prior(s.program, task.request, grammar),
                train_score=1.0 if s in exact else float(np.mean(close)),
                seconds=status.seconds,
                programs_tried=status.evaluations,
                structure=s.program,
            )


def _real(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else float("nan")
