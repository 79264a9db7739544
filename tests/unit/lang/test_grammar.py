from __future__ import annotations

import math

import pytest

from metagrow.domains.lists import ListsDomain, list_primitives
from metagrow.lang import (
    BOOL,
    INT,
    T0,
    T1,
    Candidate,
    Context,
    Grammar,
    Invented,
    Prim,
    Primitive,
    Production,
    TVar,
    Var,
    arrow,
    make_curried,
    parse,
    parse_type,
    tlist,
)


@pytest.fixture(scope="module")
def g() -> Grammar:
    return ListsDomain().grammar()


def names(cands: list[Candidate]) -> set[str]:
    return {str(c.expr) for c in cands}


def total_probability(cands: list[Candidate]) -> float:
    return math.fsum(math.exp(c.log_prob) for c in cands)


def test_candidates_for_int_given_a_list(g: Grammar) -> None:
    cands = g.candidates(INT, Context(), (tlist(INT),))
    found = names(cands)
    # $0 is a list(int): it does not fit an int hole
    assert Var(0) not in {c.expr for c in cands}
    assert {"length", "sum", "max", "min", "head", "index", "+", "-", "*", "fold"} <= found
    assert {str(i) for i in range(6)} <= found
    assert not found & {"map", "filter", "cons", "empty", "true", "empty?", "eq?", "range"}
    assert total_probability(cands) == pytest.approx(1.0, abs=1e-9)
    assert g.min_cost(INT, Context(), (tlist(INT),)) == pytest.approx(-cands[0].log_prob)
    costs = [-c.log_prob for c in cands]
    assert costs == sorted(costs)


def test_candidate_argument_types(g: Grammar) -> None:
    cands = {str(c.expr): c for c in g.candidates(INT, Context(), (tlist(INT),))}
    assert cands["sum"].arguments == (tlist(INT),)
    assert cands["+"].arguments == (INT, INT)
    assert cands["3"].arguments == ()
    assert cands["head"].arguments == (tlist(INT),)
    length = cands["length"]
    (arg,) = length.arguments
    assert arg.is_polymorphic()  # list(t) for a fresh t
    (v,) = set(arg.free_vars())
    assert v < length.context.next_var


def test_a_variable_that_fits_is_a_candidate(g: Grammar) -> None:
    cands = g.candidates(INT, Context(), (INT, tlist(INT), INT))
    exprs = [c.expr for c in cands]
    assert Var(0) in exprs and Var(2) in exprs and Var(1) not in exprs
    assert total_probability(cands) == pytest.approx(1.0, abs=1e-9)
    by_expr = {c.expr: c for c in cands}
    # variables share the variable weight equally
    assert by_expr[Var(0)].log_prob == pytest.approx(by_expr[Var(2)].log_prob)


def test_a_function_variable_fits_its_return_type(g: Grammar) -> None:
    cands = g.candidates(BOOL, Context(), (arrow(INT, BOOL),))
    by_expr = {c.expr: c for c in cands}
    assert by_expr[Var(0)].arguments == (INT,)


def test_max_cost_drops_expensive_candidates(g: Grammar) -> None:
    every = g.candidates(INT, Context(), (tlist(INT),))
    cheapest = -every[0].log_prob
    bound = cheapest + 0.1
    cheap = g.candidates(INT, Context(), (tlist(INT),), max_cost=bound)
    assert cheap
    assert all(-c.log_prob < bound for c in cheap)
    assert len(cheap) == sum(1 for c in every if -c.log_prob < bound)
    assert len(cheap) < len(every)  # the constants weigh less
    assert g.candidates(INT, Context(), (tlist(INT),), max_cost=cheapest) == []


def test_no_candidate_means_infinite_min_cost() -> None:
    g = Grammar.uniform([Primitive("one", INT, 1)])
    assert g.candidates(BOOL, Context(), ()) == []
    assert g.min_cost(BOOL, Context(), ()) == math.inf
    assert g.min_cost(INT, Context(), ()) == pytest.approx(0.0)


def test_min_cost_goes_through_arrows(g: Grammar) -> None:
    request = parse_type("list(int) -> int")
    inner = g.candidates(INT, Context(), (tlist(INT),))
    assert g.min_cost(request, Context(), ()) == pytest.approx(-inner[0].log_prob)


def test_polymorphic_request_binds_the_callers_variable(g: Grammar) -> None:
    ctx = Context(3)
    cands = {str(c.expr): c for c in g.candidates(T1, ctx, ())}
    assert cands["0"].context.apply(T1) == INT
    assert cands["true"].context.apply(T1) == BOOL
    assert cands["empty"].context.apply(T1).constructors().__next__() == "list"
    assert total_probability(list(cands.values())) == pytest.approx(1.0, abs=1e-9)
    # the caller's context is unchanged
    assert ctx.apply(T1) == T1


def test_candidates_respect_the_callers_substitution(g: Grammar) -> None:
    ctx = Context(2).unify(T0, tlist(BOOL))
    cands = g.candidates(T0, ctx, ())
    found = names(cands)
    assert "empty" in found and "filter" in found
    assert "0" not in found and "true" not in found and "sum" not in found
    for c in cands:
        assert c.context.apply(T0) == tlist(BOOL)


def test_fresh_variables_do_not_clash_with_the_callers() -> None:
    g = ListsDomain().grammar()
    ctx = Context(10)
    env = (tlist(TVar(4)),)
    for _ in range(2):  # cold and warm cache
        cands = {str(c.expr): c for c in g.candidates(tlist(TVar(7)), ctx, env)}
        m = cands["map"]
        f_type, xs_type = m.arguments
        assert m.context.apply(f_type.returns()) == TVar(7)
        fresh = set(f_type.free_vars()) - {7}
        assert fresh and all(10 <= v < m.context.next_var for v in fresh)
        assert xs_type == tlist(f_type.arguments()[0])
        # $0 : list(t4) fits list(t7) by binding one variable to the other
        v0 = cands["$0"]
        assert v0.context.apply(TVar(4)) == v0.context.apply(TVar(7))


def test_same_shape_in_another_numbering_gives_the_same_candidates() -> None:
    g = ListsDomain().grammar()
    a = g.candidates(tlist(T0), Context(1), (T0,))
    b = g.candidates(tlist(TVar(5)), Context(6), (TVar(5),))
    assert [c.expr for c in a] == [c.expr for c in b]
    assert [c.log_prob for c in a] == [c.log_prob for c in b]
    for ca, cb in zip(a, b, strict=True):
        ta = ca.context.apply(arrow(*ca.arguments, tlist(T0))) if ca.arguments else None
        tb = cb.context.apply(arrow(*cb.arguments, tlist(TVar(5)))) if cb.arguments else None
        if ta is None:
            assert tb is None
        else:
            assert tb is not None
            assert len(set(ta.free_vars())) == len(set(tb.free_vars()))


def test_uniform_weights_and_unknown_weights() -> None:
    prims = list_primitives()
    g = Grammar.uniform(prims, {"1": -2.0})
    weights = {str(p.expr): p.log_weight for p in g.productions}
    assert weights["1"] == -2.0
    assert weights["map"] == 0.0
    assert len(g.productions) == len(prims)
    with pytest.raises(ValueError):
        Grammar.uniform(prims, {"no-such-primitive": 1.0})


def test_type_of(g: Grammar) -> None:
    assert g.type_of(Prim("length")) == arrow(tlist(T0), INT)
    with pytest.raises(KeyError):
        g.type_of(Prim("nope"))
    inc = Invented(parse("(lam (+ $0 1))"))
    g2 = g.with_productions(
        (*g.productions, Production(inc, arrow(INT, INT), -1.0)), g.log_variable
    )
    assert g2.type_of(inc) == arrow(INT, INT)
    with pytest.raises(KeyError):
        g.type_of(inc)
    cands = g2.candidates(INT, Context(), ())
    assert inc in {c.expr for c in cands}
    assert total_probability(cands) == pytest.approx(1.0, abs=1e-9)


def test_primitive_arity_and_validation() -> None:
    p = Primitive("add", arrow(INT, INT, INT), lambda a, b: a + b)
    assert p.arity == 2
    assert Primitive("one", INT, 1).arity == 0
    with pytest.raises(ValueError):
        Primitive("bad", arrow(INT, INT), 3)


def test_make_curried() -> None:
    add3 = make_curried(lambda a, b, c: a + 10 * b + 100 * c, 3)
    assert add3(1)(2)(3) == 321  # type: ignore[operator]
    partial = add3(1)  # type: ignore[operator]
    assert partial(2)(3) == 321
    assert partial(5)(0) == 51
    const = make_curried(lambda: 7, 0)
    assert const() == 7  # type: ignore[operator]


def test_sample_draws_as_rng_choices_over_the_candidates_would(g: Grammar) -> None:
    import random

    ctx = Context(3, {0: tlist(TVar(1))})
    env = (tlist(TVar(2)), INT)
    for request, leaves in ((TVar(0), False), (INT, False), (TVar(2), True), (BOOL, False)):
        cands = g.candidates(request, ctx, env)
        if leaves:
            cands = [c for c in cands if not c.arguments]
        mine, theirs = random.Random(7), random.Random(7)
        for _ in range(30):
            got = g.sample(request, ctx, env, mine, leaves_only=leaves)
            want = theirs.choices(cands, [math.exp(c.log_prob) for c in cands])[0]
            assert got == want
    assert Grammar.uniform([]).sample(INT, Context(), (), random.Random(0)) is None
