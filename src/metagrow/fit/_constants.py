"""Fitting a numeric program's constants to a table.

Two methods, both vectorised over rows with numpy: Levenberg-Marquardt on the residuals
(for log-loss, on the deviance residuals, whose squares sum to twice the log-loss), whose
Jacobian comes from one batched run of the program over all perturbed constant sets, and
CMA-ES (the ``cma`` package), which needs no gradient and so suits
losses that have none. Rows where the program fails count as a large residual, so a fit
moves away from them; the caller still rejects a program that fails on any row.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

ConstantMethod = Literal["lm", "cmaes"]
CONSTANT_METHODS: tuple[ConstantMethod, ...] = get_args(ConstantMethod)
Loss = Literal["mse", "logloss"]

FloatArray = npt.NDArray[np.float64]
Batch = Callable[[FloatArray], FloatArray]
"""Predictions for each row of a matrix of constant sets: one row of predictions each."""

_FAILED = 1e6
"""The residual of a row where the program fails, relative to the target's scale."""


def residuals(loss: Loss, predicted: FloatArray, y: FloatArray, scale: float) -> FloatArray:
    """Per-row residuals whose squares sum to the loss's numerator (``mse``: error;
    ``logloss``: the deviance residual of a logit ``predicted`` for labels 0/1)."""
    if loss == "mse":
        r = predicted - y
    else:
        with np.errstate(all="ignore"):
            # -log(sigmoid(z)) for y=1, -log(1-sigmoid(z)) for y=0, computed stably
            margin = np.where(y > 0.5, predicted, -predicted)
            r = np.sqrt(2.0 * np.logaddexp(0.0, -margin))
    return np.where(np.isfinite(r), r, _FAILED * scale)


def loss_value(loss: Loss, predicted: FloatArray, y: FloatArray) -> float:
    """The mean loss (``inf`` if the program fails on any row)."""
    if not np.isfinite(predicted).all():
        return float("inf")
    r = residuals(loss, predicted, y, 1.0)
    return float(np.mean(r * r) / (1.0 if loss == "mse" else 2.0))


def fit_constants(
    predict: Batch,
    n: int,
    y: FloatArray,
    *,
    loss: Loss = "mse",
    method: ConstantMethod = "lm",
    key: str = "",
    evaluations: int = 60,
) -> tuple[FloatArray, float]:
    """The constants (``n`` of them) that minimise ``loss`` of the program against ``y``,
    and that loss. ``predict`` maps constant sets (one per row) to predictions (one row
    each). Starts from ones, then, if that fits poorly, from a draw seeded by ``key``
    (the program's text), keeping the better; ``evaluations`` bounds each start
    (Levenberg-Marquardt iterations, or CMA-ES function values)."""
    scale = float(np.std(y)) or 1.0
    x0 = np.ones(n)
    best, best_loss = _fit_from(predict, x0, y, loss, method, evaluations, key)
    if not best_loss < _RETRY * scale * scale and n <= _RETRY_CONSTANTS:
        rng = np.random.default_rng(zlib.crc32(key.encode()))
        x, value = _fit_from(predict, rng.normal(0.0, 2.0, n), y, loss, method, evaluations, key)
        if value < best_loss:
            best, best_loss = x, value
    return best, best_loss


_RETRY = 1e6
"""A first fit that fails, or whose mean squared error is this many times the target's
variance, is tried again from random constants (the others rarely gain from it)."""
_RETRY_CONSTANTS = 4


def _fit_from(
    predict: Batch,
    x0: FloatArray,
    y: FloatArray,
    loss: Loss,
    method: ConstantMethod,
    evaluations: int,
    key: str,
) -> tuple[FloatArray, float]:
    scale = float(np.std(y)) or 1.0
    if method == "lm":
        x = _levenberg_marquardt(predict, x0, y, loss, scale, evaluations)
    else:
        x = _cma_es(predict, x0, y, loss, scale, evaluations, zlib.crc32(key.encode()))
    return x, loss_value(loss, predict(x[None, :])[0], y)


_EXACT = 1e-24
"""A relative squared error this small is an exact fit: no second start."""


def _levenberg_marquardt(
    predict: Batch, x0: FloatArray, y: FloatArray, loss: Loss, scale: float, iterations: int
) -> FloatArray:
    """Levenberg-Marquardt with Marquardt's scaling; the Jacobian by forward differences,
    all of its columns in one batched run of the program."""
    n = len(x0)
    x = x0.astype(np.float64)
    r = residuals(loss, predict(x[None, :])[0], y, scale)
    cost = float(r @ r)
    damping = 1e-3
    eye = np.eye(n)
    for _ in range(iterations):
        h = 1e-7 * np.maximum(1.0, np.abs(x))
        shifted = predict(x[None, :] + eye * h[:, None])
        J = (residuals(loss, shifted, y, scale) - r) / h[:, None]  # n x rows
        if not np.isfinite(J).all():
            break
        A = J @ J.T
        g = J @ r
        diagonal = np.diag(A).copy() + 1e-12
        improved = False
        for _ in range(8):
            try:
                step = np.linalg.solve(A + damping * np.diag(diagonal), -g)
            except np.linalg.LinAlgError:
                damping *= 10.0
                continue
            trial = x + step
            r_trial = residuals(loss, predict(trial[None, :])[0], y, scale)
            trial_cost = float(r_trial @ r_trial)
            if trial_cost < cost:
                converged = cost - trial_cost <= 1e-7 * cost
                x, r, cost = trial, r_trial, trial_cost
                damping = max(damping / 3.0, 1e-12)
                improved = not converged
                break
            damping *= 4.0
        if not improved or cost <= _EXACT * scale * scale * len(y):
            break
    return x


def _cma_es(
    predict: Batch,
    x0: FloatArray,
    y: FloatArray,
    loss: Loss,
    scale: float,
    evaluations: int,
    seed: int,
) -> FloatArray:
    import cma

    pad = len(x0) == 1  # CMA-ES needs two dimensions at least: the second is ignored

    def fn(x: FloatArray) -> float:
        x = np.asarray(x[:1] if pad else x, dtype=np.float64)
        r = residuals(loss, predict(x[None, :])[0], y, scale)
        return float(np.mean(r * r))

    start = np.append(x0, 0.0) if pad else x0
    options = {"seed": seed % 2**31 + 1, "verbose": -9, "maxfevals": evaluations, "tolfun": 1e-14}
    es = cma.CMAEvolutionStrategy(start, 1.0, options)
    es.optimize(fn)
    x = np.asarray(es.result.xbest, dtype=np.float64)
    return x[:1] if pad else x
