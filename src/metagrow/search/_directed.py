"""Lambdas read off the output: when the wanted value is ``(map f xs)`` or ``(filter p xs)``
for a list ``xs`` already built, the train examples say what ``f`` (or ``p``) gives on each
element of ``xs``. Bottom-up search then only has to find a lambda body with those values
on the matching rows of its lambda context, instead of trying every lambda on every list.

The main context tries every lambda on every list of the right type; here each kept body
is compared once with what each list asks for, so a ``map`` or ``filter`` whose body is a
level deeper than the main context's lambdas (and whose list costs up to
:data:`MAX_LIST_COST`) is found at the cost of growing that level of bodies.

Parts of the output are searched the same way. A ``map`` body ``(+ u v)`` or ``(- u v)``:
for each kept body ``u``, the values ``v`` must give on the list's elements are known and
looked up among the kept bodies' values, so bodies up to twice the levels grown are
reached in one pass over them. A ``map`` body ``(if c a b)`` of three kept bodies, by
masks of the rows each is right on (:mod:`._branches`). An ``(append a b)`` of kept lists
(:class:`Halves`): a list that begins the output and one that ends it, whose lengths add up.
An int output that reduces a ``map`` or ``filter`` of a kept list (:mod:`._reduce`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, final

from metagrow.lang import BOOL, INT, Expr, Prim, Program, TCon, Type, lambdas
from metagrow.search._bottomup_banks import Context, Recipe, Vec, build, wrap
from metagrow.search._branches import Branches, conditionals, if_rules, map_of
from metagrow.search._reduce import Reductions
from metagrow.search._relations import Relations
from metagrow.search._rules import Rule, Signature, rule_name

if TYPE_CHECKING:
    from metagrow.search._bottomup import _Search

MAX_LIST_COST = 5
"""Maps and filters of the kept lists up to this cost are searched from the output."""
DEEP_FROM = 4
"""The main level from which conditional bodies and reductions are searched: their
programs cost 5 or more (7 or more for conditionals), released only once the main
context reaches that cost, and tasks solved by cheaper programs need not pay for them."""
RELATIONS_FROM = 6
"""The main level from which bodies counting related elements are searched
(:mod:`._relations`): their programs cost 12 or more, and the relations' own context
(hundreds of rows) is dear to grow for the many tasks solved before that level."""
MAX_REDUCED_LIST_COST = 4
"""Maps over kept lists up to this cost get bodies that are reductions (the positions of
a list, its elements, its tail: a list output has many dearer kept lists with a spec)."""
REDUCED_SHARE = 0.15
"""At most this share of a search's programs tried goes to reductions in map bodies
(each kept list reduced with every body of a level counts as one)."""
MAX_HELD = 8
"""Solutions found from the output that are given when the budget ends, at most."""
MIN_SUM_ROWS = 8
"""A map body ``(+ u v)`` is looked up only where the list's elements give this many
values to fit: on fewer, some pair of the many kept bodies fits by chance (a task of two
short train examples was solved by such pairs)."""


@final
class FromOutput:
    """The search from the output alongside a bottom-up search: solutions it finds are
    held back until the main context has built every cheaper program."""

    def __init__(self, search: _Search) -> None:
        self.search = search
        self.rules = [
            (r, kind) for r in search.rules if (kind := invertible(r)) and r.result == search.ret
        ]
        self.done: set[tuple[int, int, int]] = set()  # (rule, list cost, body cost)
        self.specs: dict[tuple[str, int], Spec | None] = {}  # by kind and id of the list
        self.ahead: list[tuple[int, int, Expr]] = []  # (cost, order, program)
        self.sums = [
            (r, inverse)
            for r in search.rules
            if (inverse := _INVERSES.get(rule_name(r))) and _on_ints(r)
        ]
        self.sums_done: set[tuple[int, int, int, int, int]] = set()  # (map, list, op, u, v)
        self.parts: dict[tuple[tuple[int, ...], int], dict[Vec, Recipe]] = {}
        # kept bodies of a cost by their values on a spec's rows (shared by the specs of
        # lists with the same elements)
        self.wanted: dict[tuple[int, int], list[tuple[Recipe, Spec]]] = {}  # (map, cost)
        self.halves = [Halves(r) for r in search.rules if appends(r) and r.result == search.ret]
        self.ifs = if_rules(search.rules)
        self.ifs_done: set[tuple[int, ...]] = set()  # (map, list cost, c, a, b costs)
        self.branches: dict[int, Branches] = {}  # by id of the spec
        self.reductions = Reductions(search)
        self.relations = Relations(search, self.reductions)
        self.reduced = 0  # programs tried in reductions in map bodies

    def search_to(self, bodies: int) -> None:
        """Find the ``map``/``filter`` solutions over kept lists (of cost at most
        :data:`MAX_LIST_COST`) whose lambda body costs at most ``bodies``, cheapest first.
        A (list cost, body cost) pair is searched once, when the list's level is complete."""
        done = self.search.main.bank.done
        for halves in self.halves:
            for cost, program in halves.search_to(self.search, done):
                self.ahead.append((cost, len(self.ahead), program))
        pairs = [
            (rule.cost + 1 + xs_cost + body, r, xs_cost, body)
            for r, (rule, _) in enumerate(self.rules)
            for xs_cost in range(1, min(done, MAX_LIST_COST) + 1)
            for body in range(1, bodies + 1)
            if (r, xs_cost, body) not in self.done
        ]
        for cost, r, xs_cost, body in sorted(pairs):
            self.done.add((r, xs_cost, body))
            rule, kind = self.rules[r]
            for program in self._match(rule, kind, xs_cost, body):
                self.ahead.append((cost, len(self.ahead), program))
        self._search_sums()
        if done < DEEP_FROM:
            return  # what follows finds programs dearer than the levels built so far
        self._search_ifs()
        for cost, program in self.reductions.search_to():
            self.ahead.append((cost, len(self.ahead), program))
        self._search_reduced_bodies()

    def _search_sums(self) -> None:
        """Maps whose body is ``(+ u v)`` or ``(- u v)`` of two bodies already kept: for each
        kept ``u``, what ``v`` must give on the spec's rows is known, and looked up among the
        kept bodies' values (so bodies up to twice the lambda levels grown are reached)."""
        search = self.search
        done = min(search.main.bank.done, MAX_LIST_COST)
        for rule, sig, lctx in self._maps():
            r = id(rule)
            top = lctx.bank.done
            for o, (op, inverse) in enumerate(self.sums):
                if op.result != sig.result:
                    continue
                pairs = [
                    (op.cost + u + v, xs_cost, u, v)
                    for xs_cost in range(1, done + 1)
                    for u in range(1, top + 1)
                    for v in range(1, top + 1)
                    if not (op.commutative and u > v)
                    and (r, xs_cost, o, u, v) not in self.sums_done
                ]
                for body, xs_cost, u, v in sorted(pairs):
                    self.sums_done.add((r, xs_cost, o, u, v))
                    cost = rule.cost + 1 + xs_cost + body
                    for program in self._sums(rule, lctx, xs_cost, (op, inverse), u, v):
                        self.ahead.append((cost, len(self.ahead), program))

    def _sums(
        self,
        rule: Rule,
        lctx: Context,
        xs_cost: int,
        op: tuple[Rule, Callable[[Any, Any], object]],
        u_cost: int,
        v_cost: int,
    ) -> Iterator[Expr]:
        search = self.search
        (op_rule, inverse), t = op, op[0].result
        sig, xs_type = rule.args
        assert isinstance(sig, Signature) and isinstance(xs_type, Type)
        for xs, want in self._wanted(rule, lctx, xs_cost):
            key = (want.rows, v_cost)
            values = self.parts.get(key)
            if values is None:
                values = self.parts[key] = {}
                for recipe, body in lctx.bank.at(v_cost, t):
                    values.setdefault(want.pick(body), recipe)
            for u, body in lctx.bank.at(u_cost, t):
                search._count()
                try:
                    needed = tuple(map(inverse, want.pick(body), want.wants))
                except TypeError:
                    continue  # a failed row, or not numbers
                v = values.get(needed)
                if v is None:
                    continue
                lam = wrap((op_rule.expr, (u, v)), 1)
                program = lambdas(build((rule.expr, (lam, xs))), search.n_args)
                if want.complete or self.fits(program):
                    yield program

    def _wanted(
        self, rule: Rule, lctx: Context, xs_cost: int, kind: str = "map"
    ) -> list[tuple[Recipe, Spec]]:
        """The kept lists of ``xs_cost`` (a complete level) with a spec of ``kind`` of at
        least :data:`MIN_SUM_ROWS` rows, for parts of a body found from the output."""
        wanted = self.wanted.get((id(rule), xs_cost))
        if wanted is None:
            xs_type = rule.args[1]
            assert isinstance(xs_type, Type)
            wanted = [
                (xs, want)
                for xs, vec in self.search.main.bank.at(xs_cost, xs_type)
                if (want := self._spec(kind, vec, lctx)) and len(want.rows) >= MIN_SUM_ROWS
            ]
            self.wanted[id(rule), xs_cost] = wanted
        return wanted

    def _maps(self) -> Iterator[tuple[Rule, Signature, Context]]:
        """The ``map`` rules whose output is the search's, with their lambda's signature
        and its context in the main context (once built)."""
        for rule, kind, sig, lctx in self._lambda_rules():
            if kind == "map":
                yield rule, sig, lctx

    def _lambda_rules(self) -> Iterator[tuple[Rule, str, Signature, Context]]:
        """The ``map`` and ``filter`` rules whose output is the search's, with their kind,
        their lambda's signature and its context in the main context (once built)."""
        for rule, kind in self.rules:
            sig = rule.args[0]
            assert isinstance(sig, Signature)
            lctx = self.search.main.children.get(sig.params)
            if lctx is not None:
                yield rule, kind, sig, lctx

    def _search_ifs(self) -> None:
        """Maps whose body is ``(if c a b)`` of three kept bodies (:mod:`._branches`), the
        cheapest triples of levels first, each triple once."""
        search = self.search
        done = min(search.main.bank.done, MAX_LIST_COST)
        for rule, sig, lctx in self._maps():
            if_rule = self.ifs.get(sig.result)
            if if_rule is None:
                continue
            top = lctx.bank.done
            triples = [
                (xs_cost, (c, a, b))
                for xs_cost in range(1, done + 1)
                for c in range(1, top + 1)
                for a in range(1, top + 1)
                for b in range(1, top + 1)
                if (id(rule), xs_cost, c, a, b) not in self.ifs_done
            ]
            triples.sort(key=lambda tr: tr[0] + sum(tr[1]))
            for xs_cost, costs in triples:
                self.ifs_done.add((id(rule), xs_cost, *costs))
                cost = rule.cost + 1 + xs_cost + if_rule.cost + sum(costs)
                for xs, want in self._wanted(rule, lctx, xs_cost):
                    branches = self.branches.get(id(want))
                    if branches is None:
                        branches = self.branches[id(want)] = Branches(want)
                    for body in conditionals(branches, lctx, costs, if_rule, search._count):
                        program = map_of(rule, body, xs, search.n_args)
                        if want.complete or self.fits(program):
                            self.ahead.append((cost, len(self.ahead), program))

    def _search_reduced_bodies(self) -> None:
        """Maps whose body reduces a list body of the lambda context (:mod:`._reduce`),
        and maps and filters whose body counts the elements of a list body related to
        the element (:mod:`._relations`), within :data:`REDUCED_SHARE` of the programs
        tried so far (a list output has many kept lists with a spec, and most tasks need
        none of these; programs, not seconds, so that a search under a program budget
        repeats exactly)."""
        search = self.search
        progress = search.progress
        started = progress.programs_tried
        allowed = REDUCED_SHARE * progress.programs_tried - self.reduced

        def room() -> bool:
            return progress.programs_tried - started <= allowed

        relations = search.main.bank.done >= RELATIONS_FROM
        for cost, program in self.relations.counted(room) if relations else ():
            self.ahead.append((cost, len(self.ahead), program))
        for rule, kind, sig, lctx in self._lambda_rules():
            if sig.result != (INT if kind == "map" else BOOL) or not (kind == "map" or relations):
                continue
            top = MAX_REDUCED_LIST_COST if kind == "map" else MAX_LIST_COST
            for xs_cost in range(1, min(search.main.bank.done, top) + 1):
                for xs, want in self._wanted(rule, lctx, xs_cost, kind):
                    if not room():
                        self.reduced += progress.programs_tried - started
                        return  # the specs left are taken up later, when there is room

                    def whole(body: Recipe, xs: Recipe = xs, rule: Rule = rule) -> Expr | None:
                        program = map_of(rule, body, xs, search.n_args)
                        return program if self.fits(program) else None

                    found = self.reductions.in_map(want, lctx, whole) if kind == "map" else ()
                    for body_cost, program in found:
                        cost = rule.cost + 1 + xs_cost + body_cost
                        self.ahead.append((cost, len(self.ahead), program))
                    counting = self.relations.bodies(want, lctx) if relations else ()
                    for body_cost, body in counting:
                        if (counts := whole(body)) is not None:
                            cost = rule.cost + 1 + xs_cost + body_cost
                            self.ahead.append((cost, len(self.ahead), counts))
        self.reduced += progress.programs_tried - started

    def release(self, cost: int) -> Iterator[Expr]:
        """The solutions found that cost at most ``cost``, cheapest first."""
        self.ahead.sort(key=operator.itemgetter(0, 1))
        while self.ahead and self.ahead[0][0] <= cost:
            yield self.ahead.pop(0)[2]

    def held_back(self) -> list[Expr]:
        """The cheapest :data:`MAX_HELD` solutions found and not yet released, cheapest
        first (there may be hundreds, mostly the same function written longer, and each
        given takes the caller a run on the test inputs after the budget has ended)."""
        self.ahead.sort(key=operator.itemgetter(0, 1))
        held = [p for _, _, p in self.ahead[:MAX_HELD]]
        self.ahead.clear()
        return held

    def _match(self, rule: Rule, kind: str, xs_cost: int, body: int) -> Iterator[Expr]:
        search = self.search
        sig, xs_type = rule.args
        assert isinstance(sig, Signature) and isinstance(xs_type, Type)
        lists = search.main.bank.at(xs_cost, xs_type)
        lctx = search._lambda_context(search.main, sig.params) if lists else None
        if lctx is None:
            return
        wanted = [(xs, want) for xs, vec in lists if (want := self._spec(kind, vec, lctx))]
        if not wanted:
            return  # no lambda body to grow for
        lams = search._lambdas(search.main, sig, body + 1)
        for xs, want in wanted:
            search._count()
            search.check()  # many lambdas are matched against each list
            pick, wants = want.pick, want.wants
            for lam, vec in lams:
                if pick(vec) != wants:
                    continue
                program = lambdas(build((rule.expr, (lam, xs))), search.n_args)
                if want.complete or self.fits(program):
                    yield program

    def _spec(self, kind: str, xs: Vec, lctx: Context) -> Spec | None:
        key = (kind, id(xs))
        if key not in self.specs:
            n_train = self.search.n_train
            self.specs[key] = spec(kind, xs[:n_train], self.search.target, self.rows_of(lctx))
        return self.specs[key]

    def rows_of(self, lctx: Context) -> dict[tuple[int, object], int]:
        """The row of a one-parameter lambda context for each (train example, value of
        ``$0``)."""
        if lctx.row_of is None:
            lctx.row_of = {}
            for row, (env, i) in enumerate(zip(lctx.env, lctx.example, strict=True)):
                if i < self.search.n_train:
                    lctx.row_of.setdefault((i, env[0]), row)
        return lctx.row_of

    def fits(self, program: Expr) -> bool:
        """Whether ``program`` gives every train output (run by the interpreter)."""
        search = self.search
        run = Program(program, search.grammar.primitives)
        limits, deadline = search.budget.run_limits, search.progress.deadline
        return all(
            run.run(search.inputs[i], limits, deadline) == search.target[i]
            for i in range(search.n_train)
        )


@final
class Halves:
    """Solutions ``(append a b)`` of two kept lists: a kept list that begins the output on
    every train example is a candidate ``a``, one that ends it a candidate ``b``; they
    make a solution when their lengths add up to the output's on every train example,
    each being non-empty on at least half of them.

    Candidates are kept by their lengths (the cheapest of each, found first), so each
    new one is matched with one lookup; a solution is found as soon as its dearer half
    is kept, long before the main context builds it."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.done = 0  # main levels looked through
        self.starts: dict[tuple[int, ...], tuple[int, Recipe]] = {}  # by lengths: (cost, a)
        self.ends: dict[tuple[int, ...], tuple[int, Recipe]] = {}  # by lengths: (cost, b)

    def search_to(self, search: _Search, done: int) -> Iterator[tuple[int, Expr]]:
        """The solutions whose halves are among the kept lists of the main levels up to
        ``done`` (each solution once, when its second half comes), with their costs."""
        target, n = search.target, search.n_train
        sizes = tuple(len(t) if isinstance(t, tuple) else -1 for t in target)
        if min(sizes, default=-1) < 0:
            return  # not a list on some train example
        first, size = target[0], sizes[0]
        assert isinstance(first, tuple)
        for level in range(self.done + 1, done + 1):
            self.done = level
            search.check()
            for recipe, vec in search.main.bank.at(level, self.rule.result):
                head = vec[0]
                if not isinstance(head, tuple):
                    continue
                k = len(head)
                start = k <= size and first[:k] == head
                end = k <= size and first[size - k :] == head
                if not (start or end):
                    continue  # most kept lists: told by the first train example
                train = vec[:n]
                lengths = tuple(len(v) for v in train)  # type: ignore[arg-type]
                if not _both_used(lengths, sizes):
                    continue
                if start and _starts(train, target):
                    yield from self._pair(search, level, recipe, lengths, sizes, True)
                if end and _ends(train, target):
                    yield from self._pair(search, level, recipe, lengths, sizes, False)

    def _pair(
        self,
        search: _Search,
        cost: int,
        recipe: Recipe,
        lengths: tuple[int, ...],
        sizes: tuple[int, ...],
        start: bool,
    ) -> Iterator[tuple[int, Expr]]:
        mine, other = (self.starts, self.ends) if start else (self.ends, self.starts)
        if lengths in mine:
            return  # a cheaper list of these lengths is kept
        mine[lengths] = (cost, recipe)
        match = other.get(tuple(s - k for s, k in zip(sizes, lengths, strict=True)))
        if match is None:
            return
        a, b = (recipe, match[1]) if start else (match[1], recipe)
        program = lambdas(build((self.rule.expr, (a, b))), search.n_args)
        yield self.rule.cost + cost + match[0], program


def _both_used(lengths: tuple[int, ...], sizes: tuple[int, ...]) -> bool:
    """Whether a half of these lengths and the other half are each non-empty on at least
    half of the train examples: a half mostly empty says little, and pairing it with
    anything that fits the rest of the examples overfits (measured on the lists suites)."""
    n = len(sizes)
    mine = sum(k > 0 for k in lengths)
    other = sum(s > k for s, k in zip(sizes, lengths, strict=True))
    return 2 * mine >= n and 2 * other >= n


def _starts(train: Vec, target: Sequence[object]) -> bool:
    return all(
        isinstance(t, tuple) and t[: len(v)] == v  # type: ignore[arg-type]
        for v, t in zip(train, target, strict=True)
    )


def _ends(train: Vec, target: Sequence[object]) -> bool:
    return all(
        isinstance(t, tuple) and len(v) <= len(t) and t[len(t) - len(v) :] == v  # type: ignore[arg-type]
        for v, t in zip(train, target, strict=True)
    )


def appends(rule: Rule) -> bool:
    """Whether ``rule`` is the list primitive ``append`` of two lists of its result type."""
    return (
        rule_name(rule) == "append"
        and _is_list(rule.result)
        and rule.args == (rule.result, rule.result)
    )


@final
class Spec:
    """What a lambda body must give: ``wants`` on the lambda-context rows ``rows``.
    ``complete`` when those rows cover every element of every train example's list; a
    body that fits an incomplete spec must still be checked by running the program."""

    __slots__ = ("complete", "pick", "rows", "wants")

    def __init__(self, rows: tuple[int, ...], wants: tuple[object, ...], complete: bool) -> None:
        self.rows = rows
        self.wants = wants
        self.complete = complete
        self.pick: Callable[[Vec], Vec] = (
            operator.itemgetter(*rows) if len(rows) > 1 else lambda v: (v[rows[0]],)
        )

    def fits(self, vec: Vec) -> bool:
        return self.pick(vec) == self.wants


def invertible(rule: Rule) -> str | None:
    """``"map"`` or ``"filter"`` for a rule of the list primitive of that name and type
    (``(a -> b) -> list(a) -> list(b)``, ``(a -> bool) -> list(a) -> list(a)``), else
    ``None``: the only higher-order productions whose lambda the output determines."""
    if not isinstance(rule.expr, Prim) or len(rule.args) != 2:
        return None
    sig, xs = rule.args
    if not isinstance(sig, Signature) or len(sig.params) != 1 or not _is_list(xs):
        return None
    assert isinstance(xs, TCon)
    if xs.args[0] != sig.params[0] or not _is_list(rule.result):
        return None
    if rule.expr.name == "map" and rule.result == TCon("list", (sig.result,)):
        return "map"
    if rule.expr.name == "filter" and sig.result == BOOL and rule.result == xs:
        return "filter"
    return None


_INVERSES: dict[str, Callable[[Any, Any], object]] = {
    "+": lambda x, w: w - x,  # x + v = w
    "-": lambda x, w: x - w,  # x - v = w
}
"""For a binary primitive on ints, the ``v`` with ``(op x v) = w``."""


def _on_ints(rule: Rule) -> bool:
    return rule.result == INT and rule.args == (INT, INT)


def _is_list(t: object) -> bool:
    return isinstance(t, TCon) and t.name == "list" and len(t.args) == 1


def spec(
    kind: str, xs: Vec, target: Sequence[object], row_of: dict[tuple[int, object], int]
) -> Spec | None:
    """The values a lambda must give on each element of ``xs`` (one entry per train
    example) for ``kind`` of ``xs`` to be ``target``; ``None`` when no function does it, or
    when the lambda context covers fewer than half of the elements."""
    rows: list[int] = []
    wants: list[object] = []
    points = 0
    for i, (elements, out) in enumerate(zip(xs, target, strict=False)):
        if not isinstance(elements, tuple) or not isinstance(out, tuple):
            return None
        table = _table(kind, elements, out)
        if table is None:
            return None
        points += len(table)
        for x, y in table.items():
            row = row_of.get((i, x))
            if row is not None:
                rows.append(row)
                wants.append(y)
    if not rows or 2 * len(rows) < points:
        return None
    return Spec(tuple(rows), tuple(wants), len(rows) == points)


def _table(kind: str, elements: Vec, out: Vec) -> dict[object, object] | None:
    table: dict[object, object] = {}
    try:
        if kind == "map":
            if len(elements) != len(out):
                return None
            for x, y in zip(elements, out, strict=True):
                if table.setdefault(x, y) != y:
                    return None
            return table
        kept = set(out)
        if tuple(x for x in elements if x in kept) != out:
            return None
        return {x: x in kept for x in elements}
    except TypeError:  # an unhashable value
        return None
