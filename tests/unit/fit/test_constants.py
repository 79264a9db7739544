"""Fitting a numeric program's constants: Levenberg-Marquardt recovers them to rounding,
CMA-ES gets close, rows where a program fails never leak a non-finite loss, and the
log-loss fits a logistic rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from metagrow.domains.numeric import VectorProgram
from metagrow.fit._constants import Batch, ConstantMethod, fit_constants, loss_value
from metagrow.fit._regression import TableObjective
from metagrow.lang import parse

RNG = np.random.default_rng(1)
X = RNG.uniform(-1.0, 1.0, 60)
EXP = VectorProgram(parse("(lambda (add (mul c (exp (mul c $0))) c))"), 1)
TRUE = np.array([2.5, -1.3, 0.7])
Y = TRUE[0] * np.exp(TRUE[1] * X) + TRUE[2]


def _batch(vp: VectorProgram, columns: list[np.ndarray]) -> Batch:
    return lambda k: vp.batch(columns, k)


def test_levenberg_marquardt_recovers_constants_to_rounding() -> None:
    k, loss = fit_constants(_batch(EXP, [X]), 3, Y, method="lm", key="exp")
    np.testing.assert_allclose(k, TRUE, rtol=1e-8, atol=1e-8)
    assert loss < 1e-16


def test_cma_es_gets_close_on_a_smooth_problem() -> None:
    k, loss = fit_constants(_batch(EXP, [X]), 3, Y, method="cmaes", key="exp", evaluations=3000)
    np.testing.assert_allclose(k, TRUE, rtol=1e-4, atol=1e-4)
    assert loss < 1e-8


@pytest.mark.parametrize("method", ["lm", "cmaes"])
def test_a_single_constant_is_fitted(method: ConstantMethod) -> None:
    vp = VectorProgram(parse("(lambda (mul c (sin $0)))"), 1)
    k, loss = fit_constants(
        _batch(vp, [X]), 1, 3.0 * np.sin(X), method=method, key="s", evaluations=400
    )
    assert k.shape == (1,) and k[0] == pytest.approx(3.0, abs=1e-4)
    assert loss < 1e-8


def test_the_same_key_gives_the_same_fit() -> None:
    y = np.cos(3.0 * X)  # not exactly reachable by the program: the second start is used
    first = fit_constants(_batch(EXP, [X]), 3, y, key="k")
    again = fit_constants(_batch(EXP, [X]), 3, y, key="k")
    np.testing.assert_array_equal(first[0], again[0])
    assert first[1] == again[1]


def test_a_program_failing_on_some_rows_gets_a_finite_fit_or_is_rejected() -> None:
    x = np.linspace(-1.0, 1.0, 41)  # log(x + 1) fails at x = -1, where the search starts
    objective = TableObjective(x[:, None], np.log(x + 2.0))
    scored = objective.score(parse("(lambda (log (add $0 c)))"))
    assert scored is not None and math.isfinite(scored.loss)
    assert scored.parameters[0] == pytest.approx(2.0, abs=1e-6)
    # fails on every row whatever the constant: rejected
    assert objective.score(parse("(lambda (log (sub (neg (square $0)) (square c))))")) is None
    # fails on the negative rows whatever the constant: rejected, never a non-finite loss
    assert objective.score(parse("(lambda (mul c (sqrt $0)))")) is None
    for text in ("(lambda (div c $0))", "(lambda (exp (mul c (exp $0))))", "(lambda (log c))"):
        s = objective.score(parse(text))
        assert s is None or math.isfinite(s.loss)


def test_log_loss_fits_a_logistic_rule() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(0.0, 1.0, 400)
    labels = (rng.uniform(size=400) < 1.0 / (1.0 + np.exp(-(3.0 * x - 1.0)))).astype(float)
    vp = VectorProgram(parse("(lambda (add (mul c $0) c))"), 1)
    k, loss = fit_constants(_batch(vp, [x]), 2, labels, loss="logloss", key="logit")
    # the maximum-likelihood fit, checked against a direct Newton solve of the same problem
    w = np.zeros(2)
    A = np.stack([x, np.ones_like(x)], axis=1)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-A @ w))
        w += np.linalg.solve(A.T @ (A * (p * (1 - p))[:, None]), A.T @ (labels - p))
    np.testing.assert_allclose(k, w, rtol=1e-4)
    p = 1.0 / (1.0 + np.exp(-A @ w))
    expected = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    assert loss == pytest.approx(expected, rel=1e-8)
    assert 2.0 < k[0] < 4.0 and -1.5 < k[1] < -0.5


def test_loss_value_is_infinite_where_a_program_fails() -> None:
    assert loss_value("mse", np.array([1.0, np.nan]), np.zeros(2)) == math.inf
    assert loss_value("logloss", np.array([1.0, np.inf]), np.zeros(2)) == math.inf
    assert loss_value("mse", np.array([1.0, 3.0]), np.zeros(2)) == 5.0
    assert loss_value("logloss", np.zeros(2), np.array([0.0, 1.0])) == pytest.approx(math.log(2))
