from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import GRAMMAR, LIMITS, has_type, programs, values_of

from metagrow.lang import (
    FAIL,
    Context,
    Expr,
    Invented,
    Type,
    beta_normal,
    check,
    compile_program,
    infer,
    inline_inventions,
    parse,
    show,
)

FAST = settings(max_examples=200, deadline=None)


@FAST
@given(programs())
def test_parse_of_show_is_the_same_object(built: tuple[Type, Expr]) -> None:
    _, e = built
    text = show(e)
    assert parse(text) is e
    assert show(parse(text)) == text
    assert parse(show(Invented(e))) is Invented(e)


@FAST
@given(programs())
def test_generated_programs_are_well_typed_for_their_request(built: tuple[Type, Expr]) -> None:
    request, e = built
    t = infer(e, GRAMMAR)
    # the request is an instance of the inferred (most general) type
    inferred, ctx = Context().instantiate(t)
    wanted, ctx = ctx.instantiate(request)
    ctx = ctx.unify(inferred, wanted)
    assert ctx.apply(inferred) == ctx.apply(wanted)
    check(e, GRAMMAR, request)
    # an invention of a closed program has the program's type
    assert infer(Invented(e), GRAMMAR) == t


@FAST
@given(programs())
def test_generated_programs_have_no_redexes_and_no_inventions(built: tuple[Type, Expr]) -> None:
    _, e = built
    assert beta_normal(e) is e
    assert inline_inventions(e) is e
    assert inline_inventions(Invented(e)) is e


@st.composite
def programs_with_inputs(draw: st.DrawFn) -> tuple[Type, Expr, list[tuple[object, ...]]]:
    request, e = draw(programs())
    inputs = [
        tuple(draw(values_of(a)) for a in request.arguments())
        for _ in range(draw(st.integers(1, 4)))
    ]
    return request, e, inputs


@settings(max_examples=150, deadline=None)
@given(programs_with_inputs())
def test_running_never_raises_and_returns_a_value_of_the_right_type(
    case: tuple[Type, Expr, list[tuple[object, ...]]],
) -> None:
    request, e, inputs = case
    p = compile_program(e, GRAMMAR.primitives)
    invented = compile_program(Invented(e), GRAMMAR.primitives)
    for args in inputs:
        start = time.perf_counter()
        result = p.run(args, LIMITS)
        assert time.perf_counter() - start < 1.0
        assert result is FAIL or has_type(result, request.returns()), (show(e), args, result)
        if result is FAIL:
            assert p.last_error
        # the program is pure: a second run and the same program as an invention agree
        again = p.run(args, LIMITS)
        as_invention = invented.run(args, LIMITS)
        if "time limit" not in p.last_error and "time limit" not in invented.last_error:
            assert again == result or (again is FAIL and result is FAIL)
            assert as_invention == result or (as_invention is FAIL and result is FAIL)
