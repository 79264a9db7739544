"""The systems the regression bench compares, each fitting one task's train table in about
``budget`` seconds and predicting its held-out rows.

``metagrow`` is :func:`~metagrow.fit.fit_table` (model selection ``"best"``); ``gplearn``
is gplearn's SymbolicRegressor or SymbolicClassifier run one generation at a time
(``warm_start=True``) until the budget is spent; ``linear`` is RidgeCV, or
LogisticRegression, on standardized features; ``hgb`` is HistGradientBoosting. A class
task with k > 2 classes is k one-vs-rest binary fits (each with budget/k seconds for the
symbolic systems); the predicted class is the one whose fit scores it highest.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Literal, final, get_args

import numpy as np

from metagrow.domains.numeric import Table
from metagrow.domains.numeric._vector import FloatArray

System = Literal["metagrow", "gplearn", "linear", "hgb"]
SYSTEMS: tuple[System, ...] = get_args(System)
GPLEARN_FUNCTIONS = (
    *("add", "sub", "mul", "div", "sqrt", "log", "abs", "neg", "max", "min", "sin", "cos"),
)
"""gplearn's built-ins that metagrow's numeric domain also has (no ``tan`` or ``inv``)."""
EVALUATIONS = 10**12
"""metagrow's evaluation limit: never reached, the time budget stops the search."""


@final
@dataclass(frozen=True, slots=True)
class Fitted:
    """One system's fit of one task: held-out predictions (values or class labels), the
    model's size in nodes (``None`` for non-symbolic models), its expression (a sympy
    expression for symbolic regression, else ``None``), a text form, and seconds."""

    predictions: FloatArray
    size: int | None
    expression: Any
    text: str | None
    seconds: float


def gplearn_missing() -> str | None:
    """A line saying how to install gplearn when it is not importable, else ``None``."""
    try:
        import gplearn  # noqa: F401
    except ImportError:
        return "gplearn is not installed (pip install gplearn, or pip install -e '.[dev]'); skipped"
    return None


def fit_system(system: System, train: Table, heldout: Table, budget: float, seed: int) -> Fitted:
    """Fit ``system`` on ``train`` and predict ``heldout`` (see the module docstring)."""
    start = time.perf_counter()
    if system in ("linear", "hgb"):
        predictions = _sklearn(system, train, heldout, seed)
        return Fitted(predictions, None, None, None, time.perf_counter() - start)
    fit_one = _metagrow if system == "metagrow" else _gplearn
    if train.kind == "regression":
        predictions, size, expr = fit_one(train.X, train.y, heldout.X, train.columns, budget, seed)
        text = str(expr) if expr is not None else "(not readable by sympy)"
        return Fitted(predictions, size, expr, text, time.perf_counter() - start)
    labels = np.unique(train.y)
    positives = labels[1:] if len(labels) == 2 else labels
    scores, sizes, texts = [], 0, []
    for positive in positives:
        binary = (train.y == positive).astype(np.float64)
        share = budget / len(positives)
        out, size, expr = fit_one(train.X, binary, heldout.X, train.columns, share, seed, True)
        scores.append(out)
        sizes += size
        texts.append(str(expr))
    if len(labels) == 2:
        predictions = np.where(np.nan_to_num(scores[0], nan=-np.inf) > 0, labels[1], labels[0])
    else:
        stacked = np.nan_to_num(np.vstack(scores), nan=-np.inf)
        predictions = labels[np.argmax(stacked, axis=0)]
    return Fitted(predictions, sizes, None, " ; ".join(texts), time.perf_counter() - start)


def _metagrow(
    X: FloatArray, y: FloatArray, X_test: FloatArray, names: tuple[str, ...],
    budget: float, seed: int, logit: bool = False,
) -> tuple[FloatArray, int, Any]:  # fmt: skip
    """metagrow's fit: predictions (a logit for a class), size, sympy expression."""
    from metagrow.fit import Loss, fit_table

    loss: Loss = "logloss" if logit else "mse"
    fit = fit_table(X, y, loss=loss, seconds=budget, evaluations=EVALUATIONS, seed=seed)
    best = fit.select("best")
    with np.errstate(all="ignore"):
        predictions = best.predict(X_test)
    return predictions, best.complexity, best.sympy(names)


def _gplearn(
    X: FloatArray, y: FloatArray, X_test: FloatArray, names: tuple[str, ...],
    budget: float, seed: int, logit: bool = False,
) -> tuple[FloatArray, int, Any]:  # fmt: skip
    """gplearn run generation by generation until the next one would pass ``budget``:
    predictions (for a class, the probability minus 1/2), program length, expression."""
    from gplearn.genetic import SymbolicClassifier, SymbolicRegressor

    from metagrow.bench._recovery import gplearn_sympy

    kind = SymbolicClassifier if logit else SymbolicRegressor
    model: Any = kind(function_set=GPLEARN_FUNCTIONS, random_state=seed, generations=1)
    start = time.perf_counter()
    generations, slowest = 1, 0.0
    while True:
        before = time.perf_counter()
        model.set_params(generations=generations, warm_start=generations > 1)
        model.fit(X, y)
        slowest = max(slowest, time.perf_counter() - before)
        if time.perf_counter() - start + slowest > budget:
            break
        generations += 1
    program = model._program
    predictions = model.predict_proba(X_test)[:, 1] - 0.5 if logit else model.predict(X_test)
    try:
        expr = gplearn_sympy(program, names)
    except (ValueError, TypeError, ZeroDivisionError):  # e.g. Max of a division by 0
        expr = None
    return np.asarray(predictions, dtype=np.float64), int(program.length_), expr


def _sklearn(system: System, train: Table, heldout: Table, seed: int) -> FloatArray:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression, RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model: Any
    regression = train.kind == "regression"
    if system == "hgb":
        kind = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
        model = kind(random_state=seed)
    elif regression:
        model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-6, 6, 25)))
    else:
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(train.X, train.y)
    return np.asarray(model.predict(heldout.X), dtype=np.float64)


def test_score(table: Table, predictions: FloatArray) -> float:
    """R² on a regression table (``-inf`` if a prediction is not finite), accuracy on a
    class table."""
    if table.kind == "classification":
        return float(np.mean(predictions == table.y))
    if not np.isfinite(predictions).all():
        return -math.inf
    residual = float(np.sum((table.y - predictions) ** 2))
    total = float(np.sum((table.y - np.mean(table.y)) ** 2))
    return 1.0 - residual / total if total > 0 else (1.0 if residual == 0 else -math.inf)
