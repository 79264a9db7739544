"""Hypothesis strategies for the language core: random types and random well-typed
programs of the lists grammar, built top-down the way enumeration builds them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from metagrow.domains.lists import ListsDomain
from metagrow.lang import (
    BOOL,
    INT,
    Context,
    Expr,
    Grammar,
    Lam,
    TCon,
    TVar,
    Type,
    apply,
    parse_type,
)

GRAMMAR: Grammar = ListsDomain().grammar()
LIMITS = ListsDomain().limits()

REQUESTS: tuple[Type, ...] = tuple(
    parse_type(t)
    for t in (
        "list(int) -> list(int)",
        "list(int) -> int",
        "int -> int",
        "list(int) -> bool",
        "int -> list(int)",
        "list(int) -> int -> list(int)",
        "list(int) -> list(list(int))",
    )
)

Draw = Callable[[st.SearchStrategy[Any]], Any]


# --- types ---------------------------------------------------------------------------


def types(max_var: int = 3, max_leaves: int = 8) -> st.SearchStrategy[Type]:
    """Random types over int, bool, list(.), pair(., .), arrows and t0..t<max_var>."""
    leaves: st.SearchStrategy[Type] = st.one_of(
        st.sampled_from([INT, BOOL]),
        st.integers(0, max_var).map(TVar),
    )

    def extend(inner: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
        return st.one_of(
            inner.map(lambda t: TCon("list", (t,))),
            st.tuples(inner, inner).map(lambda ab: TCon("pair", ab)),
            st.tuples(inner, inner).map(lambda ab: TCon("->", ab)),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


# --- programs ------------------------------------------------------------------------


def _build(
    draw: Draw, g: Grammar, request: Type, ctx: Context, env: tuple[Type, ...], depth: int
) -> tuple[Context, Expr]:
    request = ctx.apply(request)
    if request.is_arrow():
        arg, result = request.args  # type: ignore[attr-defined]
        ctx, body = _build(draw, g, result, ctx, (arg, *env), depth)
        return ctx, Lam(body)
    cands = g.candidates(request, ctx, env)
    if depth <= 0:
        cands = [c for c in cands if not c.arguments]
    if not cands:
        reject()
    c = cands[draw(st.integers(0, len(cands) - 1))]
    ctx = c.context
    args: list[Expr] = []
    for a in c.arguments:
        ctx, x = _build(draw, g, a, ctx, env, depth - 1)
        args.append(x)
    return ctx, apply(c.expr, *args)


@st.composite
def programs(
    draw: Draw,
    grammar: Grammar = GRAMMAR,
    requests: st.SearchStrategy[Type] = st.sampled_from(REQUESTS),  # noqa: B008
    max_depth: int = 3,
) -> tuple[Type, Expr]:
    """A request type and a closed program built for it: every node is a candidate of
    ``grammar`` for its hole, so the program is well typed by construction."""
    request = draw(requests)
    depth = draw(st.integers(0, max_depth))
    inst, ctx = Context().instantiate(request)
    _, e = _build(draw, grammar, inst, ctx, (), depth)
    return request, e


# --- values --------------------------------------------------------------------------

small_ints = st.integers(-5, 9)
small_lists = st.lists(small_ints, max_size=6).map(tuple)


def values_of(t: Type) -> st.SearchStrategy[object]:
    """Small random values of a ground type of the lists domain."""
    if t == INT:
        return small_ints
    if t == BOOL:
        return st.booleans()
    if isinstance(t, TCon) and t.name == "list":
        return st.lists(values_of(t.args[0]), max_size=6).map(tuple)
    raise ValueError(f"no values for {t}")


def has_type(value: object, t: Type) -> bool:
    """Whether a result of the interpreter is a value of the ground type ``t``."""
    if t == INT:
        return type(value) is int
    if t == BOOL:
        return type(value) is bool
    if isinstance(t, TCon) and t.name == "list":
        return isinstance(value, tuple) and all(has_type(v, t.args[0]) for v in value)
    raise ValueError(f"cannot check values of {t}")
