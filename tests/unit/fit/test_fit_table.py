"""fit_table finds textbook formulas exactly from noiseless rows, gives the same front for
the same seed (in this process and in a fresh one), and keeps to its budget: exactly
``evaluations`` programs when nothing fits exactly, and its ``seconds``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import sympy

from metagrow.fit._regression import TableFit, fit_table
from metagrow.testing import timed

FORMULAS = {
    "0.5*m*v**2": ("m", "v"),
    "u/r": ("u", "r"),
    "sqrt(a*a+b*b)": ("a", "b"),
}


def _table(truth: str, names: tuple[str, ...], rows: int = 100, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.5, 4.0, (rows, len(names)))
    symbols = sympy.symbols(names)
    f = sympy.lambdify(symbols, sympy.sympify(truth), "numpy")
    return X, np.asarray(f(*X.T), dtype=np.float64)


def _rounded(expr: sympy.Expr) -> sympy.Expr:
    return expr.xreplace({f: sympy.Float(round(float(f), 6)) for f in expr.atoms(sympy.Float)})


@pytest.mark.parametrize("truth", list(FORMULAS))
def test_recovers_a_formula_exactly_from_noiseless_rows(truth: str) -> None:
    names = FORMULAS[truth]
    X, y = _table(truth, names)
    fit = fit_table(X, y, evaluations=20_000, seed=0)
    found = _rounded(fit.select("best").sympy(list(names)))
    truth_expr = sympy.sympify(truth, locals={n: sympy.Symbol(n) for n in names})
    assert sympy.simplify(sympy.nsimplify(found, rational=True) - truth_expr) == 0, found
    assert fit.evaluations <= 20_000


def _front(fit: TableFit) -> list[tuple[str, list[float], float, int]]:
    return [(str(f.structure), list(f.constants), f.loss, f.complexity) for f in fit.front]


_HARD = "x*sin(3*x) + exp(-x)"
"""Beyond a few hundred programs: no exact fit, so the search runs out its budget."""


def test_the_same_seed_gives_the_same_front_here_and_in_a_fresh_process() -> None:
    X, y = _table(_HARD, ("x",), rows=60)
    first = _front(fit_table(X, y, evaluations=400, seed=3))
    assert first == _front(fit_table(X, y, evaluations=400, seed=3))
    code = (
        "import json, sys, numpy as np\n"
        "from metagrow.fit._regression import fit_table\n"
        "X, y = (np.array(v) for v in json.load(sys.stdin))\n"
        "fit = fit_table(X, y, evaluations=400, seed=3)\n"
        "print(json.dumps([(str(f.structure), list(f.constants), f.loss, f.complexity)"
        " for f in fit.front]))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps([X.tolist(), y.tolist()]),
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip
    there = [tuple(m) for m in json.loads(done.stdout)]
    assert there == [(s, list(c), loss, n) for s, c, loss, n in first]
    # the seed drives evolution (enumeration, which comes first, has none)
    evolved = _front(fit_table(X, y, evaluations=400, seed=3, enumeration=False))
    assert evolved != _front(fit_table(X, y, evaluations=400, seed=4, enumeration=False))


@pytest.mark.parametrize("n", [1, 57, 700])
def test_stops_at_exactly_the_evaluations_asked(n: int) -> None:
    X, y = _table(_HARD, ("x",), rows=60)
    fit = fit_table(X, y, evaluations=n, seed=0)
    assert fit.evaluations == n
    assert fit.front


@pytest.mark.parametrize("seconds", [0.5, 1.0])
def test_keeps_to_its_seconds(seconds: float) -> None:
    X, y = _table(_HARD, ("x",), rows=100)
    with timed() as took:
        fit = fit_table(X, y, evaluations=10**9, seconds=seconds, seed=0)
    bound = 1.1 * seconds + 0.05
    assert fit.seconds <= bound or took.cpu <= bound, (fit.seconds, took, fit.evaluations)
    assert took.within(bound + 0.1), took  # plus building the front's programs
    assert fit.evaluations < 10**9


def test_log_loss_fits_a_logistic_rule() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-2.0, 2.0, (300, 2))
    logit = 3.0 * (X[:, 0] + 2.0 * X[:, 1] - 0.5)
    labels = (rng.uniform(size=300) < 1.0 / (1.0 + np.exp(-logit))).astype(float)
    true_loss = np.mean(np.logaddexp(0.0, -np.where(labels > 0.5, logit, -logit)))
    fit = fit_table(X, labels, loss="logloss", evaluations=1000, seed=0)
    best = fit.select("accuracy")
    assert best.loss <= 1.1 * true_loss
    assert np.mean((best.predict(X) > 0.0) == (logit > 0.0)) >= 0.95


def test_a_large_program_becomes_sympy_text_quickly() -> None:
    """Nested powers of sums once made sympy's automatic simplification run for minutes
    (and out of memory) in ``bench regression``; large programs are built as written."""
    from metagrow.api._expression import expression_text
    from metagrow.fit import FittedProgram

    source = (
        "(lam (add (mul c (sin (mul c (tanh (mul c (add $0 (cube (mul c (add (add $0 (cube "
        "(mul c (sin (mul c (tanh (mul c (add $0 (cube (mul c (div (add $0 (cube (cube (mul c "
        "(add $0 (tanh (mul c (cube $0)))))))) c))))))))))) $0))))))))) c))"
    )
    fitted = FittedProgram.from_text(source, [0.7] * 12, 1)
    X = np.linspace(-1.0, 1.0, 20)[:, None]
    started = time.perf_counter()
    text = expression_text(fitted, ["x"], X)
    assert time.perf_counter() - started < 10.0
    assert "tanh" in text and "x" in text
