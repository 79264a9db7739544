"""Primitives, grammars and the candidate productions for a requested type.

A :class:`Grammar` is a library with log-weights; it defines DreamCoder's distribution
over well-typed programs: at each hole of type ``t``, every production (or variable in
scope) whose return type unifies with ``t`` is a candidate, with probability proportional
to ``exp(log_weight)``.

A grammar may also be *contextual*: a table of weights per :data:`Slot` (parent production
and argument index) used in place of the unigram weights at holes of that slot; slots
without a row, and every grammar without a table, use the unigram weights.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import final

from metagrow.lang._expr import Expr, Invented, Prim, Var
from metagrow.lang._slots import VARIABLE_PARENT, Slot, SlotWeights
from metagrow.lang._types import (
    ARROW,
    Context,
    TCon,
    TVar,
    Type,
    UnificationError,
    canonicalize,
    decanonicalize,
)


@final
@dataclass(frozen=True, slots=True)
class Primitive:
    """A named, typed, pure function.

    ``value`` is the constant itself when the type is not an arrow, otherwise an
    uncurried Python callable taking one argument per arrow argument. A ``lazy``
    primitive (such as ``if``) receives zero-argument thunks instead of values; a
    ``commutative`` one of two arguments gives the same result with them swapped, which
    lets search skip mirrored programs. A ``fallback`` primitive was fitted to one task's
    train examples and generalises poorly: a program using it is an answer of last resort,
    ranked after every other solution, and finding one does not end the search early. A
    ``learned`` primitive (a trained module) was made by learning, not by the domain: it
    belongs to the library and travels with it (:class:`~metagrow.lang.GrammarSpec`).
    """

    name: str
    type: Type
    value: object
    lazy: bool = False
    commutative: bool = False
    fallback: bool = False
    learned: bool = False

    @property
    def arity(self) -> int:
        return len(self.type.arguments())

    def __post_init__(self) -> None:
        if self.arity and not callable(self.value):
            raise ValueError(f"primitive {self.name!r} has an arrow type but no callable")


@final
@dataclass(frozen=True, slots=True)
class Production:
    """One choice at a hole: a primitive or invention, its type, its log-weight, and the
    name it is printed and stored under."""

    expr: Expr
    type: Type
    log_weight: float = 0.0
    name: str = ""

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return self.expr.name if isinstance(self.expr, Prim) else str(self.expr)


@final
@dataclass(frozen=True, slots=True)
class Candidate:
    """A production that fits a requested type: its normalised log-probability, the types
    of the arguments it still needs (in the returned context), and that context."""

    log_prob: float
    expr: Expr
    arguments: tuple[Type, ...]
    context: Context


_Shaped = tuple[float, Expr, tuple[Type, ...], tuple[tuple[int, Type], ...], int]
"""A cached candidate: log-prob, expression, argument types, bindings of the request's
variables, and how many fresh variables it introduced, all in canonical numbering."""

_Fit = tuple[int, Expr, tuple[Type, ...], tuple[tuple[int, Type], ...], int]
"""The same before weighing: the production's index (-1 for a variable) in place of the
log-prob."""


@final
@dataclass(frozen=True)
class Grammar:
    """Primitives (by name) plus productions with log-weights, and the log-weight shared
    by the variables in scope; ``contextual`` optionally gives other weights per slot."""

    primitives: Mapping[str, Primitive]
    productions: tuple[Production, ...]
    log_variable: float = 0.0
    contextual: Mapping[Slot, SlotWeights] = field(default_factory=dict)
    _cache: dict[tuple[Slot | None, Type, tuple[Type, ...]], list[_Shaped]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )
    _fits: dict[tuple[Type, tuple[Type, ...]], list[_Fit]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )
    _by_return: dict[str | None, list[tuple[int, Production]]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )
    _parents: dict[Expr, str] = field(default_factory=dict, repr=False, compare=False, hash=False)
    _heads: dict[tuple[Slot | None, Type, tuple[Type, ...]], dict[Expr, float]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        n = len(self.productions)
        for slot, row in self.contextual.items():
            if len(row.weights) != n:
                raise ValueError(f"slot {slot}: {len(row.weights)} weights for {n} productions")

    @staticmethod
    def uniform(
        primitives: Iterable[Primitive], weights: Mapping[str, float] | None = None
    ) -> Grammar:
        """A grammar over ``primitives``; ``weights`` gives log-weights by name (default 0)."""
        prims = {p.name: p for p in primitives}
        weights = weights or {}
        unknown = set(weights) - set(prims)
        if unknown:
            raise ValueError(f"weights for unknown primitives: {sorted(unknown)}")
        productions = tuple(
            Production(Prim(p.name), p.type, weights.get(p.name, 0.0), p.name)
            for p in prims.values()
        )
        return Grammar(prims, productions)

    def with_productions(self, productions: Iterable[Production], log_variable: float) -> Grammar:
        """These productions and variable weight, without any contextual table."""
        return Grammar(self.primitives, tuple(productions), log_variable)

    def with_contextual(self, table: Mapping[Slot, SlotWeights]) -> Grammar:
        """This grammar with ``table`` as its contextual weights (empty: unigram only)."""
        return Grammar(self.primitives, self.productions, self.log_variable, dict(table))

    def slot_key(self, slot: Slot | None) -> Slot | None:
        """``slot`` if the table has a row for it, else ``None`` (the unigram weights)."""
        return slot if slot is not None and slot in self.contextual else None

    def parent_name(self, head: Expr) -> str:
        """The parent label that the arguments of ``head`` (a production or a variable)
        have in their slots."""
        names = self._parents
        if not names:
            names.update((p.expr, p.label) for p in self.productions)
        return names.get(head, VARIABLE_PARENT)

    def with_primitive(self, primitive: Primitive, log_weight: float = 0.0) -> Grammar:
        """This grammar plus one primitive; ``ValueError`` if the name is taken."""
        if primitive.name in self.primitives:
            raise ValueError(f"a primitive named {primitive.name!r} already exists")
        added = Production(Prim(primitive.name), primitive.type, log_weight, primitive.name)
        table = {
            slot: SlotWeights((*row.weights, log_weight), row.log_variable)
            for slot, row in self.contextual.items()
        }
        return Grammar(
            {**self.primitives, primitive.name: primitive},
            (*self.productions, added),
            self.log_variable,
            table,
        )

    def invention_names(self) -> dict[Expr, str]:
        """Library name of every invention, for printing programs that use them."""
        return {p.expr: p.name for p in self.productions if isinstance(p.expr, Invented)}

    def show(self, e: Expr) -> str:
        """``e`` as text, inventions by their library names."""
        from metagrow.lang._sexpr import show

        return show(e, self.invention_names())

    def parse(self, text: str) -> Expr:
        """A program from text that may name this grammar's inventions."""
        from metagrow.lang._sexpr import parse

        return parse(text, {name: e for e, name in self.invention_names().items()})

    def type_of(self, e: Prim | Invented) -> Type:
        if isinstance(e, Prim):
            p = self.primitives.get(e.name)
            if p is None:
                raise KeyError(e.name)
            return p.type
        for prod in self.productions:
            if prod.expr is e:
                return prod.type
        raise KeyError(str(e))

    def candidates(
        self,
        request: Type,
        context: Context,
        env: tuple[Type, ...],
        max_cost: float = math.inf,
        slot: Slot | None = None,
    ) -> list[Candidate]:
        """Every production or variable whose return type unifies with ``request``, best
        first, with log-probabilities normalised over them (under the weights of ``slot``
        when the contextual table has them); only those cheaper than ``max_cost`` nats are
        returned. ``request`` is not an arrow.

        Results are computed once per slot and shape of ``(request, env)`` (variables
        renamed canonically) and moved into the caller's context.
        """
        cached, names, _ = self._lookup(context.apply(request), context, env, slot)
        out: list[Candidate] = []
        if not names:
            for lp, e, args, _, n in cached:
                if -lp >= max_cost:
                    break
                out.append(_relocate_ground(lp, e, args, n, context))
            return out
        back = [TVar(v) for v in names]
        for c in cached:
            if -c[0] >= max_cost:
                break
            out.append(_relocate(c, back, context))
        return out

    def sample(
        self,
        request: Type,
        context: Context,
        env: tuple[Type, ...],
        rng: random.Random,
        leaves_only: bool = False,
    ) -> Candidate | None:
        """One candidate drawn by its probability among :meth:`candidates` (those without
        arguments when ``leaves_only``), the same draw ``rng.choices`` would make from that
        list; ``None`` if nothing fits. Only the drawn candidate is moved into ``context``."""
        cached, names, _ = self._lookup(context.apply(request), context, env, None)
        pool = [c for c in cached if not c[2]] if leaves_only else cached
        if not pool:
            return None
        c = rng.choices(pool, [math.exp(c[0]) for c in pool])[0]
        if not names:
            return _relocate_ground(c[0], c[1], c[2], c[4], context)
        return _relocate(c, [TVar(v) for v in names], context)

    def min_cost(
        self, request: Type, context: Context, env: tuple[Type, ...], slot: Slot | None = None
    ) -> float:
        """The cost in nats of the cheapest candidate for a hole of type ``request``
        (through any arrows, as enumeration would fill it), infinite if none fits.

        It bounds from below every program that fills this hole *in this context*; a
        later context that binds more variables may make candidates cheaper.
        """
        request = context.apply(request)
        while isinstance(request, TCon) and request.name == ARROW:
            env = (request.args[0], *env)
            request = context.apply(request.args[1])
        cached, _, _ = self._lookup(request, context, env, slot)
        return -cached[0][0] if cached else math.inf

    def log_prob(
        self,
        head: Expr,
        request: Type,
        context: Context,
        env: tuple[Type, ...],
        slot: Slot | None = None,
    ) -> float | None:
        """The normalised log-probability of ``head`` (a production's expression or a
        variable) among :meth:`candidates` for this hole, ``None`` if it is not one of
        them: what :func:`metagrow.lang.log_prior` adds up, for one hole in a lookup."""
        cached, _, key = self._lookup(context.apply(request), context, env, slot)
        heads = self._heads.get(key)
        if heads is None:
            heads = {c[1]: c[0] for c in cached}
            self._heads[key] = heads
        return heads.get(head)

    def _lookup(
        self, request: Type, context: Context, env: tuple[Type, ...], slot: Slot | None
    ) -> tuple[list[_Shaped], dict[int, int], tuple[Slot | None, Type, tuple[Type, ...]]]:
        names: dict[int, int] = {}
        key = (
            self.slot_key(slot),
            canonicalize(request, names),
            tuple(canonicalize(context.apply(t), names) for t in env),
        )
        cached = self._cache.get(key)
        if cached is None:
            cached = self._weigh(self._shape(key[1], key[2], len(names)), key[0])
            self._cache[key] = cached
        return cached, names, key

    def _shape(self, request: Type, env: tuple[Type, ...], k: int) -> list[_Fit]:
        """What fits a hole shape, whatever the weights: computed once for all slots."""
        shape = (request, env)
        known = self._fits.get(shape)
        if known is not None:
            return known
        out: list[_Fit] = []
        for index, expr, args, ctx in self._fitting(request, Context(k), env):
            bindings = tuple((v, b) for v in range(k) if (b := ctx.apply(TVar(v))) != TVar(v))
            out.append((index, expr, args, bindings, ctx.next_var - k))
        self._fits[shape] = out
        return out

    def _weigh(self, fits: list[_Fit], slot: Slot | None) -> list[_Shaped]:
        """``fits`` with log-probabilities under the weights of ``slot``, best first."""
        if not fits:
            return []
        row = self.contextual[slot] if slot is not None else None
        log_variable = self.log_variable if row is None else row.log_variable
        weights = [p.log_weight for p in self.productions] if row is None else row.weights
        variables = sum(f[0] < 0 for f in fits)
        share = log_variable - math.log(variables) if variables else 0.0
        found = [weights[f[0]] if f[0] >= 0 else share for f in fits]
        z = _logsumexp(found)
        out = [(w - z, e, a, b, n) for w, (_, e, a, b, n) in zip(found, fits, strict=True)]
        out.sort(key=lambda c: -c[0])
        return out

    def _could_return(self, request: Type) -> tuple[tuple[int, Production], ...]:
        """Productions (with their indices) whose return type has ``request``'s outer
        constructor, or is open."""
        if not isinstance(request, TCon):
            return tuple(enumerate(self.productions))
        index = self._by_return
        if not index:
            for i, prod in enumerate(self.productions):
                ret = prod.type.returns()
                head = ret.name if isinstance(ret, TCon) else None
                index.setdefault(head, []).append((i, prod))
        return (*index.get(request.name, ()), *index.get(None, ()))

    def _fitting(
        self, request: Type, context: Context, env: tuple[Type, ...]
    ) -> list[tuple[int, Expr, tuple[Type, ...], Context]]:
        """Productions (by index) then variables (index -1) that fit ``request``, with
        the types of their arguments and the context unification leaves."""
        found: list[tuple[int, Expr, tuple[Type, ...], Context]] = []
        for i, prod in self._could_return(request):
            t, ctx = context.instantiate(prod.type)
            try:
                ctx = ctx.unify(t.returns(), request)
            except UnificationError:
                continue
            found.append((i, prod.expr, tuple(ctx.apply(a) for a in t.arguments()), ctx))
        for i, t in enumerate(env):
            try:
                ctx = context.unify(t.returns(), request)
            except UnificationError:
                continue
            found.append((-1, Var(i), tuple(ctx.apply(a) for a in t.arguments()), ctx))
        return found


def _relocate_ground(
    log_prob: float, e: Expr, args: tuple[Type, ...], fresh: int, context: Context
) -> Candidate:
    if fresh == 0:
        return Candidate(log_prob, e, args, context)
    offset = context.next_var
    moved = tuple(decanonicalize(a, (), offset) for a in args)
    return Candidate(log_prob, e, moved, Context(offset + fresh, context.substitution))


def _relocate(c: _Shaped, back: list[TVar], context: Context) -> Candidate:
    """Move a cached candidate into ``context``: canonical variable ``i`` below
    ``len(back)`` is the caller's ``back[i]``; the rest become fresh variables."""
    log_prob, e, args, bindings, fresh = c
    offset = context.next_var
    moved = tuple(decanonicalize(a, back, offset) for a in args)
    sub = context.substitution
    if bindings:
        sub = dict(sub)
        for v, b in bindings:
            sub[back[v].id] = decanonicalize(b, back, offset)
    return Candidate(log_prob, e, moved, Context(offset + fresh, sub))


def _logsumexp(xs: list[float]) -> float:
    m = max(xs)
    return m + math.log(sum(math.exp(x - m) for x in xs))


def make_curried(fn: Callable[..., object], arity: int) -> object:
    """``fn`` taking ``arity`` arguments as nested one-argument functions."""
    if arity == 0:
        return fn

    def collect(got: tuple[object, ...]) -> object:
        if len(got) == arity:
            return fn(*got)
        return lambda x: collect((*got, x))

    return collect(())
