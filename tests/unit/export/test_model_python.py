"""A fitted model exported as one Python module (numpy, never metagrow) predicts exactly
what Model.predict predicts: the same numbers to the bit (or nan in both), the same class
labels, on rows with zeros, negatives and huge values."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from metagrow.api._model import Model, model_of
from metagrow.domains.numeric import REAL, NumericDomain, VectorProgram
from metagrow.estimators import ProgramClassifier, ProgramRegressor
from metagrow.export import ExportError, model_to_python
from metagrow.fit import FittedProgram
from metagrow.lang import arrow, parse, sample_program
from metagrow.testing import load_exported

GRAMMAR = NumericDomain().grammar()
SPECIAL = (0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-300, -1e-310, 1e10, -1e10, 1e300, -1e300,
           700.0, 710.0, -745.0, np.pi, 1e22)  # fmt: skip


def _rows(seed: int, n: int, k: int) -> np.ndarray:
    """Random rows, a third of their cells special values (zeros, huge, tiny, ...)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 3.0, (n, k)) * rng.choice([1e-3, 1.0, 1e3], (n, k))
    special = rng.random((n, k)) < 0.33
    X[special] = rng.choice(SPECIAL, int(special.sum()))
    return X


def _same(got: list[Any], expected: list[Any]) -> bool:
    """The same predictions: numbers equal with the same sign of zero, or nan in both;
    labels equal and of the same type."""
    if len(got) != len(expected):
        return False
    for g, e in zip(got, expected, strict=True):
        if type(g) is not type(e):
            return False
        if isinstance(g, float):
            if not ((np.isnan(g) and np.isnan(e)) or (g == e and np.signbit(g) == np.signbit(e))):
                return False
        elif g != e:
            return False
    return True


def _model(kind: str, columns: list[str], programs: list[str], classes: list[Any]) -> Model:
    return model_of(
        {
            "format": "metagrow-model", "version": 1, "kind": kind, "columns": columns,
            "target": "y", "classes": classes,
            "programs": [{"structure": p, "constants": _constants(p, len(columns))}
                         for p in programs],
        }
    )  # fmt: skip


def _constants(program: str, arity: int) -> list[float]:
    """1.5, 2.5, ... for the program's constant slots."""
    return [1.5 + i for i in range(VectorProgram(parse(program), arity).n_constants)]


EVERY_OP = (
    "(lam (lam (lam (if (lt $2 c) (cube $1) (add (mul c (sin $2)) (div (exp (neg (square"
    " (sub $0 c)))) (add (tanh $1) (max (abs $0) (min (sqrt (log (cos $2))) $1)))))))))"
)


@pytest.fixture(scope="module")
def fitted() -> dict[str, Model]:
    """A regressor, a two-class and a three-class classifier, fitted quickly."""
    X = _rows(0, 80, 3)
    X = np.clip(X, -5.0, 5.0)
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    fast = {"max_evaluations": 300, "max_time": 3.0, "random_state": 0}
    regressor = ProgramRegressor(**fast).fit(X, y)
    binary = ProgramClassifier(**fast).fit(X, np.where(X[:, 0] > X[:, 1], 7, 3))
    labels = np.array(["low", "mid", "high"])[np.digitize(X[:, 0] + X[:, 2], [-1.0, 1.0])]
    several = ProgramClassifier(**fast).fit(X, labels)
    return {
        "regression": model_of(regressor.to_dict()),
        "binary": model_of(binary.to_dict()),
        "several": model_of(several.to_dict()),
    }


@pytest.mark.parametrize("which", ["regression", "binary", "several"])
def test_fitted_models_predict_as_model_predict(
    fitted: dict[str, Model], which: str, tmp_path: Path
) -> None:
    model = fitted[which]
    exported = load_exported(model_to_python(model), tmp_path)
    assert model.columns == exported.COLUMNS and model.kind == exported.KIND
    assert model.classes == exported.CLASSES
    for seed in range(3):
        X = _rows(seed, 200, 3)
        with np.errstate(all="ignore"):
            expected = model.predict(X)
        assert _same(exported.predict(X), expected)
        assert _same(exported.predict(X.tolist()), expected)


HAND = [
    ("regression", [EVERY_OP], []),
    ("regression", ["(lam (lam (lam 2.5)))"], []),
    ("regression", ["(lam (lam (lam (div (add $2 c) $0))))"], []),
    ("classification", ["(lam (lam (lam (sub (log $1) c))))"], [0, 1]),
    ("classification", [EVERY_OP, "(lam (lam (lam (div $2 $1))))", "(lam (lam (lam c)))"],
     ["a", "b", "c"]),
    ("classification", ["(lam (lam (lam (sqrt $0))))", "(lam (lam (lam (log $0))))",
                        "(lam (lam (lam (log (neg $0)))))"], [1, 2, 3]),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "programs", "classes"), HAND)
def test_hand_written_models_predict_as_model_predict_nan_and_inf_included(
    kind: str, programs: list[str], classes: list[Any], tmp_path: Path
) -> None:
    model = _model(kind, ["u", "v w", "class"], programs, classes)
    exported = load_exported(model_to_python(model), tmp_path)
    X = _rows(7, 300, 3)
    with np.errstate(all="ignore"):
        expected = model.predict(X)
        scores = np.column_stack([p.predict(X) for p in model.programs])
    assert _same(exported.predict(X), expected)
    np.testing.assert_array_equal(exported.scores(X), scores)
    if len(X):
        assert _same(exported.predict(X[:1]), expected[:1])  # batch of one


def test_rows_as_dicts_are_read_by_column_name(tmp_path: Path) -> None:
    model = _model("regression", ["a", "b"], ["(lam (lam (sub $1 $0)))"], [])
    exported = load_exported(model_to_python(model), tmp_path)
    assert exported.predict([{"b": 1.0, "a": 5.0}, {"a": 0.0, "b": 2.0, "z": 9}]) == [4.0, -2.0]
    with pytest.raises(ValueError, match="no value for the column 'b'"):
        exported.predict([{"a": 1.0}])
    with pytest.raises(ValueError, match="expected rows of 2 values"):
        exported.predict([[1.0, 2.0, 3.0]])
    assert exported.predict(np.zeros((0, 2))) == []


def test_the_code_is_numpy_calls_with_the_constants_written_in(tmp_path: Path) -> None:
    model = _model("regression", ["a", "b"], ["(lam (lam (add (mul c $1) (sin $0))))"], [])
    text = model_to_python(model)
    assert "return np.add(np.multiply(1.5, a), np.sin(b))" in text
    assert "import metagrow" not in text and "from metagrow" not in text
    awkward = _model("regression", ["np", "for", "t0", "x1"], ["(lam (lam (lam (lam $3))))"], [])
    assert "x0 = np.ascontiguousarray(X[:, 0])  # 'np'" in model_to_python(awkward)


def test_self_check_and_csv_run_as_a_script(tmp_path: Path) -> None:
    model = _model("classification", ["a", "b"], ["(lam (lam (sub $1 (cube $0))))"], ["n", "p"])
    X = _rows(3, 6, 2)
    path = tmp_path / "model.py"
    path.write_text(model_to_python(model, rows=X[:5]))
    checked = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "5 of 5 rows give the expected prediction" in checked.stdout
    data = tmp_path / "rows.csv"
    data.write_text("b,a,other\n" + "".join(f"{b!r},{a!r},x\n" for a, b in X.tolist()))
    run = subprocess.run([sys.executable, str(path), str(data)], capture_output=True, text=True,
                         check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == model.predict(X)
    # a module whose expected predictions are wrong fails its self-check
    lines = path.read_text().splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("EXPECTED = ["))
    lines[i] = "EXPECTED = " + repr(["?"] * 5)
    path.write_text("\n".join(lines) + "\n")
    failed = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, check=False
    )
    assert failed.returncode == 1
    assert "0 of 5 rows give the expected prediction" in failed.stdout


def test_what_numpy_code_cannot_express_is_one_line_export_error() -> None:
    higher_order = FittedProgram(parse("(lam (lam ($0 $1)))"), (), 2, 0.0, 1)
    model = Model("regression", ("a", "b"), "y", (), (higher_order,))
    with pytest.raises(ExportError, match="not a first-order numeric program"):
        model_to_python(model)
    too_few = FittedProgram(parse("(lam (add c c))"), (1.0,), 1, 0.0, 3)
    with pytest.raises(ExportError, match="more constant slots than constants"):
        model_to_python(Model("regression", ("a",), "y", (), (too_few,)))
    good = FittedProgram(parse("(lam $0)"), (), 1, 0.0, 1)
    with pytest.raises(ExportError, match="rows to replay must be a table of 1 columns"):
        model_to_python(Model("regression", ("a",), "y", (), (good,)), rows=[[1.0, 2.0]])


@st.composite
def programs(draw: st.DrawFn) -> tuple[Any, int]:
    arity = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    depth = draw(st.integers(1, 6))
    program = sample_program(
        GRAMMAR, arrow(*(REAL for _ in range(arity)), REAL), random.Random(seed), depth
    )
    assume(program is not None)
    return program, arity


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=programs(), seed=st.integers(0, 1000))
def test_random_programs_predict_as_model_predict_to_the_bit(
    drawn: tuple[Any, int], seed: int, tmp_path: Path
) -> None:
    program, arity = drawn
    rng = np.random.default_rng(seed)
    n = VectorProgram(program, arity).n_constants
    constants = tuple(float(c) for c in rng.normal(0.0, 3.0, n) * rng.choice([1e-3, 1.0, 1e6], n))
    fitted = FittedProgram(program, constants, arity, 0.0, 1)
    model = Model("regression", tuple("abc"[:arity]), "y", (), (fitted,))
    exported = load_exported(model_to_python(model), tmp_path)
    X = _rows(seed, 64, arity)
    with np.errstate(all="ignore"):
        expected = model.predict(X)
    assert _same(exported.predict(X), expected)
    assert _same(exported.predict(X[:1]), expected[:1])
