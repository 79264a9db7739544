"""The built-in formula suite: allowed functions, finite data, size, determinism,
independence between formulas, the written files and the docs table."""

from __future__ import annotations

import dataclasses
import itertools
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import sympy

from metagrow.domains.numeric import (
    ALLOWED_FUNCTIONS,
    FAMILIES,
    FORMULAS,
    Dataset,
    Formula,
    Variable,
    evaluate,
    formula_suite,
    formula_table,
    node_count,
    parse_formula,
    read_csv,
    suite_markdown,
)

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "benchmarks" / "make_formula_suite.py"
ALLOWED = {sympy.Add, sympy.Mul, sympy.Pow} | {getattr(sympy, f) for f in ALLOWED_FUNCTIONS}


@pytest.fixture(scope="module")
def suite() -> tuple[Dataset, ...]:
    return formula_suite(seed=0)


def test_at_least_64_formulas_spread_over_families_and_arities() -> None:
    assert len(FORMULAS) >= 64
    assert len({f.name for f in FORMULAS}) == len(FORMULAS)
    assert sum(4 <= len(f.variables) <= 6 for f in FORMULAS) >= 10
    assert {len(f.variables) for f in FORMULAS} == {1, 2, 3, 4, 5, 6}
    families = Counter(f.family for f in FORMULAS)
    assert set(families) == set(FAMILIES) and min(families.values()) >= 8
    assert all(f.description for f in FORMULAS)


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: f.name)
def test_every_formula_parses_with_only_allowed_functions(formula: Formula) -> None:
    symbols = {v.name: sympy.Symbol(v.name) for v in formula.variables}
    expr = sympy.sympify(formula.expression, locals=symbols)
    assert expr == parse_formula(formula)
    assert expr.free_symbols == set(symbols.values()), "every variable is used, no other name"
    for node in sympy.preorder_traversal(expr):
        if node.is_Atom:
            assert isinstance(node, sympy.Symbol | sympy.Rational | sympy.Float), node
        else:
            assert node.func in ALLOWED, node.func
    assert node_count(formula) == sum(1 for _ in sympy.preorder_traversal(expr)) >= 5


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: f.name)
def test_every_formula_is_finite_at_its_range_corners(formula: Formula) -> None:
    bounds = [(v.low, v.high) for v in formula.variables]
    corners = np.array(list(itertools.product(*bounds)), dtype=np.float64)
    assert np.isfinite(evaluate(formula, corners)).all()


def test_every_generated_value_is_finite_and_in_range(suite: tuple[Dataset, ...]) -> None:
    assert [d.name for d in suite] == [f.name for f in FORMULAS]
    for formula, dataset in zip(FORMULAS, suite, strict=True):
        for table in (dataset.train, dataset.heldout):
            assert table.rows == 200 and table.X.dtype == np.float64
            assert np.isfinite(table.X).all() and np.isfinite(table.y).all()
            assert table.columns == formula.columns and table.target == "y"
            assert table.metadata["expression"] == formula.expression
            lows = np.array([v.low for v in formula.variables])
            highs = np.array([v.high for v in formula.variables])
            assert (lows <= table.X).all() and (highs > table.X).all(), formula.name
            assert np.std(table.y) > 0, formula.name


def test_disallowed_functions_and_names_are_rejected() -> None:
    x = (Variable("x", 0.1, 1),)
    for text in ("atan(x)", "x + pi", "exp(1)*x", "x + q", "floor(x)", "x + I"):
        with pytest.raises(ValueError):
            parse_formula(Formula("bad", text, x, "composition"))


def test_a_formula_not_finite_in_its_range_is_refused() -> None:
    formula = Formula("log-of-negative", "log(x)", (Variable("x", -1, 1),), "exponential")
    with pytest.raises(ValueError, match="log-of-negative: not finite at"):
        formula_table(formula, 50, 0)


def test_bad_formula_declarations_are_refused() -> None:
    x = Variable("x", 0, 1)
    with pytest.raises(ValueError, match="1 to 6 variables"):
        Formula("many", "x", tuple(Variable(f"x{i}", 0, 1) for i in range(7)), "polynomial")
    with pytest.raises(ValueError, match="distinct"):
        Formula("twice", "x", (x, x), "polynomial")
    with pytest.raises(ValueError, match="low < high"):
        Formula("empty", "x", (Variable("x", 1, 1),), "polynomial")
    with pytest.raises(ValueError, match="family"):
        Formula("odd", "x", (x,), "mystery")  # type: ignore[arg-type]


def test_the_suite_is_deterministic(suite: tuple[Dataset, ...]) -> None:
    again = formula_suite(seed=0)
    other = formula_suite(seed=1)
    for a, b, c in zip(suite, again, other, strict=True):
        assert np.array_equal(a.train.X, b.train.X) and np.array_equal(a.train.y, b.train.y)
        assert np.array_equal(a.heldout.X, b.heldout.X)
        assert not np.array_equal(a.train.X, c.train.X)


def test_editing_one_formula_leaves_the_others_unchanged(suite: tuple[Dataset, ...]) -> None:
    edited = list(FORMULAS)
    edited[3] = dataclasses.replace(edited[3], name="renamed")
    edited[7] = dataclasses.replace(edited[7], expression=f"2*({edited[7].expression})")
    del edited[10]
    changed = formula_suite(seed=0, formulas=edited)
    before = {d.name: d for d in suite}
    for dataset in changed:
        if dataset.name in ("renamed", FORMULAS[7].name):
            continue
        old = before[dataset.name]
        assert np.array_equal(old.train.X, dataset.train.X), dataset.name
        assert np.array_equal(old.heldout.y, dataset.heldout.y), dataset.name
    assert not np.array_equal(before[FORMULAS[3].name].train.X, changed[3].train.X)
    assert np.array_equal(before[FORMULAS[7].name].train.X, changed[7].train.X)


def test_train_rows_do_not_depend_on_the_held_out_size(suite: tuple[Dataset, ...]) -> None:
    small = formula_suite(seed=0, train_rows=200, heldout_rows=10, formulas=FORMULAS[:5])
    bigger = formula_suite(seed=0, train_rows=210, heldout_rows=5, formulas=FORMULAS[:5])
    for full, part, more in zip(suite[:5], small, bigger, strict=True):
        assert np.array_equal(full.train.X, part.train.X)
        assert np.array_equal(full.heldout.X[:10], part.heldout.X)
        assert np.array_equal(more.train.X[200:], full.heldout.X[:10])


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate formula names: kinetic-energy"):
        formula_suite(formulas=[FORMULAS[0], FORMULAS[0]])


def test_the_script_writes_identical_files_that_read_back(tmp_path: Path) -> None:
    subset = FORMULAS[:3]
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        command = [sys.executable, str(SCRIPT), "--out", str(out), "--train-rows", "20"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "" and "wrote 84 formulas" in done.stderr
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert len(files) == 2 * len(FORMULAS) + 1
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    index = json.loads((outs[0] / "index.json").read_text())
    assert index["seed"] == 0 and index["train_rows"] == 20 and index["heldout_rows"] == 200
    entries = index["formulas"]
    assert [e["name"] for e in entries] == [f.name for f in FORMULAS]
    for formula, entry in zip(subset, entries[: len(subset)], strict=True):
        assert entry["expression"] == formula.expression and entry["family"] == formula.family
        assert entry["nodes"] == node_count(formula)
        assert [v["name"] for v in entry["variables"]] == list(formula.columns)
        expected = formula_suite(seed=0, train_rows=20, formulas=[formula])[0]
        train = read_csv(outs[0] / entry["train"], "y")
        heldout = read_csv(outs[0] / entry["heldout"], "y")
        assert np.array_equal(train.X, expected.train.X)
        assert np.array_equal(heldout.y, expected.heldout.y)


def test_the_script_refuses_no_action() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert done.returncode == 2 and "give --out DIR, --markdown or both" in done.stderr


def test_the_docs_show_the_generated_table() -> None:
    page = (ROOT / "docs" / "formula-suite.md").read_text()
    assert suite_markdown() in page
    assert f"**{len(FORMULAS)} formulas written for this project**" in page
    wide = sum(4 <= len(f.variables) <= 6 for f in FORMULAS)
    assert f"({wide} of them with 4 to 6)" in page
    nodes = [node_count(f) for f in FORMULAS]
    assert f"Sizes run from {min(nodes)} to {max(nodes)} nodes." in page
