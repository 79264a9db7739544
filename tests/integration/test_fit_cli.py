"""``metagrow fit`` and ``metagrow predict`` as a user runs them (a subprocess): the JSON
contract, formulas recovered, classes learned, model files, bad input and the budget."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sympy
from cli_run import metagrow

from metagrow.fit import FittedProgram


def write_table(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def numbers(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-2, 2, size=(n, 2))


@pytest.fixture
def square_csv(tmp_path: Path) -> Path:
    """y = 2*a + b*b on 40 rows."""
    X = numbers(40, 0)
    rows = [[a, b, 2 * a + b * b] for a, b in X.tolist()]
    return write_table(tmp_path / "square.csv", ["a", "b", "y"], rows)


@pytest.fixture
def species_csv(tmp_path: Path) -> Path:
    """Three text labels set by thresholds on x (z is noise)."""
    X = numbers(60, 1) * 1.5
    names = ["setosa" if x < -1 else "virginica" if x > 1 else "versicolor" for x, _ in X]
    rows = [[x, z, s] for (x, z), s in zip(X.tolist(), names, strict=True)]
    return write_table(tmp_path / "species.csv", ["x", "z", "species"], rows)


def fitted(*args: str, timeout: float = 60) -> dict[str, object]:
    r = metagrow("fit", *args, "--json", timeout=timeout)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # no progress display off a terminal, no warnings
    lines = r.stdout.splitlines()
    assert len(lines) == 1, r.stdout
    record = json.loads(lines[0])
    assert isinstance(record, dict)
    return record


def values_of(text: str, columns: list[str], X: np.ndarray) -> np.ndarray:
    """An expression's values on the rows of ``X``, read back with sympy alone."""
    symbols = {c: sympy.Symbol(c) for c in columns}
    expr = sympy.sympify(text, locals=symbols)
    fn = sympy.lambdify([symbols[c] for c in columns], expr, modules="numpy")
    return np.broadcast_to(np.asarray(fn(*X.T), dtype=float), (len(X),))


def read_rows(path: Path) -> tuple[np.ndarray, list[str]]:
    with path.open() as handle:
        rows = list(csv.reader(handle))[1:]
    return np.array([[float(v) for v in r[:-1]] for r in rows]), [r[-1] for r in rows]


def test_json_is_one_line_whose_expressions_sympy_reads_back(square_csv: Path) -> None:
    record = fitted(str(square_csv), "--target", "y", "--budget", "3")
    assert {"target", "expression", "program", "front", "train_score", "seconds"} <= set(record)
    assert record["target"] == "y" and record["task"] == "regression"
    X, _ = read_rows(square_csv)
    program = FittedProgram.from_text(str(record["program"]), [], 2)
    expected = program.predict(X)
    got = values_of(str(record["expression"]), ["a", "b"], X)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
    front = record["front"]
    assert isinstance(front, list) and front
    assert [f["complexity"] for f in front] == sorted(f["complexity"] for f in front)
    assert sum(f["selected"] for f in front) == 1
    for entry in front:
        assert {"complexity", "loss", "expression"} <= set(entry)
        values_of(entry["expression"], ["a", "b"], X)  # reads back
    mse = float(np.mean((expected - 2 * X[:, 0] - X[:, 1] ** 2) ** 2))
    chosen = next(f for f in front if f["selected"])
    assert chosen["loss"] == pytest.approx(mse, rel=1e-6, abs=1e-12)


def test_regression_recovers_the_formula(square_csv: Path) -> None:
    start = time.monotonic()
    record = fitted(str(square_csv), "--target", "y", "--budget", "15")
    assert time.monotonic() - start < 16.5
    assert record["train_score"] == pytest.approx(1.0, abs=1e-9)
    a, b = sympy.symbols("a b")
    found = sympy.sympify(str(record["expression"]), locals={"a": a, "b": b})
    X = numbers(10, 99)
    np.testing.assert_allclose(
        values_of(str(found), ["a", "b"], X), 2 * X[:, 0] + X[:, 1] ** 2, rtol=1e-6
    )


def test_binary_classes_are_learned(tmp_path: Path) -> None:
    X = numbers(60, 2)
    rows = [[x, z, int(x + z > 0.3)] for x, z in X.tolist()]
    data = write_table(tmp_path / "binary.csv", ["x", "z", "label"], rows)
    record = fitted(str(data), "--target", "label", "--budget", "4")
    assert record["task"] == "classification" and record["classes"] == [0, 1]
    assert record["train_score"] >= 0.95
    logits = values_of(str(record["expression"]), ["x", "z"], X)
    accuracy = np.mean((logits > 0) == (X.sum(axis=1) > 0.3))
    assert accuracy == pytest.approx(record["train_score"])


def test_three_text_classes_then_predict(species_csv: Path, tmp_path: Path) -> None:
    model = tmp_path / "species.json"
    record = fitted(str(species_csv), "--target", "species", "--budget", "6", "-o", str(model))
    assert record["classes"] == ["setosa", "versicolor", "virginica"]
    assert record["train_score"] >= 0.9
    assert {f["class"] for f in record["front"]} == {"setosa", "versicolor", "virginica"}
    scores = sympy.sympify(str(record["expression"]), locals={"x": sympy.Symbol("x")})
    assert isinstance(scores, tuple) and len(scores) == 3
    saved = json.loads(model.read_text())
    assert saved["format"] == "metagrow-model" and saved["version"] == 1
    assert saved["kind"] == "classification" and len(saved["programs"]) == 3
    # new rows: columns in another order, no target column, fewer than five rows
    X, labels = read_rows(species_csv)
    new = write_table(tmp_path / "new.csv", ["z", "x"], [[z, x] for x, z in X[:3].tolist()])
    r = metagrow("predict", str(model), str(new))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "species" and len(lines) == 4
    r = metagrow("predict", str(model), str(species_csv))
    predicted = r.stdout.splitlines()[1:]
    texts = str(record["expression"])[1:-1].split(", ")
    if len(texts) == 3:  # no commas inside (as in Piecewise): the argmax of the expressions
        best = np.argmax([values_of(t, ["x", "z"], X) for t in texts], axis=0)
        assert predicted == [record["classes"][i] for i in best]  # type: ignore[index]
    assert np.mean([p == t for p, t in zip(predicted, labels, strict=True)]) == pytest.approx(
        record["train_score"]
    )


def test_regression_model_predicts_what_the_expression_says(
    square_csv: Path, tmp_path: Path
) -> None:
    model = tmp_path / "square.json"
    r = metagrow("fit", str(square_csv), "--target", "y", "--budget", "3", "-o", str(model))
    assert r.returncode == 0, r.stderr
    assert "complexity" in r.stdout and "*" in r.stdout  # the front, the selected marked
    saved = json.loads(model.read_text())
    assert saved["columns"] == ["a", "b"] and saved["target"] == "y"
    r = metagrow("predict", str(model), str(square_csv))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "y" and len(lines) == 41
    X, _ = read_rows(square_csv)
    chosen = next(
        f for f in saved["front"] if f["complexity"] == saved["programs"][0]["complexity"]
    )
    expected = values_of(chosen["expression"], ["a", "b"], X)
    np.testing.assert_allclose([float(v) for v in lines[1:]], expected, rtol=1e-6, atol=1e-9)


BAD_TABLES = {
    "text in a feature": (["a", "y"], [["1", "2"], ["x", "3"], ["2", "4"], ["3", "5"], ["4", "6"]]),
    "missing value": (["a", "y"], [["1", "2"], ["", "3"], ["2", "4"], ["3", "5"], ["4", "6"]]),
    "too few rows": (["a", "y"], [["1", "2"], ["2", "3"]]),
    "no target column": (["a", "b"], [[str(i), str(i)] for i in range(6)]),
}


@pytest.mark.parametrize("case", sorted(BAD_TABLES))
def test_a_bad_table_is_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    header, rows = BAD_TABLES[case]
    data = write_table(tmp_path / "bad.csv", header, rows)  # type: ignore[arg-type]
    r = metagrow("fit", str(data), "--target", "y", "--json")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("metagrow: error:"), r.stderr


@pytest.mark.parametrize("what", ["missing", "folder"])
def test_not_a_file_is_one_line_and_exit_2(what: str, tmp_path: Path) -> None:
    path = tmp_path / "nothing.csv" if what == "missing" else tmp_path
    r = metagrow("fit", str(path), "--target", "y")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("metagrow: error:"), r.stderr


@pytest.mark.parametrize(
    "options",
    [
        ["--task", "ranking"],
        ["--selection", "nope"],
        ["--budget", "0"],
        ["--budget", "inf"],
        ["--jobs", "0"],
        ["-o", "no/such/folder/m.json"],
        ["--target", "nope"],
    ],
)
def test_bad_options_are_one_line_and_exit_2(options: list[str], square_csv: Path) -> None:
    r = metagrow("fit", str(square_csv), "--target", "y", *options)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("metagrow: error:"), r.stderr


def test_predict_rejects_a_missing_column_and_bad_models(square_csv: Path, tmp_path: Path) -> None:
    model = tmp_path / "m.json"
    record = {"format": "metagrow-model", "version": 1, "kind": "regression",
              "columns": ["a", "b"], "target": "y", "classes": [], "selection": "best",
              "programs": [{"structure": "(lam (lam (add $1 (mul c $0))))", "constants": [3.0],
                            "loss": 0.0, "complexity": 4}], "front": []}  # fmt: skip
    model.write_text(json.dumps(record))
    only_a = write_table(tmp_path / "a.csv", ["a"], [[1.0], [2.0]])
    r = metagrow("predict", str(model), str(only_a))
    assert r.returncode == 2 and "no column 'b'" in r.stderr and r.stderr.count("\n") == 1
    two = write_table(tmp_path / "two.csv", ["b", "a"], [[1.0, 2.0], [0.5, -1.0]])
    r = metagrow("predict", str(model), str(two))
    assert r.returncode == 0 and r.stdout.splitlines() == ["y", "5.0", "0.5"]
    wrong = {"structure": "(lam (lam (add $1 (mul c $0))))", "constants": []}
    bad = {
        "not json": "{",
        "not a model": json.dumps({"hello": 1}),
        "bad program": json.dumps(
            {**record, "programs": [{"structure": "(lam (", "constants": []}]}
        ),
        "wrong constants": json.dumps({**record, "programs": [wrong]}),
    }
    for case, text in bad.items():
        model.write_text(text)
        r = metagrow("predict", str(model), str(two))
        assert r.returncode == 2 and r.stdout == "", case
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("metagrow: error:"), case


def test_the_budget_is_a_wall_clock_cap(square_csv: Path, tmp_path: Path) -> None:
    noise = np.random.default_rng(5).normal(size=(200, 4))  # nothing fits exactly
    data = write_table(tmp_path / "noise.csv", ["a", "b", "c", "y"], noise.tolist())
    start = time.monotonic()
    assert metagrow("--help").returncode == 0
    startup = time.monotonic() - start
    start = time.monotonic()
    record = fitted(str(data), "--target", "y", "--budget", "2")
    elapsed = time.monotonic() - start
    # within 10 % of the budget, plus what starting the command and loading the fitting
    # code take (startup measures the first only: on a loaded machine the rest is tenths)
    assert elapsed < 2.2 + startup + 0.8, (elapsed, startup)
    assert float(record["seconds"]) < 2.2  # type: ignore[arg-type]


def test_ctrl_c_prints_the_best_so_far(tmp_path: Path) -> None:
    noise = np.random.default_rng(6).normal(size=(100, 3))
    data = write_table(tmp_path / "noise.csv", ["a", "b", "y"], noise.tolist())
    # a loaded machine may not have scored a program 3 s in (then nothing is printed, and
    # the one line says so): wait longer once before judging
    for wait in (3.0, 12.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "metagrow", "fit", str(data), "--target", "y", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        time.sleep(wait)
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert err.count("\n") == 1 and err.startswith("metagrow: interrupted:"), err
        if "nothing" not in err:
            break
        assert out == "", out
    record = json.loads(out)
    assert record["target"] == "y" and record["front"]
