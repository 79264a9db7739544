"""The typed positions of a program: where evolution may cut, graft and mutate.

A site is a node that fills a hole of non-arrow type, as top-down enumeration fills it
(a production or variable applied to all its arguments; the arguments of a function type
are ``lam`` nodes whose bodies are sites). Each site knows its type and the types of the
variables in scope, after inference over the whole program; a subprogram may replace it
when it has that type in that scope. A program the walk cannot type this way (ill-typed,
not eta-long, or using a production the grammar lacks) has no sites: the grammar cannot
produce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from metagrow.lang import (
    ROOT,
    App,
    Context,
    Expr,
    Grammar,
    Lam,
    Slot,
    TCon,
    Type,
    UnificationError,
    Var,
    argument_order,
    canonicalize,
    spine,
)

Path = tuple[int, ...]
"""Steps from the root: ``0`` into a ``lam``'s body, ``1`` to an application's function,
``2`` to its argument."""
_BODY, _FUNCTION, _ARGUMENT = 0, 1, 2


@final
@dataclass(frozen=True, slots=True)
class Site:
    """A position of a program: the subprogram there, its type and the variables' types
    in scope (``$0`` first; type variables numbered jointly, from 0), and how many
    arguments its head takes."""

    path: Path
    expr: Expr
    type: Type
    env: tuple[Type, ...]
    arity: int


class _Untypable(Exception):
    pass


@final
@dataclass(frozen=True, slots=True)
class Typing:
    """A program's sites, parents before children, and its log-prior under the grammar
    (nats, as :func:`metagrow.lang.log_prior` gives it)."""

    sites: tuple[Site, ...]
    log_prior: float


@final
class Typer:
    """Types programs against a grammar at one request; a program's prior costs a
    lookup per node (:meth:`Grammar.log_prob`)."""

    def __init__(self, grammar: Grammar, request: Type) -> None:
        self.grammar = grammar
        self.request = request
        self.types: dict[Expr, Type] = {p.expr: p.type for p in grammar.productions}

    def __call__(self, program: Expr) -> Typing | None:
        """The sites and prior of ``program``; ``None`` if the grammar cannot produce it."""
        used = list(self.request.free_vars())
        found: list[tuple[Path, Expr, Type, tuple[Type, ...], int]] = []
        prior = [0.0]
        ctx = Context(max(used, default=-1) + 1)
        try:
            ctx = self._walk(program, self.request, ctx, (), (), ROOT, found, prior)
        except (_Untypable, UnificationError):
            return None
        out = []
        for path, e, t, env, arity in found:
            names: dict[int, int] = {}
            ct = canonicalize(ctx.apply(t), names)
            cenv = tuple(canonicalize(ctx.apply(x), names) for x in env)
            out.append(Site(path, e, ct, cenv, arity))
        return Typing(tuple(out), prior[0])

    def _walk(
        self,
        e: Expr,
        request: Type,
        ctx: Context,
        env: tuple[Type, ...],
        path: Path,
        slot: Slot,
        out: list[tuple[Path, Expr, Type, tuple[Type, ...], int]],
        prior: list[float],
    ) -> Context:
        request = ctx.apply(request)
        if isinstance(request, TCon) and request.is_arrow():
            if not isinstance(e, Lam):
                raise _Untypable
            arg, ret = request.args
            return self._walk(e.body, ret, ctx, (arg, *env), (*path, _BODY), slot, out, prior)
        head, args = spine(e)
        prior[0] += self._log_prob(head, request, ctx, env, slot)
        if isinstance(head, Var):
            t = ctx.apply(env[head.index])
        else:
            t, ctx = ctx.instantiate(self.types[head])
        params = t.arguments()
        if len(params) != len(args):
            raise _Untypable
        ctx = ctx.unify(t.returns(), request)
        out.append((path, e, request, env, len(args)))
        n, parent = len(args), self.grammar.parent_name(head)
        for i in argument_order(params):
            step = (*path, *(_FUNCTION,) * (n - 1 - i), _ARGUMENT)
            ctx = self._walk(args[i], params[i], ctx, env, step, (parent, i), out, prior)
        return ctx

    def _log_prob(
        self, head: Expr, request: Type, ctx: Context, env: tuple[Type, ...], slot: Slot
    ) -> float:
        """The log-probability of ``head`` among the candidates for this hole (a head
        that is no candidate makes the program one the grammar cannot produce)."""
        lp = self.grammar.log_prob(head, request, ctx, env, slot)
        if lp is None:
            raise _Untypable
        return lp


def replace_at(e: Expr, path: Path, new: Expr, k: int = 0) -> Expr:
    """``e`` with the node at ``path`` replaced by ``new``."""
    if k == len(path):
        return new
    step = path[k]
    if isinstance(e, Lam) and step == _BODY:
        return Lam(replace_at(e.body, path, new, k + 1))
    if isinstance(e, App) and step == _FUNCTION:
        return App(replace_at(e.f, path, new, k + 1), e.x)
    if isinstance(e, App) and step == _ARGUMENT:
        return App(e.f, replace_at(e.x, path, new, k + 1))
    raise ValueError(f"no node at {path} in {e}")


def free_variables(e: Expr, cache: dict[Expr, frozenset[int]]) -> frozenset[int]:
    """The de Bruijn indices free in ``e`` (as seen from its root)."""
    known = cache.get(e)
    if known is not None:
        return known
    if isinstance(e, Var):
        out = frozenset((e.index,))
    elif isinstance(e, Lam):
        out = frozenset(i - 1 for i in free_variables(e.body, cache) if i > 0)
    elif isinstance(e, App):
        out = free_variables(e.f, cache) | free_variables(e.x, cache)
    else:
        out = frozenset()
    cache[e] = out
    return out
