"""Int outputs read as reductions: where the output is ``(sum (map f xs))``, ``(max (map f
xs))``, ``(min (map f xs))`` or ``(length (filter p xs))`` of a kept list ``xs``, the
examples do not say what ``f`` gives on each element, only what the elements' values add
up to. Each kept body of the lambda context has its values on the context's rows, and an
example's list is a count of how often each row comes up in it, so the reduction of every
kept body on every example is one matrix product (a sum), or one maximum per example:
every body of a level is tried against every kept list at once, without building the
``map`` in the main context. A program whose reduction equals every train output is run
to confirm it (the reductions are computed in floating point, and a list may hold an
element no row of the context stands for).

The same holds one lambda down: where a ``map`` body's values on its rows are known (its
:class:`~metagrow.search._directed.Spec`, read off the output), a body that is itself
``(sum (map f ys))`` or ``(length (filter p ys))`` of a list body ``ys`` is found the same
way, ``f`` or ``p`` from the kept bodies of the context inside (running counts: element
``i`` counts the even elements among the first ``i + 1`` is
``(length (filter (lam (even? $0)) (take (+ $0 1) $1)))`` over the positions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, final

from metagrow.lang import BOOL, INT, Expr, TCon, Type, Var, lambdas
from metagrow.search._bottomup_banks import Context, Recipe, Vec, build, wrap
from metagrow.search._rules import Rule, Signature, rule_name

if TYPE_CHECKING:
    from metagrow.search._bottomup import _Search
    from metagrow.search._directed import Spec

MAX_BODIES = 10_000
"""Kept bodies of one level tried at most (the first kept: a matrix row each)."""
MAX_LIST_COST = 5
"""Kept lists up to this cost are reduced."""
MAX_FACTOR_COST = 3
"""Sums of products ``(* u v)`` are tried for bodies ``u`` and ``v`` up to this cost..."""
MAX_PRODUCT_LIST_COST = 3
"""...over kept lists up to this cost."""
MAX_INNER_COST = 3
"""In a map body's reductions, the inner bodies (``f`` in ``(sum (map f ys))``) cost at
most this."""
_REDUCERS = ("sum", "max", "min")


@final
class Reductions:
    """The reductions of kept lists ``(r (map f xs))`` and ``(length (filter p xs))`` for
    a search whose output is an int, each (reduction, list cost, body cost) tried once,
    when its levels are complete."""

    def __init__(self, search: _Search) -> None:
        self.search = search
        self.done: set[tuple[int, ...]] = set()  # (plan, list cost, body cost)
        self.plans: list[tuple[Rule, Rule]] = []  # (sum, max, min or length; map or filter)
        self.tables: dict[tuple[int, int, Type, bool], Any] = {}  # context, level, type, closed
        self.bags: dict[tuple[int, int, int], Bag | None] = {}  # ids: frame, context, list
        self.closed: dict[tuple[int, int, Type], list[tuple[Recipe, Vec]]] = {}
        self.times: Rule | None = None
        self.products_done: set[tuple[int, int, int, int]] = set()  # (plan, list, u, v)
        self.in_maps_done: set[tuple[int, ...]] = set()  # (spec, plan, list, body)
        rows = tuple(range(search.n_train))  # the main context's rows are the examples
        self.main_frame = Frame(rows, search.main.example, search.target, 0)
        if search.n_train == 0:
            return
        by_name: dict[str, list[Rule]] = {}
        for r in search.rules:
            by_name.setdefault(rule_name(r), []).append(r)
        for outer in (r for name in (*_REDUCERS, "length") for r in by_name.get(name, [])):
            (arg,) = outer.args if len(outer.args) == 1 else (None,)
            if not isinstance(arg, TCon) or outer.result != INT:
                continue
            inner = "filter" if rule_name(outer) == "length" else "map"
            for rule in by_name.get(inner, []):
                wanted = BOOL if inner == "filter" else INT
                if rule.result == arg and _lambda_result(rule) == wanted:
                    self.plans.append((outer, rule))
        times = [r for r in by_name.get("*", []) if r.args == (INT, INT) and r.result == INT]
        self.times = times[0] if times else None

    def search_to(self) -> Iterator[tuple[int, Expr]]:
        """The solutions among reductions of kept lists of the complete main levels (up to
        :data:`MAX_LIST_COST`) with bodies of the complete levels of their lambda
        contexts, cheapest pairs of levels first, with their costs."""
        search = self.search
        if search.ret != INT:
            return
        done = min(search.main.bank.done, MAX_LIST_COST)
        for p, (outer, inner) in enumerate(self.plans):
            sig, xs_type = inner.args
            assert isinstance(sig, Signature) and isinstance(xs_type, Type)
            lctx = search.main.children.get(sig.params)
            if lctx is None:
                continue
            for xs_cost, body in fresh(self.done, (p,), done, lctx.bank.done):
                cost = outer.cost + inner.cost + 1 + xs_cost + body
                lists = search.main.bank.at(xs_cost, xs_type)
                for xs, f in self._found(outer, inner, lctx, body, lists, self.main_frame):
                    program = lambdas(build(reduced(outer, inner, f, xs)), search.n_args)
                    if search.from_output.fits(program):
                        yield cost, program
            if rule_name(outer) == "sum" and self.times is not None:
                yield from self._products(p, outer, inner, lctx, self.times)

    def _products(
        self, p: int, outer: Rule, inner: Rule, lctx: Context, times: Rule
    ) -> Iterator[tuple[int, Expr]]:
        """Sums of maps whose body is ``(* u v)`` of two kept bodies of the cheapest levels
        (a dot product): on each example, the sums of every pair's products are one matrix
        product of the two levels' values, weighted by the list's counts."""
        import numpy as np

        search = self.search
        sig, xs_type = inner.args
        assert isinstance(sig, Signature) and isinstance(xs_type, Type)
        top = min(lctx.bank.done, MAX_FACTOR_COST)
        todo = sorted(
            (xs_cost + u + v, xs_cost, u, v)
            for xs_cost in range(1, min(search.main.bank.done, MAX_PRODUCT_LIST_COST) + 1)
            for u in range(1, top + 1)
            for v in range(u, top + 1)
            if (p, xs_cost, u, v) not in self.products_done
        )
        target = search.target
        for _, xs_cost, u_cost, v_cost in todo:
            self.products_done.add((p, xs_cost, u_cost, v_cost))
            us = lctx.bank.at(u_cost, INT)[:MAX_BODIES]
            vs = lctx.bank.at(v_cost, INT)[:MAX_BODIES]
            if not us or not vs:
                continue
            u_values, u_bad = self.table(lctx, u_cost, INT, us)
            v_values, v_bad = self.table(lctx, v_cost, INT, vs)
            seen: set[bytes] = set()
            for xs, vec in search.main.bank.at(xs_cost, xs_type):
                search._count()
                bag = self.bag(lctx, vec, self.main_frame)
                key = b"" if bag is None else bag.counts.tobytes()
                if bag is None or key in seen:
                    continue
                seen.add(key)
                fit = np.outer(~u_bad[:, bag.used].any(axis=1), ~v_bad[:, bag.used].any(axis=1))
                for i, weights in enumerate(bag.counts.T):
                    fit &= (u_values * weights) @ v_values.T == target[i]
                    if not fit.any():
                        break
                for a, b in np.argwhere(fit)[:4]:
                    body = (times.expr, (us[int(a)][0], vs[int(b)][0]))
                    program = lambdas(build(reduced(outer, inner, body, xs)), search.n_args)
                    if search.from_output.fits(program):
                        cost = outer.cost + inner.cost + 1 + xs_cost + times.cost + u_cost + v_cost
                        yield cost, program

    def in_map(
        self, spec: Spec, lctx: Context, wrap_body: Callable[[Recipe], Expr | None]
    ) -> Iterator[tuple[int, Expr]]:
        """Bodies of a ``map`` whose values on ``lctx``'s rows ``spec`` gives that reduce a
        kept list body of ``lctx`` (up to :data:`MAX_LIST_COST`) with a kept body of the
        main context's lambdas that reads only its own parameter (whose value on an
        element is known for every element of the example's inputs), each pair of levels
        once; ``wrap_body`` makes the whole program of a body, or ``None`` when it does
        not fit. Yields (cost of the body, program)."""
        if not spec.complete or any(not isinstance(w, int) for w in spec.wants):
            return
        top = min(lctx.bank.done, MAX_LIST_COST)
        for p, (outer, inner) in enumerate(self.plans):
            sig, ys_type = inner.args
            assert isinstance(sig, Signature) and isinstance(ys_type, Type)
            elements = self.search.main.children.get(sig.params)
            if elements is None or rule_name(outer) not in ("sum", "length"):
                continue  # sums and counts: a max or min in a body is rarer, and as dear
            bodies = min(elements.bank.done, MAX_INNER_COST)
            for ys_cost, body in fresh(self.in_maps_done, (id(spec), p), top, bodies):
                lists = lctx.bank.at(ys_cost, ys_type)
                frame = Frame(spec.rows, lctx.example, spec.wants, id(spec))
                for ys, f in self._found(outer, inner, elements, body, lists, frame, True):
                    program = wrap_body(reduced(outer, inner, f, ys))
                    if program is not None:
                        yield outer.cost + inner.cost + 1 + ys_cost + body, program

    def _found(
        self,
        outer: Rule,
        inner: Rule,
        elements: Context,
        body_cost: int,
        lists: list[tuple[Recipe, Vec]],
        frame: Frame,
        closed: bool = False,
    ) -> Iterator[tuple[Recipe, Recipe]]:
        """(list, body) pairs whose reduction gives the frame's wants on its rows:
        ``lists`` are kept lists of the frame's context, bodies of ``body_cost`` those of
        ``elements`` (the main context's lambda context for ``inner``; with ``closed``
        only the bodies that read their own parameter alone)."""
        import numpy as np

        search = self.search
        sig = inner.args[0]
        assert isinstance(sig, Signature)
        bodies = self._bodies(elements, body_cost, sig.result, closed)
        if not bodies or not lists:
            return
        values, bad = self.table(elements, body_cost, sig.result, bodies, closed)
        wanted = np.array(frame.wants, dtype=np.float64)
        name = rule_name(outer)
        adds = name in ("sum", "length")
        seen: set[bytes] = set()  # lists alike for the reduction (the same elements)
        for xs, vec in lists:
            search._count()
            bag = self.bag(elements, vec, frame)
            if bag is None or (not adds and not bag.full):  # the max of () fails
                continue
            key = bag.counts.tobytes() if adds else bag.sets
            if key in seen:
                continue
            seen.add(key)
            ok = ~bad[:, bag.used].any(axis=1)
            if adds:
                got = values @ bag.counts
            else:
                pick = np.max if name == "max" else np.min
                got = np.stack([pick(values[:, r], axis=1) for r in bag.rows], axis=1)
            for b in np.flatnonzero(ok & (got == wanted).all(axis=1))[:4]:
                yield xs, bodies[int(b)][0]

    def _bodies(self, ctx: Context, cost: int, t: Type, closed: bool) -> list[tuple[Recipe, Vec]]:
        """Kept bodies of ``cost`` and type ``t`` (the first :data:`MAX_BODIES`); with
        ``closed``, only those whose variables are all their own parameter ``$0``."""
        bodies = ctx.bank.at(cost, t)
        if closed:
            key = (id(ctx), cost, t)
            if key not in self.closed:
                self.closed[key] = [b for b in bodies if _only_own(b[0])][:MAX_BODIES]
            return self.closed[key]
        return bodies[:MAX_BODIES]

    def table(
        self,
        lctx: Context,
        cost: int,
        t: Type,
        bodies: list[tuple[Recipe, Any]],
        closed: bool = False,
    ) -> Any:
        """The bodies' values on the context's train rows (floats; booleans as 0 and 1)
        and where they fail, kept per level."""
        import numpy as np

        key = (id(lctx), cost, t, closed)
        if key not in self.tables:
            n = self.search.n_train
            width = train_rows(lctx, n)
            kind = bool if t == BOOL else int
            nan = float("nan")
            flat = [v if v.__class__ is kind else nan for _, vec in bodies for v in vec[:width]]
            values = np.array(flat, dtype=np.float64).reshape(len(bodies), width)
            bad = np.isnan(values)
            values[bad] = 0.0
            self.tables[key] = (values, bad)
        return self.tables[key]

    def bag(self, elements: Context, vec: Vec, frame: Frame) -> Bag | None:
        """What a kept list holds on each of the frame's rows, as rows of ``elements``;
        ``None`` when some element has no row."""
        key = (frame.key, id(elements), id(vec))
        if key not in self.bags:
            search = self.search
            rows = search.from_output.rows_of(elements)
            width = train_rows(elements, search.n_train)
            self.bags[key] = Bag.of(vec, frame, rows, width)
        return self.bags[key]


@final
class Frame:
    """Where a reduction must give what: rows of a context (the main context's, or a map
    body's lambda context), the example each row belongs to, the values wanted on them,
    and a key telling frames apart."""

    __slots__ = ("examples", "key", "rows", "wants")

    def __init__(
        self, rows: tuple[int, ...], examples: Sequence[int], wants: tuple[object, ...], key: int
    ) -> None:
        self.rows = rows
        self.examples = examples
        self.wants = wants
        self.key = key


@final
class Bag:
    """A list's elements on each train example as rows of a lambda context: ``counts``
    (rows x examples: how often each row comes up), the rows used at all, each example's
    rows, whether no example's list is empty, and the rows' sets as bytes."""

    __slots__ = ("counts", "full", "rows", "sets", "used")

    def __init__(self, counts: Any) -> None:
        import numpy as np

        self.counts = counts
        self.used = counts.any(axis=1)
        self.rows = [np.flatnonzero(c) for c in counts.T]
        self.full = all(len(r) for r in self.rows)
        self.sets = (counts > 0).tobytes()

    @staticmethod
    def of(vec: Vec, frame: Frame, row_of: dict[tuple[int, object], int], width: int) -> Bag | None:
        """The bag of ``vec`` (a list on each row of the frame's context) on the frame's
        rows, its elements found in ``row_of`` (by example and value) among the first
        ``width`` rows of the lambda context."""
        import numpy as np

        counts = np.zeros((width, len(frame.rows)), dtype=np.float64)
        for j, r in enumerate(frame.rows):
            xs, i = vec[r], frame.examples[r]
            if not isinstance(xs, tuple):
                return None
            for x in xs:
                row = row_of.get((i, x))
                if row is None or row >= width:
                    return None
                counts[row, j] += 1
        return Bag(counts)


def _only_own(recipe: Recipe) -> bool:
    """Whether a body's variables are all ``$0`` (and it holds no lambda): it then means
    the same inside any lambda of one parameter."""
    if isinstance(recipe, Var):
        return recipe.index == 0
    if isinstance(recipe, Expr):
        return True
    assert isinstance(recipe, tuple)
    if len(recipe) != 2:
        return False  # a lambda
    return all(_only_own(a) for a in recipe[1])


def reduced(outer: Rule, inner: Rule, body: Recipe, xs: Recipe) -> Recipe:
    """The recipe ``(outer (inner (lam body) xs))``."""
    return (outer.expr, ((inner.expr, (wrap(body, 1), xs)),))


def fresh(
    done: set[tuple[int, ...]], key: tuple[int, ...], lists: int, bodies: int
) -> list[tuple[int, int]]:
    """The (list cost, body cost) pairs up to ``lists`` and ``bodies`` not yet in
    ``done`` under ``key``, cheapest first; they are marked done."""
    pairs = sorted(
        (c + b, c, b)
        for c in range(1, lists + 1)
        for b in range(1, bodies + 1)
        if (*key, c, b) not in done
    )
    done.update((*key, c, b) for _, c, b in pairs)
    return [(c, b) for _, c, b in pairs]


def train_rows(lctx: Context, n_train: int) -> int:
    """How many rows of the context belong to train examples: they come first, as the
    main context's rows do (each row extends a row of its parent, in order)."""
    return next((r for r, i in enumerate(lctx.example) if i >= n_train), len(lctx.example))


def _lambda_result(rule: Rule) -> Type | None:
    sig = rule.args[0] if rule.args else None
    if not isinstance(sig, Signature) or len(sig.params) != 1 or len(rule.args) != 2:
        return None
    return sig.result
