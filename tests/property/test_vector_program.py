"""VectorProgram, the numpy evaluation of numeric programs, agrees with the generic
interpreter row by row, with its own printed form read back, with its sympy form, and
with itself one set of constants at a time."""

from __future__ import annotations

import random

import numpy as np
import sympy
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from metagrow.domains.numeric import REAL, NumericDomain, VectorProgram
from metagrow.lang import FAIL, Expr, Prim, Program, arrow, parse, sample_program

DOMAIN = NumericDomain()
GRAMMAR = DOMAIN.grammar()
LIMITS = DOMAIN.limits()
NAMES = ["x", "y", "z"]


@st.composite
def programs(draw: st.DrawFn) -> tuple[Expr, int]:
    """A program drawn from the numeric grammar over 1 to 3 columns."""
    arity = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    depth = draw(st.integers(1, 5))
    program = sample_program(
        GRAMMAR, arrow(*(REAL for _ in range(arity)), REAL), random.Random(seed), depth
    )
    assume(program is not None)
    assert program is not None
    return program, arity


def _columns(seed: int, arity: int, rows: int, scale: float = 3.0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    cols = [rng.uniform(-scale, scale, rows) for _ in range(arity)]
    for col in cols:
        col[rng.integers(rows)] = 0.0
    return cols


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-9) -> None:
    both = np.isfinite(a) & np.isfinite(b)
    np.testing.assert_allclose(a[both], b[both], rtol=rtol, atol=rtol)


@settings(max_examples=150, deadline=None)
@given(drawn=programs(), seed=st.integers(0, 1000))
def test_columns_agree_with_the_generic_interpreter_row_by_row(
    drawn: tuple[Expr, int], seed: int
) -> None:
    program, arity = drawn
    vp = VectorProgram(program, arity)
    cols = _columns(seed, arity, 16)
    ours = vp(cols, np.ones(vp.n_constants))
    compiled = Program(program, GRAMMAR.primitives)
    rows = [compiled.run(tuple(float(c[i]) for c in cols), LIMITS) for i in range(16)]
    theirs = np.array([np.nan if v is FAIL else v for v in rows], dtype=np.float64)
    _close(ours, theirs)
    # the generic run fails wherever the columns give nan (inf is a value in both); it
    # may fail on more rows: it stops at the first nan, where a comparison in the columns
    # is False (numpy's rule) and the branch it picks may still give a number
    assert np.all(np.isnan(theirs) >= np.isnan(ours))
    if not any(isinstance(n, Prim) and n.name == "lt" for n in program.walk()):
        assert np.array_equal(np.isnan(theirs), np.isnan(ours))


@settings(max_examples=150, deadline=None)
@given(drawn=programs(), seed=st.integers(0, 1000))
def test_constants_written_in_read_back_to_the_same_values(
    drawn: tuple[Expr, int], seed: int
) -> None:
    program, arity = drawn
    vp = VectorProgram(program, arity)
    rng = np.random.default_rng(seed)
    constants = rng.normal(0.0, 10.0, vp.n_constants) * rng.choice(
        [1e-7, 1.0, 1e12], vp.n_constants
    )
    cols = _columns(seed, arity, 16)
    written = vp.with_constants(constants)
    again = VectorProgram(parse(str(written)), arity)
    assert again.n_constants == 0
    assert again.complexity == vp.complexity
    np.testing.assert_array_equal(again(cols, np.zeros(0)), vp(cols, constants))


# a condition on constants alone inside a big (unfolded) program: sympy's Piecewise raised
_CONSTANT_CONDITION = parse(
    "(lam (mul (exp c) (if (lt (if (lt c c) (add c $0) (div $0 $0)) (mul (add c c) (exp c)))"
    " (add (tanh (div $0 $0)) (exp (sub c c))) (sin $0))))"
)


# x / x, which sympy makes 1 as it builds the form, read by a comparison at x = 0
_REMOVABLE = parse("(lam (if (lt (mul c $0) (div $0 $0)) (sub c (sin c)) (abs (sin $0))))")


# a condition on constants alone that compares nan (the log of a negative constant)
_NAN_CONDITION = parse(
    "(lam (if (lt (mul (cube (log c)) (log (cube c))) (neg (tanh c)))"
    " (div (div (add (max c c) (div $0 c)) (sub (neg c) (tanh $0))) (square c))"
    " (mul (cos (neg (sin c))) (div (div c (div c c)) (sin (max c c))))))"
)


@settings(max_examples=100, deadline=None)
@given(drawn=programs(), seed=st.integers(0, 1000))
@example(drawn=(_CONSTANT_CONDITION, 1), seed=0)
@example(drawn=(_REMOVABLE, 1), seed=0)
@example(drawn=(_NAN_CONDITION, 1), seed=0)
def test_the_sympy_form_gives_the_same_values(drawn: tuple[Expr, int], seed: int) -> None:
    """The same values, except in the rows where a column is 0 when the program divides:
    sympy simplifies as it builds the form (``x / x`` is 1), so it differs from numpy at
    such removable points (0 / 0 is nan, which ``lt`` reads as False)."""
    program, arity = drawn
    vp = VectorProgram(program, arity)
    rng = np.random.default_rng(seed)
    constants = rng.uniform(-2.0, 2.0, vp.n_constants)
    cols = _columns(seed, arity, 8)
    fn = sympy.lambdify(
        sympy.symbols(NAMES[:arity]), vp.sympy(NAMES[:arity], list(constants)), "numpy"
    )
    with np.errstate(all="ignore"):
        # one row at a time: lambdify's Min and Max do not broadcast a number with a column
        theirs = np.array([_real(fn(*(c[i] for c in cols))) for i in range(8)])
    rows = np.ones(8, dtype=bool)
    if "div" in str(program):
        rows = np.all([c != 0 for c in cols], axis=0)
    # sympy reorders sums and products as it builds them: equal up to rounding
    _close(vp(cols, constants)[rows], theirs[rows], rtol=1e-6)


def _real(value: object) -> float:
    """A lambdified value as a float: sympy folds numbers over the complex plane (the
    square root of a negative constant), where numpy gives nan."""
    z = complex(value)  # type: ignore[arg-type]
    return z.real if z.imag == 0 else np.nan


@settings(max_examples=150, deadline=None)
@given(drawn=programs(), seed=st.integers(0, 1000))
def test_batch_equals_one_call_per_set_of_constants(drawn: tuple[Expr, int], seed: int) -> None:
    program, arity = drawn
    vp = VectorProgram(program, arity)
    rng = np.random.default_rng(seed)
    sets = rng.normal(0.0, 3.0, (4, vp.n_constants))
    cols = _columns(seed, arity, 16, scale=1e3)
    many = vp.batch(cols, sets)
    assert many.shape == (4, 16)
    for i in range(4):
        np.testing.assert_array_equal(many[i], vp(cols, sets[i]))


def test_a_negative_square_root_in_sympy_is_nan_as_in_numpy_not_an_error() -> None:
    # numpy: sqrt(-2) is nan, nan < x is False, min(nan, x) is nan; sympy would make the
    # root imaginary and then refuse to compare it
    test = VectorProgram(parse("(lambda (if (lt (sqrt c) $0) (neg $0) $0))"), 1)
    assert str(test.sympy(["x"], [-2.0])) == "x"
    assert test([np.array([1.0, 4.0])], np.array([-2.0])).tolist() == [1.0, 4.0]
    smallest = VectorProgram(parse("(lambda (add $0 (min (sqrt c) $0)))"), 1)
    assert smallest.sympy(["x"], [-2.0]) is sympy.nan
    assert np.isnan(smallest([np.array([1.0])], np.array([-2.0]))).all()
