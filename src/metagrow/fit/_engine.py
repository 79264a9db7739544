"""Search by fitting: an :class:`Engine` for tasks over real numbers, which evolves
programs whose constants are fitted to the train examples (:func:`fit_table`'s search), so
that ``solve``, ``bench`` and ``learn`` handle numeric tasks like any other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import final

import numpy as np

from metagrow.domains.numeric._ops import REAL
from metagrow.domains.numeric._vector import FloatArray
from metagrow.fit._objective import SOLVED_RELATIVE_MSE
from metagrow.fit._regression import fit_table
from metagrow.lang import Grammar, Task, log_prior
from metagrow.search import Budget, Engine, MinimiseConfig, Progress, Solution

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
        fit = fit_table(
            X,
            y,
            evaluations=budget.programs or 10**9,
            seconds=max(progress.remaining(), 1e-9),
            seed=self.seed,
            grammar=grammar,
            config=self.config,
        )
        progress.programs_tried = fit.evaluations
        tolerance = SOLVED_RELATIVE_MSE * float(np.var(y))
        exact = [f for f in fit.front if f.loss <= tolerance]
        chosen = exact or [fit.select("best")]
        for fitted in chosen:
            with np.errstate(all="ignore"):
                close = np.abs(fitted.predict(X) - y) <= _CLOSE * np.maximum(1.0, np.abs(y))
            yield Solution(
                program=fitted.program,
                log_prior=log_prior(fitted.structure, task.request, grammar),
                train_score=1.0 if fitted in exact else float(np.mean(close)),
                seconds=fit.seconds,
                programs_tried=fit.evaluations,
                structure=fitted.structure,
            )


def _real(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else float("nan")
