"""The loss of a numeric program on a table, after fitting its constants to the rows."""

from __future__ import annotations

import math
from typing import final

import numpy as np

from metagrow.domains.numeric._ops import REAL
from metagrow.domains.numeric._vector import FloatArray, NotNumeric, VectorProgram
from metagrow.fit._constants import ConstantMethod, Loss, fit_constants, loss_value
from metagrow.lang import Expr, Type, arrow
from metagrow.search import Objective, Scored

SOLVED_RELATIVE_MSE = 1e-12
"""A program whose mean squared error is this small next to the target's variance fits
exactly (up to rounding): the search may stop."""

ROUNDING_RELATIVE_MSE = 1e-20
"""Squared errors below this share of the target's variance are rounding: such losses count
as equal, so that among exact fits the simplest is best."""

_NO_CONSTANTS = np.zeros(0)


def table_request(columns: int) -> Type:
    """The type of a program over ``columns`` feature columns: ``real -> ... -> real``."""
    return arrow(*(REAL for _ in range(columns)), REAL)


@final
class TableObjective(Objective):
    """The loss of a program on the rows of ``X`` against ``y``, its constants fitted by
    ``constants`` (at most ``constant_evaluations`` calls per start)."""

    def __init__(
        self,
        X: FloatArray,
        y: FloatArray,
        *,
        loss: Loss = "mse",
        constants: ConstantMethod = "lm",
        constant_evaluations: int = 40,
    ) -> None:
        self.columns = [np.ascontiguousarray(X[:, j], dtype=np.float64) for j in range(X.shape[1])]
        self.arity = X.shape[1]
        self.y = np.asarray(y, dtype=np.float64)
        self.loss: Loss = loss
        self.constants: ConstantMethod = constants
        self.constant_evaluations = constant_evaluations
        variance = float(np.var(self.y))
        self.tolerance = SOLVED_RELATIVE_MSE * variance if loss == "mse" else -1.0
        self.floor = ROUNDING_RELATIVE_MSE * variance if loss == "mse" else 0.0

    def score(self, program: Expr) -> Scored | None:
        try:
            vp = VectorProgram(program, self.arity)
        except NotNumeric:
            return None
        if vp.n_constants == 0:
            value = loss_value(self.loss, vp(self.columns, _NO_CONSTANTS), self.y)
            fitted: tuple[float, ...] = ()
        else:
            cols = self.columns
            params, value = fit_constants(
                lambda k: vp.batch(cols, k),
                vp.n_constants,
                self.y,
                loss=self.loss,
                method=self.constants,
                key=str(program),
                evaluations=self.constant_evaluations,
            )
            fitted = tuple(float(v) for v in params)
        if not math.isfinite(value):
            return None
        return Scored(program, max(value, self.floor), vp.complexity, fitted)

    def solved(self, scored: Scored) -> bool:
        return scored.loss <= self.tolerance
