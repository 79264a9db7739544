"""Bottom-up enumeration with observational equivalence.

Programs are built from the leaves up, cheapest first, and evaluated as they are built:
a program's value is the tuple of its results on every example (train and test inputs),
and a program is kept only if no cheaper kept program of the same type has the same
value. Keeping test inputs in the value keeps apart programs that agree on the train
examples but predict differently, which gives distinct second attempts.

Function arguments of higher-order primitives (``map``, ``filter``, ``fold``, ...) are
lambdas whose bodies are enumerated the same way in their own context: one row per
(example, argument value) pair, the argument values being those of that type found in
the example's inputs (and, for ints, the positions in its lists). Two bodies are the
same lambda when they agree on every row. A lambda applied to a value outside its rows is
run by the interpreter. A lambda's body may itself call ``map``, ``filter``, ``fold``,
...: the inner lambda is enumerated in a context of its own whose rows extend each row of
the outer lambda's context (so the outer lambda's parameters are leaves of its body);
bodies two lambdas deep make no higher-order calls. A body may fail on
some rows of its context (``(index $0 $1)`` past the end of the list): it is kept, with
:data:`FAILED` on those rows, and a call that reaches one of them fails.

A ``map`` or ``filter`` of a kept list whose result would be the output is also searched
from the output (:mod:`._directed`): its lambda's values on the list's elements are known,
so its body is looked for among the kept bodies, a level ahead of the main context, as a
sum or difference of two kept bodies, or as a conditional ``(if c a b)`` of three
(:mod:`._branches`); so is an ``append`` of two kept lists that begin and end the output,
and an int output that is a sum, maximum, minimum or count over a kept list of what a
kept body gives on its elements (:mod:`._reduce`). Those solutions are held back until
the main context has built every cheaper program.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import final

from metagrow.lang import (
    Expr,
    Grammar,
    Task,
    Type,
    Var,
    lambdas,
    log_prior,
)
from metagrow.search._bottomup_banks import (
    Bank,
    Compiled,
    Context,
    Entry,
    Recipe,
    Vec,
    build,
    thunk,
    wrap,
)
from metagrow.search._bottomup_mass import Masses
from metagrow.search._budget import Budget, Progress
from metagrow.search._directed import FromOutput
from metagrow.search._engine import Engine, Mass, Solution, fallbacks_in
from metagrow.search._lambdas import CALL_ALLOWANCE, FAILED, Allowance, Slow, Stop, lookup
from metagrow.search._memory import GIVE_BACK_MB, give_back, grown_mb, resident_mb
from metagrow.search._rules import Rule, Signature, compositions, probes, rules, universe

_BYTES_PER_KEPT = 700
"""About how much memory one kept program (recipe, values, seen-set entry) holds."""
_FREE_SECONDS = 2.5e-6
"""About how long freeing one kept program takes (2.4-2.5 us measured on ARC grids,
whose values are larger than lists'); search stops early enough to free its banks within
the budget."""


_RESIDENT_EVERY = 0xFF
"""Resident memory is read once in this many programs (plus one): about 13 us a read.
Once in 4,096 was too coarse where each value is a list of hundreds of grids (the
objects of a noisy 30x30 grid): a worker passed its bound by a gigabyte between reads
(ARC-AGI-1 evaluation `0a1d4ef5` at 30 s: 2.55 GB peak, 1.50 GB once in 512)."""


_NEAR = 4
"""Near misses kept, for a search that ends without a solution (partial credit)."""
_AHEAD = 1
"""How many levels further than the main context needs the search from the output grows
lambda bodies (a lambda level costs about what the main level of the same cost does)."""
_MAX_DEPTH = 2
"""Lambdas in lambdas, not deeper: the main context is at depth 0, and bodies at depth 2
make no higher-order calls."""
_NESTED_COST = 0
"""What a higher-order production costs more inside a lambda's body than elsewhere (none:
at the levels a few seconds reach the inner contexts stay small; with 2 the deep main
levels were not faster in the runs measured, and nested programs were out of reach)."""
_NESTED_ROWS = 1024
"""About how many rows a lambda context inside a lambda context has at most."""


@final
class BottomUpEnumerator(Engine):
    """Cheapest-first bottom-up search, one program kept per distinct value.

    A production's cost is 1 plus its log-weight deficit to the most likely production,
    in units of half the description length of a uniform choice (so 1 throughout a
    uniform grammar, more for productions a learned grammar makes rare); a variable
    costs 1. Solutions report their log-prior in nats under the grammar, as the top-down
    enumerator does (:func:`metagrow.lang.log_prior`), not this cost, and as ``mass`` the
    summed priors of the programs found to compute the same values
    (:mod:`._bottomup_mass`). ``max_cost`` bounds program cost, ``max_bank`` the
    programs kept, and ``max_growth_mb`` (or the budget's ``memory_mb``, which wins) the
    resident memory the process may gain while the search runs: past it the banks grow
    no more (measured, where ``memory_mb`` alone sizes ``max_bank`` by an estimate per
    program that ARC grids exceed several times)."""

    name = "bottomup"

    def __init__(
        self, max_cost: int = 60, max_bank: int = 2_000_000, max_growth_mb: int | None = None
    ) -> None:
        if max_cost <= 0 or max_bank <= 0 or (max_growth_mb is not None and max_growth_mb <= 0):
            raise ValueError("max_cost, max_bank and max_growth_mb must be positive")
        self.max_cost = max_cost
        self.max_bank = max_bank
        self.max_growth_mb = max_growth_mb

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        progress = progress or Progress()
        progress.begin(budget)
        max_bank = self.max_bank
        if budget.memory_mb is not None:
            max_bank = min(max_bank, budget.memory_mb * 2**20 // _BYTES_PER_KEPT)
        growth = self.max_growth_mb if budget.memory_mb is None else budget.memory_mb
        search = _Search(task, grammar, budget, progress, max_bank, growth)
        # The banks hold millions of values and no reference cycles: the cyclic collector
        # would go through them all again and again (a fifth of the search's time), so it
        # is off until they are freed.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for cost in range(1, self.max_cost + 1):
                for expr, mass in search.level(cost):
                    prior = log_prior(expr, task.request, grammar)
                    tried = progress.programs_tried
                    yield Solution(expr, prior, 1.0, progress.elapsed, tried, mass=mass)
        except Stop:
            pass
        finally:
            held = search.from_output.held_back()
            search.free()
            if grown_mb(search.start_mb) > GIVE_BACK_MB:
                give_back()
            if collecting:
                # What outlives the banks (values a domain's primitives remember) was made
                # with the collector off, so its first pass would walk all of it: 0.2-0.3 s
                # on ARC grids, past the budget. Frozen, it waits for a later full pass.
                gc.freeze()
                gc.enable()
        try:
            for expr in held:  # found from the output, past the levels the budget allowed
                search.solved = search.solved or not fallbacks_in(expr, grammar)
                prior = log_prior(expr, task.request, grammar)
                mass, tried = search.masses.single(cost + 1), progress.programs_tried
                yield Solution(expr, prior, 1.0, progress.elapsed, tried, mass=mass, beyond=True)
            if not search.solved:
                for hits, _, recipe in search.near:
                    expr = lambdas(build(recipe), search.n_args)
                    score, prior = hits / search.n_train, log_prior(expr, task.request, grammar)
                    yield Solution(expr, prior, score, progress.elapsed, progress.programs_tried)
        finally:
            if collecting:
                gc.unfreeze()


class _Search:
    def __init__(
        self,
        task: Task,
        grammar: Grammar,
        budget: Budget,
        progress: Progress,
        max_bank: int,
        max_growth_mb: int | None = None,
    ) -> None:
        self.max_growth_mb = max_growth_mb
        self.start_mb = resident_mb()
        self.grammar = grammar
        self.progress = progress
        self.budget = budget
        self.limit = budget.programs
        self.max_bank = max_bank
        self.kept = 0
        self.request = task.request
        self.n_args = len(task.request.arguments())
        examples = (*task.train, *task.test)
        self.n_train = len(task.train)
        self.target = tuple(ex.output for ex in task.train)
        self.near: list[tuple[int, int, Recipe]] = []  # (train examples right, cost, program)
        self.solved = False
        self.universe = universe(task.request, grammar)
        inputs = [tuple(reversed(ex.inputs)) for ex in examples]  # $0 is the last argument
        self.main = Context(
            tuple(reversed(task.request.arguments())), inputs, list(range(len(inputs)))
        )
        self.inputs = [ex.inputs for ex in examples]
        self.arg_types = task.request.arguments()
        self.rules = rules(grammar, self.universe, budget.run_limits)
        self.first_order = [r for r in self.rules if not r.higher]
        # In a lambda's body a higher-order call costs more: its own lambda is searched
        # in a context of (rows of the outer lambda) x (its own parameters' values).
        self.nested = [
            dataclasses.replace(r, cost=r.cost + _NESTED_COST) if r.higher else r
            for r in self.rules
        ]
        self.lambda_contexts = self.main.children
        self.lambda_fns: dict[int, list[Callable[..., object]]] = {}  # by id of the recipe
        self.allowance = Allowance()
        self.ret = task.request.returns()
        self.fallbacks = any(p.fallback for p in grammar.primitives.values())
        self.from_output = FromOutput(self)
        self.masses = Masses(len(grammar.productions) + 1, id(self))

    def free(self) -> None:
        """Drop every kept program but the near misses."""
        self.main.bank = Bank(0)
        self.main.children.clear()
        self.main.pools.clear()
        self.lambda_fns.clear()

    # -- levels -------------------------------------------------------------------------

    def level(self, cost: int) -> Iterator[tuple[Expr, Mass | None]]:
        """Build every main-context program of exactly ``cost``, yielding each solution
        as soon as it is built (and those found from the output that cost no more)."""
        self.from_output.search_to(cost - 3 + _AHEAD)
        for program in self.from_output.release(cost):
            self.solved = self.solved or not fallbacks_in(program, self.grammar)
            yield program, self.masses.single(cost)
        for t, expr, vec in self._grow(self.main, cost, self.rules):
            if t != self.ret:
                continue
            train = vec[: self.n_train]
            if train == self.target:
                program = lambdas(build(expr), self.n_args)
                # After a fallback's solution, near misses may still be better attempts.
                self.solved = self.solved or not fallbacks_in(program, self.grammar)
                yield program, self.masses.count(cost, vec)
            elif self.n_train > 1 and not self.solved:  # near misses matter only until then
                self._near_miss(sum(map(operator.eq, train, self.target)), cost, expr)
        self.main.bank.done = cost

    def _near_miss(self, hits: int, cost: int, expr: Recipe) -> None:
        """Keep the cheapest programs right on the most train examples (at least half),
        leaving out those around a fallback primitive (its near misses mean nothing)."""
        if 2 * hits < self.n_train or (len(self.near) == _NEAR and hits <= self.near[-1][0]):
            return
        if self.fallbacks and fallbacks_in(build(expr), self.grammar):
            return
        self.near.append((hits, cost, expr))
        self.near.sort(key=lambda n: -n[0])  # stable: cheaper first among equals
        del self.near[_NEAR:]

    def _grow(
        self, ctx: Context, cost: int, rules: Sequence[Rule]
    ) -> Iterator[tuple[Type, Recipe, Vec]]:
        """Build and keep every program of exactly ``cost`` in ``ctx``; yield the new ones."""
        bank = ctx.bank
        fit, n, main = self.target, self.n_train, ctx is self.main and self.n_train > 0
        progress, limit, apply = self.progress, self.limit, self._apply
        partial, in_main = ctx.partial, ctx is self.main
        out: Vec | None
        if cost == 1:
            for i, t in enumerate(ctx.types):
                if t in self.universe:
                    vec = tuple(row[i] for row in ctx.env)
                    self._count()
                    if bank.add(1, t, Var(i), vec):
                        yield t, Var(i), vec
        for rule in rules:
            left = cost - rule.cost
            if left < len(rule.args) or (not rule.args and left != 0):
                continue
            if not rule.args:
                vec = (rule.fn,) * bank.rows
                self._count()
                if bank.add(cost, rule.result, rule.expr, vec):
                    yield rule.result, rule.expr, vec
                continue
            seen = bank.seen.setdefault(rule.result, set())
            counting = main and rule.result == self.ret  # count programs of solutions
            kept = bank.kept(cost, rule.result)
            # _apply's common case inline: a first-order rule on values without failed rows
            plain, fn, arity = not (rule.higher or rule.lazy), rule.fn, len(rule.args)
            for split in compositions(left, len(rule.args)):
                if rule.commutative and split[0] > split[1]:
                    continue  # the mirrored split builds the same values
                pools = [self._pool(ctx, a, c) for a, c in zip(rule.args, split, strict=True)]
                if any(not p for p in pools):
                    continue
                if rule.commutative and split[0] == split[1]:
                    combos: Iterator[tuple[Entry, ...]] = itertools.combinations_with_replacement(
                        pools[0], 2
                    )
                else:
                    combos = itertools.product(*pools)
                for combo in combos:
                    tried = progress.programs_tried = progress.programs_tried + 1  # _count's
                    if not tried & 0xF:
                        self.check()
                    if limit is not None and tried >= limit:
                        raise Stop
                    if plain and not partial:
                        try:
                            if arity == 1:
                                out = tuple(map(fn, combo[0][1]))
                            elif arity == 2:
                                out = tuple(map(fn, combo[0][1], combo[1][1]))
                            else:
                                out = tuple(map(fn, *[v for _, v in combo]))
                        except Exception:  # (a body may fail on some rows of a lambda's)
                            cols = [v for _, v in combo]
                            out = None if in_main else self._by_row(bank.rows, rule, cols)
                    else:
                        out = apply(ctx, rule, combo)
                    if out is None:
                        continue
                    known = len(seen)
                    seen.add(out)  # one hash of the values, where a test and an add take two
                    if len(seen) == known:
                        if counting and out[0] == fit[0] and out[:n] == fit:
                            self.masses.count(cost, out)  # one more program of a solution
                        continue  # a cheaper program has these values
                    expr = (rule.expr, tuple([e for e, _ in combo]))
                    kept.append((expr, out))
                    self.kept += 1
                    if ctx is not self.main and FAILED in out:
                        ctx.partial.add(id(out))
                    yield rule.result, expr, out

    def _pool(self, ctx: Context, arg: Type | Signature, cost: int) -> list[Entry]:
        if isinstance(arg, Signature):
            return self._lambdas(ctx, arg, cost)
        return ctx.bank.at(cost, arg)

    def _count(self) -> None:
        p = self.progress
        p.programs_tried += 1
        if p.programs_tried & 0xF == 0:
            self.check()
        if self.limit is not None and p.programs_tried >= self.limit:
            raise Stop

    def check(self) -> None:
        """Stop when the time left is what freeing the banks takes, or they are full, or
        the process has grown by ``max_growth_mb`` since the search began (read now and
        then)."""
        if self.progress.remaining() <= self.kept * _FREE_SECONDS or self.kept > self.max_bank:
            raise Stop
        if self.max_growth_mb is None or self.progress.programs_tried & _RESIDENT_EVERY:
            return
        if grown_mb(self.start_mb) > self.max_growth_mb:
            raise Stop

    # -- applying rules -------------------------------------------------------------------

    def _apply(self, ctx: Context, rule: Rule, combo: tuple[Entry, ...]) -> Vec | None:
        cols = self._columns(ctx, rule, combo) if rule.higher else [v for _, v in combo]
        if ctx.partial and any(id(v) in ctx.partial for _, v in combo):
            return self._by_row(ctx.bank.rows, rule, cols)
        fn = rule.fn
        try:
            if rule.lazy:
                return tuple(fn(*(thunk(c[r]) for c in cols)) for r in range(ctx.bank.rows))
            if rule.higher:
                return tuple(fn(*args) for args in zip(*cols, strict=True))
            if len(cols) == 1:
                return tuple(map(fn, cols[0]))
            if len(cols) == 2:
                return tuple(map(fn, cols[0], cols[1]))
            return tuple(map(fn, *cols))
        except Exception:
            # In a lambda's context, a body may fail on some rows and still be right on
            # the values the lambda is called with.
            return None if ctx is self.main else self._by_row(ctx.bank.rows, rule, cols)

    def _columns(
        self, ctx: Context, rule: Rule, combo: tuple[Entry, ...]
    ) -> list[Sequence[object]]:
        """The arguments of a higher-order rule on each row: lambdas as functions."""
        columns: list[Sequence[object]] = []
        for arg, (expr, vec) in zip(rule.args, combo, strict=True):
            if isinstance(arg, Signature):
                columns.append(self._functions(ctx, expr, vec, arg.params))
            else:
                columns.append(vec)
        self.allowance.left = CALL_ALLOWANCE * max(1, ctx.bank.rows // self.main.bank.rows)
        return columns

    def _by_row(self, rows: int, rule: Rule, cols: Sequence[Sequence[object]]) -> Vec | None:
        """``rule`` applied row by row, :data:`FAILED` where it fails or an argument it
        needs does; ``None`` when it fails everywhere."""
        out: list[object] = []
        fn = rule.fn
        for r in range(rows):
            args = [c[r] for c in cols]
            self.allowance.left = CALL_ALLOWANCE
            try:
                if rule.lazy:
                    out.append(fn(*map(thunk, args)))
                elif any(a is FAILED for a in args):
                    out.append(FAILED)
                else:
                    out.append(fn(*args))
            except Exception:
                out.append(FAILED)
        if all(v is FAILED for v in out):
            return None
        return tuple(out)

    # -- lambdas ----------------------------------------------------------------------------

    def _lambdas(self, ctx: Context, sig: Signature, cost: int) -> list[Entry]:
        """Lambdas of ``sig`` costing ``cost`` (one per lambda node plus the body), as
        arguments in ``ctx``."""
        body_cost = cost - len(sig.params)
        if body_cost < 1 or ctx.depth >= _MAX_DEPTH:
            return []
        lctx = self._lambda_context(ctx, sig.params)
        if lctx is None:
            return []
        key = (sig, cost)
        pool = ctx.pools.get(key)
        if pool is None:
            bank = lctx.bank
            while bank.done < body_cost - 1:
                self._grow_lambda_level(lctx, None)
            if bank.done < body_cost:  # the frontier level: only the bodies asked for
                self._grow_lambda_level(lctx, sig.result)
            pool = [(wrap(e, len(sig.params)), v) for e, v in bank.at(body_cost, sig.result)]
            ctx.pools[key] = pool
        return pool

    def _grow_lambda_level(self, lctx: Context, only: Type | None) -> None:
        """Build the next level of a lambda context's bodies, or only its bodies of type
        ``only`` (the others may be built later: they need only the levels below)."""
        bank = lctx.bank
        level = bank.done + 1
        if level == 1:
            only = None  # the variables, of every type, come first
        rules = [
            r
            for r in (self.nested if lctx.depth < _MAX_DEPTH else self.first_order)
            if r.result not in bank.next and (only is None or r.result == only)
        ]
        for _ in self._grow(lctx, level, rules):
            pass
        if only is None:
            bank.done = level
            bank.next = set()
        else:
            bank.next.add(only)

    def _lambda_context(self, parent: Context, params: tuple[Type, ...]) -> Context | None:
        """The rows a lambda of ``params`` inside ``parent`` is evaluated on: each parent
        row with the values of the parameters' types in its example's inputs."""
        if params in parent.children:
            return parent.children[params]
        env: list[tuple[object, ...]] = []
        example: list[int] = []
        parent_row: list[int] = []
        per_row = 64 if parent is self.main else max(2, _NESTED_ROWS // parent.bank.rows)
        for row, values in enumerate(parent.env):
            i = parent.example[row]
            choices = [probes(p, self.arg_types, self.inputs[i]) for p in params]
            for chosen in itertools.islice(itertools.product(*choices), per_row):
                env.append((*reversed(chosen), *values))  # innermost parameter is $0
                example.append(i)
                parent_row.append(row)
        ctx = None
        if env:
            ctx = Context((*reversed(params), *parent.types), env, example, parent, parent_row)
        parent.children[params] = ctx
        return ctx

    def _functions(
        self, ctx: Context, lam: Recipe, vec: Vec, params: tuple[Type, ...]
    ) -> list[Callable[..., object]]:
        """The lambda as a Python function on each row of ``ctx``: a table lookup on the
        rows its body was evaluated on, the interpreter elsewhere."""
        known = self.lambda_fns.get(id(lam))  # lambdas' recipes are not shared by contexts
        if known is not None:
            return known
        lctx = ctx.children[params]
        assert lctx is not None
        n = len(params)
        tables: list[dict[object, object]] = [{} for _ in ctx.env]
        for env, row, v in zip(lctx.env, lctx.parent_row, vec, strict=True):
            key = env[0] if n == 1 else tuple(reversed(env[:n]))
            tables[row][key] = v
        program = Compiled(lambdas(build(lam), len(ctx.types)), self.grammar)
        limits = self.budget.run_limits
        fns = [
            lookup(
                table,
                n,
                Slow(program, tuple(reversed(values)), limits, self.progress),
                self.allowance,
            )
            for table, values in zip(tables, ctx.env, strict=True)
        ]
        self.lambda_fns[id(lam)] = fns
        if ctx is not self.main:  # a lambda context has many rows: count what they hold
            self.kept += len(fns) // 2
        return fns
