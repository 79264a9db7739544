"""The numeric domain keeps the domain contract (typed JSON tasks and CSV tables), each
primitive's numpy function agrees with its sympy form, and no program raises on any
column, however large, small or out of a function's domain its values are."""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from metagrow.domains import ValueDecodeError
from metagrow.domains.numeric import OPS, REAL, NumericDomain, VectorProgram, columns_of
from metagrow.lang import BOOL, FAIL, Example, Program, arrow, parse, sample_program
from metagrow.testing import check_domain

DOMAIN = NumericDomain()
GRAMMAR = DOMAIN.grammar()
NAMES = ["x", "y", "z"]


def _json_task(path: Path, name: str, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    train = []
    for _ in range(rows):
        a, b = rng.uniform(-5, 5), rng.choice([0.0, -2.5, 1e6, rng.uniform(-1, 1)])
        train.append({"input": [a, b], "output": a * b + 0.5})
    data = {"name": name, "type": "real -> real -> real", "train": train}
    file = path / f"{name}.json"
    file.write_text(json.dumps(data))
    return file


def _csv_task(path: Path) -> Path:
    file = path / "table.csv"
    lines = ["m,v,y", *(f"{m},{v},{0.5 * m * v * v!r}" for m, v in [(1, 2), (3, -1), (0, 4)])]
    file.write_text("\n".join([*lines, "2.5,0.5,0.3125", "7,1e3,3500000.0", ""]))
    return file


def test_numeric_domain_passes_the_contract_on_json_and_csv_tasks(tmp_path: Path) -> None:
    tasks = [
        DOMAIN.read_task(_json_task(tmp_path, "product", 8, 0)),
        DOMAIN.read_task(_json_task(tmp_path, "other", 5, 1)),
        DOMAIN.read_task(_csv_task(tmp_path)),
    ]
    report = check_domain(DOMAIN, tasks)
    assert {r.status for r in report.results} == {"passed"}, report.lines()


def test_a_csv_task_reads_its_columns_and_target(tmp_path: Path) -> None:
    task = DOMAIN.read_task(_csv_task(tmp_path))
    assert task.request == arrow(REAL, REAL, REAL)
    assert list(columns_of(task)) == ["m", "v"]
    assert task.train[0] == Example((1.0, 2.0), 2.0)
    assert len(task.train) == 5 and task.train[-1].output == 3_500_000.0


def test_recognises_typed_tasks_over_reals_only() -> None:
    assert DOMAIN.recognises({"type": "real -> real -> real", "train": []})
    assert DOMAIN.recognises({"type": "real -> bool"})
    assert not DOMAIN.recognises({"type": "bool -> bool"})
    assert not DOMAIN.recognises({"type": "list(int) -> int"})
    assert not DOMAIN.recognises({"type": "real -> grid"})
    assert not DOMAIN.recognises({"train": []})
    assert not DOMAIN.recognises([1, 2])


def test_values_decode_to_floats_and_encode_back() -> None:
    assert DOMAIN.decode(3, REAL) == 3.0 and isinstance(DOMAIN.decode(3, REAL), float)
    assert DOMAIN.encode(np.float64(2.5), REAL) == 2.5
    assert json.dumps(DOMAIN.encode(True, BOOL)) == "true"
    assert json.dumps(DOMAIN.encode(np.bool_(False), BOOL)) == "false"
    assert json.dumps(DOMAIN.encode(np.float32(0.5), REAL)) == "0.5"
    for junk in (True, "1.0", None, [1.0]):
        with pytest.raises(ValueDecodeError):
            DOMAIN.decode(junk, REAL)
    with pytest.raises(ValueDecodeError):
        DOMAIN.decode(1, BOOL)


# -- each primitive's numpy function against its sympy form ---------------------------------


def op_program(name: str) -> str:
    """A program of three columns (x, y, z) applying primitive ``name`` once."""
    op = next(o for o in OPS if o.name == name)
    if name == "if":
        return "(lambda (lambda (lambda (if (lt $2 $1) $1 $0))))"
    if name == "c":
        return "(lambda (lambda (lambda c)))"
    args = " ".join(["$2", "$1", "$0"][: len(op.arguments)])
    return f"(lambda (lambda (lambda ({name} {args}))))"


SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 1e300, -1e300, 1e-300, 700.0, 710.0, -750.0])


def _columns(seed: int, rows: int = 200) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(3):
        col = rng.normal(0.0, 3.0, rows) * rng.choice([1.0, 1e-3, 1e3, 1e200], rows)
        col[: len(SPECIAL)] = rng.permutation(SPECIAL)
        out.append(col)
    return out


@pytest.mark.parametrize("name", [op.name for op in OPS])
def test_each_primitives_numpy_function_matches_its_sympy_form(name: str) -> None:
    vp = VectorProgram(parse(op_program(name)), 3)
    constants = np.full(vp.n_constants, 1.75)
    expr = vp.sympy(NAMES, list(constants))
    fn = sympy.lambdify([sympy.Symbol(n) for n in NAMES], expr, "numpy")
    for seed in range(3):
        cols = _columns(seed)
        ours = vp(cols, constants)
        with np.errstate(all="ignore"):
            theirs = np.broadcast_to(np.asarray(fn(*cols), dtype=np.float64), ours.shape)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", [op.name for op in OPS if op.arguments])
def test_the_generic_interpreter_agrees_with_numpy_for_each_primitive(name: str) -> None:
    program = Program(parse(op_program(name)), GRAMMAR.primitives)
    vp = VectorProgram(parse(op_program(name)), 3)
    cols = _columns(5, rows=40)
    ours = vp(cols, np.ones(0))
    for row, value in enumerate(ours):
        got = program.run(tuple(float(c[row]) for c in cols), DOMAIN.limits())
        if np.isnan(value):
            assert got is FAIL
        else:
            assert got == value and type(got) is (bool if name == "lt" else float)


# -- no program raises ----------------------------------------------------------------------

_floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e308, -1e308, 5e-324, 710.0]),
)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), arity=st.integers(1, 3), data=st.data())
def test_no_program_raises_on_any_column(seed: int, arity: int, data: st.DataObject) -> None:
    request = arrow(*(REAL for _ in range(arity)), REAL)
    program = sample_program(GRAMMAR, request, random.Random(seed), max_depth=5)
    if program is None:
        return
    rows = data.draw(st.integers(1, 12))
    cols = [
        np.array(data.draw(st.lists(_floats, min_size=rows, max_size=rows))) for _ in range(arity)
    ]
    vp = VectorProgram(program, arity)
    constants = np.array(
        data.draw(st.lists(_floats, min_size=vp.n_constants, max_size=vp.n_constants))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even a RuntimeWarning escapes
        out = vp(cols, constants)
        many = vp.batch(cols, np.stack([constants, constants + 1.0]))
        compiled = Program(program, GRAMMAR.primitives)
        for row in range(rows):
            value = compiled.run(tuple(float(c[row]) for c in cols), DOMAIN.limits())
            assert value is FAIL or type(value) is float
    assert out.shape == (rows,) and out.dtype == np.float64
    assert many.shape == (2, rows)
