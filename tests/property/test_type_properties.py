from __future__ import annotations

import contextlib
import math

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import GRAMMAR, types

from metagrow.lang import (
    Candidate,
    Context,
    Grammar,
    TCon,
    TVar,
    Type,
    UnificationError,
    arrow,
    canonical,
    parse_type,
)

FAST = settings(max_examples=200, deadline=None)


@FAST
@given(types())
def test_types_round_trip_through_text(t: Type) -> None:
    text = str(t)
    assert parse_type(text) == t
    assert str(parse_type(text)) == text


@FAST
@given(types())
def test_canonical_is_idempotent_and_keeps_the_shape(t: Type) -> None:
    c = canonical(t)
    assert canonical(c) == c
    assert sorted(set(c.free_vars())) == list(range(len(set(t.free_vars()))))
    assert list(c.constructors()) == list(t.constructors())


def _unify(a: Type, b: Type) -> Context | None:
    try:
        return Context(10).unify(a, b)
    except UnificationError:
        return None


def _occurs_in(v: int, t: Type, ctx: Context) -> bool:
    return v in set(ctx.apply(t).free_vars())


@settings(max_examples=200, deadline=None)
@given(types(max_leaves=5), types(max_leaves=5))
def test_unification_is_symmetric_and_makes_types_equal(a: Type, b: Type) -> None:
    ab, ba = _unify(a, b), _unify(b, a)
    assert (ab is None) == (ba is None)
    if ab is not None and ba is not None:
        assert ab.apply(a) == ab.apply(b)
        assert ba.apply(a) == ba.apply(b)
        # the two unifiers are the same up to renaming of variables
        assert canonical(arrow(ab.apply(a), ab.apply(b))) == canonical(
            arrow(ba.apply(a), ba.apply(b))
        )
        # no variable is bound to a type containing itself
        for v, bound in ab.substitution.items():
            assert not _occurs_in(v, bound, ab)


@FAST
@given(types(max_leaves=5))
def test_a_type_unifies_with_itself_and_with_its_renaming(t: Type) -> None:
    ctx = _unify(t, t)
    assert ctx is not None
    assert ctx.apply(t) == t
    renamed, ctx2 = Context(20).instantiate(t)
    ctx3 = ctx2.unify(t, renamed)
    assert ctx3.apply(t) == ctx3.apply(renamed)


@FAST
@given(types(max_leaves=5), st.integers(0, 3))
def test_occurs_check(t: Type, v: int) -> None:
    wrapped = TCon("list", (t,))
    if v in set(t.free_vars()):
        assert _unify(TVar(v), wrapped) is None
        assert _unify(wrapped, TVar(v)) is None
    else:
        ctx = _unify(TVar(v), wrapped)
        assert ctx is not None
        assert ctx.apply(TVar(v)) == wrapped


# --- candidates against a direct reference computation ------------------------------


def _reference(
    g: Grammar, request: Type, ctx: Context, env: tuple[Type, ...]
) -> dict[str, tuple[float, Type]]:
    """For each fitting production or variable: its normalised log-probability and the
    joint type (request, arguments, env) after unification, canonical; computed directly
    with no caching or renaming."""
    request = ctx.apply(request)
    found: dict[str, tuple[float, Type]] = {}
    for prod in g.productions:
        t, c = ctx.instantiate(prod.type)
        try:
            c = c.unify(t.returns(), request)
        except UnificationError:
            continue
        found[str(prod.expr)] = (prod.log_weight, _joint(c, request, t.arguments(), env))
    fitting: list[tuple[str, Type]] = []
    for i, t in enumerate(env):
        t = ctx.apply(t)
        try:
            c = ctx.unify(t.returns(), request)
        except UnificationError:
            continue
        fitting.append((f"${i}", _joint(c, request, t.arguments(), env)))
    for name, joint in fitting:
        found[name] = (g.log_variable - math.log(len(fitting)), joint)
    if not found:
        return {}
    z = math.log(math.fsum(math.exp(w) for w, _ in found.values()))
    return {name: (w - z, joint) for name, (w, joint) in found.items()}


def _joint(c: Context, request: Type, args: tuple[Type, ...], env: tuple[Type, ...]) -> Type:
    return canonical(TCon("joint", tuple(c.apply(x) for x in (request, *args, *env))))


def _actual(cand: Candidate, request: Type, env: tuple[Type, ...]) -> Type:
    return _joint(cand.context, request, cand.arguments, env)


ground_or_var = types(max_var=3, max_leaves=3).filter(lambda t: not t.is_arrow())


@settings(max_examples=150, deadline=None)
@given(
    request=ground_or_var,
    env=st.lists(types(max_var=3, max_leaves=4), max_size=3).map(tuple),
    bindings=st.lists(st.tuples(st.integers(0, 3), types(max_var=3, max_leaves=3)), max_size=2),
)
def test_candidates_match_a_direct_computation(
    request: Type, env: tuple[Type, ...], bindings: list[tuple[int, Type]]
) -> None:
    ctx = Context(4)
    for v, t in bindings:
        with contextlib.suppress(UnificationError):
            ctx = ctx.unify(TVar(v), t)
    if ctx.apply(request).is_arrow():
        return
    expected = _reference(GRAMMAR, request, ctx, env)
    for _ in range(2):  # a cold and then a warm cache
        cands = GRAMMAR.candidates(request, ctx, env)
        got = {str(c.expr): c for c in cands}
        assert set(got) == set(expected)
        for name, c in got.items():
            lp, joint = expected[name]
            assert math.isclose(c.log_prob, lp, abs_tol=1e-9), name
            assert _actual(c, request, env) == joint, name
            # the caller's bindings survive, and fresh variables are really fresh
            assert c.context.next_var >= ctx.next_var
            for v in range(ctx.next_var):
                assert c.context.apply(ctx.apply(TVar(v))) == c.context.apply(TVar(v))
            for a in c.arguments:
                assert all(x < c.context.next_var for x in c.context.apply(a).free_vars())
        if cands:
            assert math.isclose(math.fsum(math.exp(c.log_prob) for c in cands), 1.0)
            costs = [-c.log_prob for c in cands]
            assert costs == sorted(costs)
            assert math.isclose(GRAMMAR.min_cost(request, ctx, env), costs[0])
