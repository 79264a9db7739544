"""A program exported to Python gives the same outputs, and fails on the same inputs, as
the interpreter: for random well-typed programs of the lists and numeric domains."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from types import ModuleType

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import GRAMMAR, LIMITS, programs, values_of

from metagrow.domains.numeric import REAL, NumericDomain
from metagrow.export import to_python
from metagrow.lang import FAIL, Expr, Grammar, Limits, Program, Type, arrow, sample_program
from metagrow.testing import exported_outcome, load_exported

NUMERIC = NumericDomain()
_TEMP = tempfile.TemporaryDirectory(prefix="metagrow-export-")  # removed at exit
_DIR = Path(_TEMP.name)


def exported(expr: Expr, request: Type, grammar: Grammar, limits: Limits) -> ModuleType:
    """The exported module of ``expr``, loaded (once per program)."""
    return load_exported(to_python(expr, request, grammar, limits), _DIR)


@settings(max_examples=300, deadline=None)
@given(drawn=programs(), data=st.data())
def test_lists_programs_run_alike(drawn: tuple[Type, Expr], data: st.DataObject) -> None:
    request, expr = drawn
    module = exported(expr, request, GRAMMAR, LIMITS)
    program = Program(expr, GRAMMAR.primitives)
    for _ in range(3):
        args = tuple(data.draw(values_of(t)) for t in request.arguments())
        want = program.run(args, LIMITS)
        assert exported_outcome(module, args) == want, (str(expr), args, program.last_error)


@st.composite
def numeric_programs(draw: st.DrawFn) -> tuple[Expr, int]:
    arity = draw(st.integers(1, 3))
    depth = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    request = arrow(*(REAL for _ in range(arity)), REAL)
    program = sample_program(NUMERIC.grammar(), request, random.Random(seed), depth)
    assume(program is not None)
    assert program is not None
    return program, arity


reals = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e300, -1e300, 1e-300]),
    st.floats(-10.0, 10.0),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300, deadline=None)
@given(drawn=numeric_programs(), data=st.data())
def test_numeric_programs_run_alike(drawn: tuple[Expr, int], data: st.DataObject) -> None:
    expr, arity = drawn
    grammar, limits = NUMERIC.grammar(), NUMERIC.limits()
    request = arrow(*(REAL for _ in range(arity)), REAL)
    module = exported(expr, request, grammar, limits)
    program = Program(expr, grammar.primitives)
    for _ in range(3):
        args = tuple(data.draw(reals) for _ in range(arity))
        want = program.run(args, limits)
        got = exported_outcome(module, args)
        assert got == want or (
            got is not FAIL and want is not FAIL and got != got and want != want
        ), (
            str(expr),
            args,
        )
