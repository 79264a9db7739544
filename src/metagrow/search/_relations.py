"""Lambda bodies that count related elements: where a ``map`` or ``filter`` over a kept
list has a :class:`~metagrow.search._directed.Spec` (what its body gives on each element
``y``), a body ``(length (filter (lam p) ys))`` counts the elements ``z`` of a list body
``ys`` that stand in a relation ``p`` to ``y``: how often ``y`` occurs in the input
(``p`` is ``(eq? $0 $1)``), how many elements are smaller (its rank), how many share its
parity. A ``filter`` keeps the elements whose count passes a threshold against a constant
(``(gt? c 0)``: ``y`` occurs at all). An int output may count the elements of a kept
list that pass such a test on an input list (how many values of a range occur in the
input: how many distinct values it holds).

The relation reads both parameters, so its values depend on the pair (``y``, ``z``): it is
searched in a context of its own (:class:`_Pairs`) whose rows are the lambda context's
train rows (or, at the main level, the values a count may be asked of), each with every
int of its example's inputs as ``z``, built from first-order rules on ints and booleans
only. A list body is then a count of how often each of those rows comes up under each
outer row, and the counts of every relation of a level on every row are one matrix
product, as in :mod:`._reduce`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, final

from metagrow.lang import BOOL, INT, Expr, Type, Var, lambdas, tlist
from metagrow.search._bottomup_banks import Context, Recipe, Vec, build
from metagrow.search._reduce import Bag, Frame, Reductions, fresh, reduced, train_rows
from metagrow.search._rules import Rule, probes, rule_name

if TYPE_CHECKING:
    from metagrow.search._bottomup import _Search
    from metagrow.search._directed import Spec

MAX_RELATION_COST = 4
"""Relations ``p`` cost at most this (``(eq? $0 $1)`` costs 4 under the default weights)."""
MAX_LIST_COST = 3
"""List bodies ``ys`` whose elements are counted cost at most this."""
MAX_FOUND = 4
"""Bodies taken at most from one (spec, list body, relation level)."""
MAX_MAIN_LIST_COST = 4
"""Int outputs count the elements of kept main lists up to this cost."""
MAX_TESTS = 20_000
"""Distinct comparisons of counts tried at most on the main lists, per relation level."""
MIN_VALUES = 12
"""At the main level, counts are taken for the naturals below this (or up to the
largest int of the example's inputs, at most :data:`MAX_VALUE`) besides the inputs' ints."""
MAX_VALUE = 63
_Test = tuple[Any, Any, Recipe, Rule, Rule, bool]
"""A comparison of a count: where it holds, where it is known, the count's recipe, the
comparison, the constant, whether the constant comes first."""
_LI = tlist(INT)


@final
class Relations:
    """The counting bodies of a search's one-parameter int lambda contexts, each (spec,
    list cost, relation cost) tried once, with the pair contexts they are counted in."""

    def __init__(self, search: _Search, reductions: Reductions) -> None:
        self.search = search
        self.reductions = reductions
        self.pairs: dict[int, _Pairs | None] = {}  # by id of the lambda context
        self.values: _Pairs | None = None  # for counts at the main level
        self.done: set[tuple[int, ...]] = set()  # (spec, list cost, relation cost)
        by_name: dict[str, list[Rule]] = {}
        for r in search.first_order:
            by_name.setdefault(rule_name(r), []).append(r)
        self.length = _first(by_name, "length", (_LI,), INT)
        self.gt = _first(by_name, "gt?", (INT, INT), BOOL)
        self.eq = _first(by_name, "eq?", (INT, INT), BOOL)
        self.filter = next(
            (r for r in search.rules if rule_name(r) == "filter" and r.result == _LI), None
        )
        self.constants = [(r, r.fn) for r in search.first_order if not r.args and r.result == INT]
        self.scalar_rules = [
            r
            for r in search.first_order
            if r.args and r.result in (INT, BOOL) and all(a in (INT, BOOL) for a in r.args)
        ]

    def bodies(self, spec: Spec, lctx: Context) -> Iterator[tuple[int, Recipe]]:
        """Counting bodies of the lambda context ``lctx`` that give ``spec``'s wants (ints:
        the count; booleans: the count against a constant), cheapest pairs of levels
        first, with their costs."""
        if self.length is None or self.filter is None or not spec.wants:
            return
        kind = spec.wants[0].__class__
        if kind not in (int, bool) or any(w.__class__ is not kind for w in spec.wants):
            return
        pairs = self._pairs(lctx)
        if pairs is None:
            return
        top = min(lctx.bank.done, MAX_LIST_COST)
        for ys_cost, p_cost in fresh(self.done, (id(spec),), top, MAX_RELATION_COST):
            pairs.grow_to(p_cost)
            relations = pairs.ctx.bank.at(p_cost, BOOL)
            if not relations:
                continue
            values, bad = self.reductions.table(pairs.ctx, p_cost, BOOL, relations)
            for ys, vec in lctx.bank.at(ys_cost, _LI):
                self.search._count()
                bag = pairs.bag(vec)
                if bag is None:
                    continue
                counts, known = bag
                cols = list(spec.rows)
                if not known[cols].all():
                    continue
                weights = counts[:, cols]
                ok = ~(bad @ weights).any(axis=1)
                got = values @ weights
                count_cost = self.length.cost + self.filter.cost + 1 + ys_cost + p_cost
                for p, wrap_count, extra in self._fitting(got, ok, spec.wants, kind is bool):
                    body = wrap_count(reduced(self.length, self.filter, relations[p][0], ys))
                    yield count_cost + extra, body

    def counted(self, room: Callable[[], bool]) -> Iterator[tuple[int, Expr]]:
        """Int outputs ``(length (filter (lam b) xs))`` of a kept main list ``xs`` (up to
        :data:`MAX_MAIN_LIST_COST`) whose body ``b`` compares with a constant the count
        of the elements of an input list related to ``xs``'s element (how many distinct
        values a list holds: the values of a range that occur in it), with their costs,
        each relation level once while ``room()`` says so. The elements are the ints of
        each example's inputs and the naturals below :data:`MIN_VALUES` or the largest;
        every comparison's values on them are made first, each distinct one kept once,
        then tried on every list at once."""
        search = self.search
        if search.ret != INT or self.length is None or self.filter is None:
            return
        pairs = self._values()
        inputs: list[tuple[Recipe, Vec]] = [  # the input lists, as bodies in the lambda
            (Var(k + 1), tuple(search.main.env[i][k] for i in pairs.example))
            for k, t in enumerate(search.main.types)
            if t == _LI
        ]
        lists: list[tuple[int, Recipe, Bag]] | None = None
        for p_cost in range(1, MAX_RELATION_COST + 1):
            if (-1, p_cost) in self.done or not inputs:
                continue
            if not room():
                return  # the levels left are taken up later
            self.done.add((-1, p_cost))
            tests = self._tests(pairs, p_cost, inputs)
            if tests and lists is None:
                lists = [
                    (cost, xs, bag)
                    for cost in range(1, min(search.main.bank.done, MAX_MAIN_LIST_COST) + 1)
                    for xs, vec in search.main.bank.at(cost, _LI)
                    if (bag := pairs.bag_of(vec, self.reductions.main_frame)) is not None
                ]
            if lists:
                yield from self._on_lists(tests, lists, 1 + p_cost)

    def _tests(self, pairs: _Pairs, p_cost: int, inputs: list[tuple[Recipe, Vec]]) -> list[_Test]:
        """The distinct comparisons with a constant of the counts of a relation level's
        relations over each list body, on the rows the pair context extends."""
        import numpy as np

        assert self.length is not None and self.filter is not None
        pairs.grow_to(p_cost)
        relations = pairs.ctx.bank.at(p_cost, BOOL)
        if not relations:
            return []
        values, bad = self.reductions.table(pairs.ctx, p_cost, BOOL, relations)
        tests: dict[bytes, _Test] = {}
        for ys, vec in inputs:
            self.search._count()
            held_in = pairs.bag(vec)
            if held_in is None:
                continue
            counts, known = held_in
            got = values @ counts
            valid = known & ~(bad @ counts).astype(bool)
            for k, rule, flip, fits in self._comparisons(got):
                held = fits & valid
                keys = np.packbits(np.concatenate([held, valid], axis=1), axis=1)
                for p, key in enumerate(map(bytes, keys)):
                    if key not in tests:
                        count = reduced(self.length, self.filter, relations[p][0], ys)
                        tests[key] = (held[p], valid[p], count, rule, k, flip)
            if len(tests) >= MAX_TESTS:
                break
        return list(tests.values())

    def _on_lists(
        self, tests: list[_Test], lists: list[tuple[int, Recipe, Bag]], count_cost: int
    ) -> Iterator[tuple[int, Expr]]:
        """The programs ``(length (filter (lam test) xs))`` that give every train output,
        for every test (its truth and where it is known on the rows) and every list (its
        bag of those rows on each train example)."""
        import numpy as np

        search = self.search
        if not tests or self.length is None or self.filter is None:
            return
        weights = np.concatenate([bag.counts for _, _, bag in lists], axis=1)
        used = np.concatenate([bag.used[:, None] for _, _, bag in lists], axis=1)
        n = search.n_train
        truth = np.array([t[0] for t in tests], dtype=np.float64)
        unknown = np.array([~t[1] for t in tests], dtype=np.float64)
        right = (truth @ weights).reshape(len(tests), len(lists), n) == np.array(search.target)
        usable = (unknown @ used.astype(np.float64)) == 0
        for t, j in np.argwhere(right.all(axis=2) & usable)[:MAX_FOUND]:
            _, _, count, rule, k, flip = tests[int(t)]
            xs_cost, xs, _ = lists[int(j)]
            body = _compare(rule, k, flip)(count)
            program = lambdas(build(reduced(self.length, self.filter, body, xs)), search.n_args)
            if search.from_output.fits(program):
                outer = self.length.cost * 2 + self.filter.cost * 2 + 2 + rule.cost + k.cost
                yield outer + xs_cost + count_cost, program

    def _comparisons(self, got: Any) -> Iterator[tuple[Rule, Rule, bool, Any]]:
        """(constant, comparison, whether the constant comes first, where it holds) for
        counts ``got`` against each constant."""
        for k, value in self.constants:
            for rule, flip, fits in (
                (self.gt, False, got > value),
                (self.gt, True, got < value),
                (self.eq, False, got == value),
            ):
                if rule is not None:
                    yield k, rule, flip, fits

    def _fitting(
        self, got: Any, ok: Any, wants: tuple[object, ...], threshold: bool
    ) -> Iterator[tuple[int, Callable[[Recipe], Recipe], int]]:
        """(relation, how its count becomes the body, the extra cost): the count itself
        for int wants, a comparison with a constant for boolean ones."""
        import numpy as np

        if not threshold:
            for p in np.flatnonzero(ok & (got == np.array(wants)).all(axis=1))[:MAX_FOUND]:
                yield int(p), _same, 0
            return
        want = np.array(wants, dtype=bool)
        found = 0
        for k, rule, flip, fits in self._comparisons(got):
            for p in np.flatnonzero(ok & (fits == want).all(axis=1)):
                yield int(p), _compare(rule, k, flip), rule.cost + k.cost
                found += 1
                if found >= MAX_FOUND:
                    return

    def _pairs(self, lctx: Context) -> _Pairs | None:
        """The pair context of a one-parameter int lambda context of the main context."""
        if id(lctx) not in self.pairs:
            search = self.search
            pairs = None
            if lctx.types and lctx.types[0] == INT and lctx.parent is search.main:
                width = train_rows(lctx, search.n_train)
                outer = list(zip(lctx.example[:width], lctx.env[:width], strict=True))
                pairs = _Pairs(search, lctx.types, outer, lctx, self.scalar_rules)
            self.pairs[id(lctx)] = pairs
        return self.pairs[id(lctx)]

    def _values(self) -> _Pairs:
        """The pair context over the values a count may be asked of at the main level:
        each train example's ints with the naturals below :data:`MIN_VALUES` or its
        largest int (those a ``range`` lists)."""
        if self.values is None:
            search = self.search
            outer: list[tuple[int, tuple[object, ...]]] = []
            for i in range(search.n_train):
                ints = probes(INT, search.arg_types, search.inputs[i], positions=False)
                top = max([MIN_VALUES - 1, *(v for v in ints if isinstance(v, int))])
                ys = dict.fromkeys([*ints, *range(min(top, MAX_VALUE) + 1)])
                outer.extend((i, (y, *search.main.env[i])) for y in ys)
            types = (INT, *search.main.types)
            self.values = _Pairs(search, types, outer, search.main, self.scalar_rules)
        return self.values


@final
class _Pairs:
    """The context of a relation inside a counting body: each row of the body's context
    (``outer``: its example and values; the train rows of a lambda context) with each int
    of its example's inputs as the relation's own parameter."""

    def __init__(
        self,
        search: _Search,
        types: tuple[Type, ...],
        outer: list[tuple[int, tuple[object, ...]]],
        parent: Context,
        rules: list[Rule],
    ) -> None:
        self.search = search
        self.rules = rules
        self.width = len(outer)
        self.example = [i for i, _ in outer]
        env: list[tuple[object, ...]] = []
        example: list[int] = []
        parent_row: list[int] = []
        self.row_of: dict[tuple[int, object], int] = {}  # (outer row, z): row
        self.outer_row: dict[tuple[int, object], int] = {}  # (example, $0): outer row
        for r, (i, values) in enumerate(outer):
            self.outer_row.setdefault((i, values[0]), r)
            for z in probes(INT, search.arg_types, search.inputs[i], positions=False):
                self.row_of[r, z] = len(env)
                env.append((z, *values))
                example.append(i)
                parent_row.append(r if parent is not search.main else i)
        self.ctx = Context((INT, *types), env, example, parent, parent_row)
        self.bags: dict[int, tuple[Any, Any] | None] = {}  # by id of the list's values

    def bag_of(self, vec: Vec, frame: Frame) -> Bag | None:
        """A main list's elements on each train example as outer rows."""
        return Bag.of(vec, frame, self.outer_row, self.width)

    def grow_to(self, cost: int) -> None:
        """Build the relations' levels up to ``cost``."""
        bank = self.ctx.bank
        while bank.done < cost:
            level = bank.done + 1
            for _ in self.search._grow(self.ctx, level, self.rules):
                pass
            bank.done = level

    def bag(self, vec: Vec) -> tuple[Any, Any] | None:
        """How often each row of the pair context comes up in a list body (its values on
        the outer rows) on each outer row (rows x outer rows), and on which outer rows
        every element has a row; ``None`` when no row's list is known."""
        import numpy as np

        key = id(vec)
        if key not in self.bags:
            counts = np.zeros((len(self.ctx.env), self.width), dtype=np.float64)
            known = np.zeros(self.width, dtype=bool)
            for r in range(self.width):
                ys = vec[r]
                if not isinstance(ys, tuple):
                    continue
                rows = [self.row_of.get((r, z)) for z in ys]
                if None in rows:
                    continue
                known[r] = True
                for row in rows:
                    counts[row, r] += 1
            self.bags[key] = (counts, known) if known.any() else None
        return self.bags[key]


def _same(recipe: Recipe) -> Recipe:
    return recipe


def _compare(rule: Rule, constant: Rule, flip: bool) -> Callable[[Recipe], Recipe]:
    """The comparison of a count with a constant: ``(rule count k)``, or ``(rule k count)``."""

    def body(count: Recipe) -> Recipe:
        args = (constant.expr, count) if flip else (count, constant.expr)
        return (rule.expr, args)

    return body


def _first(
    by_name: dict[str, list[Rule]], name: str, args: tuple[Any, ...], result: Any
) -> Rule | None:
    return next((r for r in by_name.get(name, []) if r.args == args and r.result == result), None)
