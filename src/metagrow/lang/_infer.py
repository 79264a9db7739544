"""Type inference for programs against a grammar (Hindley-Milner without let)."""

from __future__ import annotations

from metagrow.lang._expr import App, Expr, Hole, Invented, Lam, Prim, Var
from metagrow.lang._grammar import Grammar
from metagrow.lang._types import Context, Type, UnificationError, arrow, canonical


class ProgramTypeError(ValueError):
    """A program that is ill-typed or names an unknown primitive."""


def infer(e: Expr, grammar: Grammar) -> Type:
    """The most general type of the closed program ``e``, variables numbered from 0."""
    ctx, t = _infer(e, grammar, Context(), ())
    return canonical(ctx.apply(t))


def check(e: Expr, grammar: Grammar, request: Type) -> None:
    """Raise :class:`ProgramTypeError` unless ``e`` can have type ``request``."""
    ctx, t = _infer(e, grammar, Context(), ())
    wanted, ctx = ctx.instantiate(request)
    try:
        ctx.unify(t, wanted)
    except UnificationError as err:
        raise ProgramTypeError(
            f"program has type {canonical(ctx.apply(t))}, not {request}"
        ) from err


def _infer(e: Expr, g: Grammar, ctx: Context, env: tuple[Type, ...]) -> tuple[Context, Type]:
    if isinstance(e, Var):
        if e.index >= len(env):
            raise ProgramTypeError(f"variable ${e.index} is not bound by any lam")
        return ctx, env[e.index]
    if isinstance(e, Prim):
        p = g.primitives.get(e.name)
        if p is None:
            raise ProgramTypeError(f"unknown primitive {e.name!r}")
        t, ctx = ctx.instantiate(p.type)
        return ctx, t
    if isinstance(e, Invented):
        inner, body_t = _infer(e.body, g, Context(), ())
        t, ctx = ctx.instantiate(canonical(inner.apply(body_t)))
        return ctx, t
    if isinstance(e, Lam):
        a, ctx = ctx.fresh()
        ctx, b = _infer(e.body, g, ctx, (a, *env))
        return ctx, arrow(a, b)
    if isinstance(e, App):
        ctx, tf = _infer(e.f, g, ctx, env)
        ctx, tx = _infer(e.x, g, ctx, env)
        r, ctx = ctx.fresh()
        try:
            ctx = ctx.unify(tf, arrow(tx, r))
        except UnificationError as err:
            raise ProgramTypeError(
                f"cannot apply {e.f} : {canonical(ctx.apply(tf))} to {e.x} : "
                f"{canonical(ctx.apply(tx))}"
            ) from err
        return ctx, r
    if isinstance(e, Hole):
        if e.type is not None:
            t, ctx = ctx.instantiate(e.type)
            return ctx, t
        v, ctx = ctx.fresh()
        return ctx, v
    raise ProgramTypeError(f"not a program node: {e!r}")
