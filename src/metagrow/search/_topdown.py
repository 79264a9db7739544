"""Top-down, type-directed enumeration in order of grammar probability.

DreamCoder's scheme: programs whose description length (``-log prior``) falls in a
band ``[lo, lo + step)`` are enumerated, then the band moves up, so that programs come
out in approximately decreasing probability, in cost order within a band. A band
predicted not to finish in the time left (the previous band's seconds times ``growth``,
at least ``exp(step)`` and the largest ratio seen between bands) is instead checked in
the order its programs are built, so that a search cut short by its budget has checked
what it built rather than losing the unfinished band. Under a program budget every band
is enumerated in cost order, so the programs tried do not depend on timing.

Two things make it fast in Python. A hole whose type and environment contain no type
variables can be filled without touching the rest of the program, so its fillings are
computed once per ``(type, environment)`` and cost bound and then shared (dynamic
programming over holes). And a partial program is dropped as soon as the cheapest way
to fill its remaining holes would exceed the band. Arguments that are not functions
are filled first, so that ``(map f xs)`` knows the element type of ``xs`` when it
builds ``f``; the probability of a program does not depend on that order.

Under a contextual grammar every hole also knows its slot (parent production, argument
index) and is filled with that slot's weights; shared fillings are then keyed by the
slot as well (slots without their own weights share the unigram ones).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterator
from typing import final

from metagrow.lang import (
    ROOT,
    Context,
    Expr,
    Grammar,
    Lam,
    Slot,
    Task,
    TCon,
    TVar,
    Type,
    apply,
    canonicalize,
    decanonicalize,
)
from metagrow.search._budget import Budget, Progress
from metagrow.search._check import ExampleChecker
from metagrow.search._engine import Engine, Solution

_Found = tuple[float, Context, Expr]
_Key = tuple[Slot | None, Type, tuple[Type, ...]]


@final
class TopDownEnumerator(Engine):
    """Best-first enumeration by grammar probability, widening the band by ``step`` nats.

    ``max_cost`` bounds the description length searched.
    """

    name = "topdown"

    def __init__(self, step: float = 1.5, max_cost: float = 60.0) -> None:
        if step <= 0 or max_cost <= 0:
            raise ValueError("step and max_cost must be positive")
        self.step = step
        self.max_cost = max_cost

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        progress = progress or Progress()
        progress.begin(budget)
        checker = ExampleChecker(task, grammar, budget.run_limits, progress)
        limit = budget.programs
        run = _Run(grammar, progress)
        root = grammar.slot_key(ROOT)
        lo, took, growth = 0.0, 0.0, math.exp(self.step)
        while lo < self.max_cost and not run.out_of_time():
            hi = lo + self.step
            started = progress.elapsed
            # a band predicted not to finish in time is checked as it is built; under a
            # program budget the order stays the grammar's alone, so runs repeat exactly
            late = limit is None and took * growth > progress.remaining()
            band = run.stream if late else run.expr
            try:
                for cost, _, expr in band(task.request, Context(), (), lo, hi, root):
                    if run.out_of_time() or (
                        limit is not None and progress.programs_tried >= limit
                    ):
                        return
                    progress.programs_tried += 1
                    if checker.accepts(expr):
                        yield Solution(expr, -cost, 1.0, progress.elapsed, progress.programs_tried)
            except _OutOfTime:
                return
            lo, last, took = hi, took, progress.elapsed - started
            if last > _TIMED:
                growth = max(growth, took / last)

    def programs(
        self,
        grammar: Grammar,
        request: Type,
        lo: float,
        hi: float,
        progress: Progress | None = None,
    ) -> Iterator[_Found]:
        """Every program of type ``request`` with description length in ``[lo, hi)``,
        cheapest first; with a ``progress``, none once its deadline has passed."""
        run = _Run(grammar, progress or Progress())
        try:
            yield from run.expr(request, Context(), (), lo, hi, grammar.slot_key(ROOT))
        except _OutOfTime:
            return


class _OutOfTime(Exception):
    pass


_Filling = tuple[Expr, tuple[tuple[int, Type], ...], int]
"""A way to fill a hole: the program, what it binds the hole's type variables to
(canonical numbering), and how many fresh variables those bindings mention."""


@final
class _Run:
    """One enumeration: the grammar and the table of fillings per hole shape."""

    def __init__(self, grammar: Grammar, progress: Progress) -> None:
        self.g = grammar
        self.progress = progress
        self.table: dict[_Key, tuple[float, list[float], list[_Filling]]] = {}
        self.open: dict[_Key, float] = {}
        self.stored = 0  # fillings held in the table
        self.slots: dict[tuple[Expr, int], tuple[Slot | None, ...]] = {}

    def out_of_time(self) -> bool:
        """Whether the budget is spent, keeping back the time freeing the table will take."""
        return self.progress.remaining() <= self.stored * _FREE_SECONDS

    def slots_of(self, head: Expr, n: int) -> tuple[Slot | None, ...]:
        """The slots of ``head``'s ``n`` arguments, ``None`` where the unigram weights
        apply (always, for a grammar without a contextual table)."""
        known = self.slots.get((head, n))
        if known is None:
            parent = self.g.parent_name(head)
            known = tuple(self.g.slot_key((parent, i)) for i in range(n))
            self.slots[head, n] = known
        return known

    def expr(
        self,
        request: Type,
        ctx: Context,
        env: tuple[Type, ...],
        lo: float,
        hi: float,
        slot: Slot | None,
    ) -> Iterator[_Found]:
        """Programs for a hole of type ``request`` in ``env`` at ``slot`` (as given by
        :meth:`slots_of`), costing ``[lo, hi)`` nats, each with the context it leaves."""
        request = ctx.apply(request)
        if isinstance(request, TCon) and request.is_arrow():
            return self._lam(request, ctx, env, lo, hi, slot)
        names: dict[int, int] = {}
        key = (
            slot,
            canonicalize(request, names),
            tuple(canonicalize(ctx.apply(t), names) for t in env),
        )
        costs, fills = self._fillings(key, len(names), hi)
        start, stop = bisect_left(costs, lo), bisect_left(costs, hi)
        if not names:
            return ((costs[i], ctx, fills[i][0]) for i in range(start, stop))
        back = [TVar(v) for v in names]
        return ((costs[i], _bind(ctx, back, fills[i]), fills[i][0]) for i in range(start, stop))

    def stream(
        self,
        request: Type,
        ctx: Context,
        env: tuple[Type, ...],
        lo: float,
        hi: float,
        slot: Slot | None,
    ) -> Iterator[_Found]:
        """The programs :meth:`expr` gives, but the program's own hole is not tabled: they
        come as they are built (in the band, not sorted by cost), so a search that runs
        out of time has checked what it built instead of losing the unfinished band."""
        request = ctx.apply(request)
        if isinstance(request, TCon) and request.is_arrow():
            arg, ret = request.args
            for cost, ctx2, body in self.stream(ret, ctx, (arg, *env), lo, hi, slot):
                yield cost, ctx2, Lam(body)
            return
        for cost, ctx2, e in self._open(request, ctx, env, hi, slot):
            if cost >= lo:
                yield cost, ctx2, e

    def _lam(
        self,
        request: TCon,
        ctx: Context,
        env: tuple[Type, ...],
        lo: float,
        hi: float,
        slot: Slot | None,
    ) -> Iterator[_Found]:
        arg, ret = request.args
        for cost, ctx2, body in self.expr(ret, ctx, (arg, *env), lo, hi, slot):
            yield cost, ctx2, Lam(body)

    def floor(
        self, request: Type, ctx: Context, env: tuple[Type, ...], hi: float, slot: Slot | None
    ) -> float:
        """The exact cost of the cheapest program for this hole, or infinity if none
        costs less than ``hi``."""
        for cost, _, _ in self.expr(request, ctx, env, 0.0, hi, slot):
            return cost
        return math.inf

    def _fillings(self, key: _Key, k: int, hi: float) -> tuple[list[float], list[_Filling]]:
        """Every filling of a hole shape costing less than ``hi``, cheapest first."""
        known = self.table.get(key)
        if known is not None and known[0] >= hi:
            return known[1], known[2]
        outer = self.open.get(key)
        if outer is not None and hi >= outer - 1e-9:
            # the same hole inside itself at no lower cost: only zero-cost cycles get here
            return ([], []) if known is None else (known[1], known[2])
        if self.out_of_time():
            raise _OutOfTime
        if outer is None:
            hi = math.ceil(hi / _GRID) * _GRID  # fewer recomputations as bounds creep up
        self.open[key] = hi
        try:
            found: list[tuple[float, _Filling]] = []
            for cost, ctx, e in self._open(key[1], Context(k), key[2], hi, key[0]):
                found.append((cost, _filling(e, ctx, k)))
                if len(found) & 0x3FF == 0 and self.out_of_time():
                    raise _OutOfTime
        finally:
            if outer is None:
                del self.open[key]
            else:
                self.open[key] = outer
        found.sort(key=lambda cf: cf[0])
        costs, fills = [c for c, _ in found], [f for _, f in found]
        if known is None or known[0] < hi:
            self.stored += len(fills) - (0 if known is None else len(known[2]))
            self.table[key] = (hi, costs, fills)
        return costs, fills

    def _open(
        self, request: Type, ctx: Context, env: tuple[Type, ...], hi: float, slot: Slot | None
    ) -> Iterator[_Found]:
        g = self.g
        for cand in g.candidates(request, ctx, env, hi, slot):
            cost = -cand.log_prob
            if not cand.arguments:
                yield cost, cand.context, cand.expr
                continue
            types = cand.arguments
            order = _argument_order(types)
            slots = self.slots_of(cand.expr, len(types))
            if cost + self._floor(types, order, 0, cand.context, env, hi - cost, slots) >= hi:
                continue
            for spent, ctx2, filled in self._args(
                types, order, 0, cand.context, env, hi - cost, {}, slots
            ):
                args = tuple(filled[i] for i in range(len(types)))
                yield cost + spent, ctx2, apply(cand.expr, *args)

    def _floor(
        self,
        types: tuple[Type, ...],
        order: tuple[int, ...],
        k: int,
        ctx: Context,
        env: tuple[Type, ...],
        hi: float,
        slots: tuple[Slot | None, ...],
    ) -> float:
        """A lower bound on the cost of arguments ``order[k:]``: exact for the next one,
        which is filled in ``ctx``; for later ones the cheapest candidate, and only when
        their types and the environment are fully known, since binding variables can
        make candidates cheaper."""
        total = self.floor(types[order[k]], ctx, env, hi, slots[order[k]])
        if (
            k + 1 < len(order)
            and total < hi
            and not any(ctx.apply(t).is_polymorphic() for t in env)
        ):
            for i in order[k + 1 :]:
                if not ctx.apply(types[i]).is_polymorphic():
                    total += self.g.min_cost(types[i], ctx, env, slots[i])
        return total

    def _args(
        self,
        types: tuple[Type, ...],
        order: tuple[int, ...],
        k: int,
        ctx: Context,
        env: tuple[Type, ...],
        hi: float,
        filled: dict[int, Expr],
        slots: tuple[Slot | None, ...],
    ) -> Iterator[tuple[float, Context, dict[int, Expr]]]:
        i = order[k]
        last = k == len(order) - 1
        for cost, ctx2, e in self.expr(types[i], ctx, env, 0.0, hi, slots[i]):
            filled2 = {**filled, i: e}
            if last:
                yield cost, ctx2, filled2
            elif cost + self._floor(types, order, k + 1, ctx2, env, hi - cost, slots) < hi:
                for rest, ctx3, done in self._args(
                    types, order, k + 1, ctx2, env, hi - cost, filled2, slots
                ):
                    yield cost + rest, ctx3, done


_GRID = 0.5
_TIMED = 0.01
"""Bands faster than this (seconds) are too quick to time the next one's growth by."""
_FREE_SECONDS = 2e-6
"""About how long freeing one stored filling (hash-consed nodes included) takes."""


def _filling(e: Expr, ctx: Context, k: int) -> _Filling:
    """What filling a hole with ``e`` did to the hole's ``k`` canonical variables."""
    if k == 0:
        return e, (), 0
    names = {v: v for v in range(k)}
    bindings = tuple(
        (v, canonicalize(b, names)) for v in range(k) if (b := ctx.apply(TVar(v))) != TVar(v)
    )
    return e, bindings, len(names) - k


def _bind(ctx: Context, back: list[TVar], filling: _Filling) -> Context:
    """The caller's context after a filling: its bindings, in the caller's variables."""
    _, bindings, fresh = filling
    if not bindings:
        return ctx
    offset = ctx.next_var
    sub = dict(ctx.substitution)
    for v, b in bindings:
        sub[back[v].id] = decanonicalize(b, back, offset)
    return Context(offset + fresh, sub)


def _argument_order(types: tuple[Type, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(types)), key=lambda i: types[i].is_arrow()))
