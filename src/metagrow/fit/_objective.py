"""The loss of a numeric program on a table, after fitting its constants to the rows."""

from __future__ import annotations

import math
from typing import final

import numpy as np

from metagrow.domains.numeric._ops import CONSTANT, REAL
from metagrow.domains.numeric._vector import FloatArray, NotNumeric, VectorProgram
from metagrow.fit._constants import ConstantMethod, Loss, fit_constants, loss_value
from metagrow.lang import Expr, Prim, Type, apply, arrow, lambdas
from metagrow.search import Objective, Scored

SOLVED_RELATIVE_MSE = 1e-12
"""A program whose mean squared error is this small next to the target's variance fits
exactly (up to rounding): the search may stop."""

ROUNDING_RELATIVE_MSE = 1e-20
"""Squared errors below this share of the target's variance are rounding: such losses count
as equal, so that among exact fits the simplest is best."""

_NO_CONSTANTS = np.zeros(0)
_NEGLIGIBLE = 1e-9
"""A fitted scale this close to 1, or offset this close to 0 (relative to the target's
size), is left out of the program."""


def _affine(values: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """For each row of ``values`` (one program's predictions per row), the least-squares
    ``a * values + b`` against ``y``, and the ``a`` and ``b`` (columns)."""
    with np.errstate(all="ignore"):
        mean = values.mean(axis=1, keepdims=True)
        centred = values - mean
        spread = np.einsum("ij,ij->i", centred, centred)[:, None]
        ym = float(y.mean())
        covariance = (centred @ (y - ym))[:, None]
        a = np.where(spread > 1e-300, covariance / np.where(spread > 1e-300, spread, 1.0), 0.0)
        b = ym - a * mean
        return a * values + b, a, b


def table_request(columns: int) -> Type:
    """The type of a program over ``columns`` feature columns: ``real -> ... -> real``."""
    return arrow(*(REAL for _ in range(columns)), REAL)


@final
class TableObjective(Objective):
    """The loss of a program on the rows of ``X`` against ``y``, its constants fitted by
    ``constants``: at most ``constant_evaluations`` Levenberg-Marquardt iterations per
    start (each runs the program once per constant, batched), or ten times as many CMA-ES
    function values (each one run)."""

    def __init__(
        self,
        X: FloatArray,
        y: FloatArray,
        *,
        loss: Loss = "mse",
        constants: ConstantMethod = "lm",
        constant_evaluations: int = 25,
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
        """``program``'s loss with its constants fitted; for the squared error, with the
        best scale and offset too (``a * program + b``, both fitted in closed form for
        every trial of the other constants: variable projection), kept in the scored
        program where they are not 1 and 0."""
        try:
            vp = VectorProgram(program, self.arity)
        except NotNumeric:
            return None
        scale = self.loss == "mse"
        cols, y = self.columns, self.y

        def predict(k: FloatArray) -> FloatArray:
            values = vp.batch(cols, k)
            return _affine(values, y)[0] if scale else values

        if vp.n_constants == 0:
            params = _NO_CONSTANTS
            value = loss_value(self.loss, predict(params[None, :])[0], y)
        else:
            params, value = fit_constants(
                predict,
                vp.n_constants,
                y,
                loss=self.loss,
                method=self.constants,
                key=str(program),
                evaluations=self.constant_evaluations * (1 if self.constants == "lm" else 10),
            )
        if not math.isfinite(value):
            return None
        if scale:
            return self._scaled(vp, params)
        return Scored(program, max(value, self.floor), vp.complexity, tuple(map(float, params)))

    def _scaled(self, vp: VectorProgram, params: FloatArray) -> Scored | None:
        """The program times its fitted scale plus its fitted offset, each left out where
        it makes no difference."""
        values = vp.batch(self.columns, params[None, :])
        _, a, b = _affine(values, self.y)
        scale, offset = float(a[0, 0]), float(b[0, 0])
        body, constants = vp.body, list(map(float, params))
        spread = float(np.std(self.y)) + abs(float(np.mean(self.y)))
        if abs(scale - 1.0) > _NEGLIGIBLE:
            body, constants = apply(Prim("mul"), Prim(CONSTANT), body), [scale, *constants]
        if abs(offset) > _NEGLIGIBLE * spread:
            body, constants = apply(Prim("add"), body, Prim(CONSTANT)), [*constants, offset]
        scaled = VectorProgram(lambdas(body, self.arity), self.arity)
        with np.errstate(all="ignore"):
            value = loss_value("mse", scaled(self.columns, np.array(constants)), self.y)
        if not math.isfinite(value):
            return None
        return Scored(scaled.program, max(value, self.floor), scaled.complexity, tuple(constants))

    def solved(self, scored: Scored) -> bool:
        return scored.loss <= self.tolerance
