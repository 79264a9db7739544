"""Variation operators of typed genetic programming over ``Expr``: crossover between
subtrees of the same type, and subtree, point and hoist mutation.

Every operator cuts at a :class:`~metagrow.search._sites.Site` and grafts a subprogram
that has the site's type where the variables it uses have the same types; a child the
grammar cannot produce (checked by typing it whole) is discarded (``None``), as is one
larger than ``max_size`` nodes or equal to its parent.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import final

from metagrow.lang import Context, Expr, Grammar, Type, apply, sample_program, shift, spine
from metagrow.search._sites import Site, Typer, Typing, free_variables, replace_at

_TRIES = 4
"""Cut points tried before an operator gives up on a parent."""
_INNER = 0.9
"""Chance of cutting at an inner node rather than a leaf (Koza's rule: leaves are many)."""


@final
class Breeder:
    """The operators for programs of one type under one grammar, drawing from ``rng``."""

    def __init__(
        self,
        grammar: Grammar,
        request: Type,
        rng: random.Random,
        max_size: int = 40,
        mutation_depth: int = 2,
    ) -> None:
        self.grammar = grammar
        self.request = request
        self.rng = rng
        self.max_size = max_size
        self.mutation_depth = mutation_depth
        self.typer = Typer(grammar, request)
        self._typed: dict[Expr, Typing | None] = {}
        self._free: dict[Expr, frozenset[int]] = {}
        self.operators: dict[str, Callable[[Expr, Expr], Expr | None]] = {
            "crossover": self.crossover,
            "subtree": lambda a, _: self.subtree_mutation(a),
            "point": lambda a, _: self.point_mutation(a),
            "hoist": lambda a, _: self.hoist_mutation(a),
        }

    def typing(self, program: Expr) -> Typing | None:
        """The sites and prior of ``program``, ``None`` if the grammar cannot produce it."""
        if program not in self._typed:
            self._typed[program] = self.typer(program)
        return self._typed[program]

    def sites(self, program: Expr) -> tuple[Site, ...] | None:
        typed = self.typing(program)
        return None if typed is None else typed.sites

    def forget(self, keep: set[Expr]) -> None:
        """Drop the typings of programs not in ``keep`` (the populations), to bound memory."""
        self._typed = {p: t for p, t in self._typed.items() if p in keep}
        if len(self._free) > 200_000:
            self._free.clear()

    def crossover(self, a: Expr, b: Expr) -> Expr | None:
        """``a`` with a subtree replaced by one of ``b``'s of the same type, whose free
        variables have the same types at the cut."""
        sa, sb = self.sites(a), self.sites(b)
        if not sa or not sb:
            return None
        for _ in range(_TRIES):
            cut = self._cut(sa)
            donors = [d for d in sb if d.expr is not cut.expr and self._fits(d, cut, 0)]
            if donors:
                return self._child(a, replace_at(a, cut.path, self.rng.choice(donors).expr))
        return None

    def subtree_mutation(self, a: Expr) -> Expr | None:
        """``a`` with a subtree replaced by a fresh draw from the grammar."""
        sa = self.sites(a)
        if not sa:
            return None
        for _ in range(_TRIES):
            cut = self._cut(sa)
            depth = self.rng.randint(0, self.mutation_depth)
            new = sample_program(self.grammar, cut.type, self.rng, depth, cut.env)
            if new is not None and new is not cut.expr:
                return self._child(a, replace_at(a, cut.path, new))
        return None

    def point_mutation(self, a: Expr) -> Expr | None:
        """``a`` with one node's head (a primitive, invention or variable) replaced by
        another of the same arity, its arguments kept."""
        sa = self.sites(a)
        if not sa:
            return None
        for _ in range(_TRIES):
            cut = sa[self.rng.randrange(len(sa))]
            head, args = spine(cut.expr)
            used = [v for t in (cut.type, *cut.env) for v in t.free_vars()]
            ctx = Context(max(used, default=-1) + 1)
            others = [
                c.expr
                for c in self.grammar.candidates(cut.type, ctx, cut.env)
                if len(c.arguments) == cut.arity and c.expr is not head
            ]
            if others:
                new = apply(self.rng.choice(others), *args)
                child = self._child(a, replace_at(a, cut.path, new))
                if child is not None:
                    return child
        return None

    def hoist_mutation(self, a: Expr) -> Expr | None:
        """``a`` with a subtree replaced by one of its own subtrees of the same type
        (a shrinking move, against bloat)."""
        sa = self.sites(a)
        if not sa:
            return None
        for _ in range(_TRIES):
            cut = self._cut(sa)
            n = len(cut.path)
            inner = [
                d
                for d in sa
                if len(d.path) > n
                and d.path[:n] == cut.path
                and self._fits(d, cut, len(d.env) - len(cut.env))
            ]
            if inner:
                d = self.rng.choice(inner)
                lift = len(d.env) - len(cut.env)
                new = shift(d.expr, -lift) if lift else d.expr
                return self._child(a, replace_at(a, cut.path, new))
        return None

    def _cut(self, found: Sequence[Site]) -> Site:
        inner = [s for s in found if s.arity]
        if inner and self.rng.random() < _INNER:
            return self.rng.choice(inner)
        return self.rng.choice(found)

    def _fits(self, donor: Site, cut: Site, lift: int) -> bool:
        """Whether ``donor``'s subprogram, its free variables lowered by ``lift``, has
        ``cut``'s type in ``cut``'s scope (compared in canonical form: exact for ground
        types, cautious for polymorphic ones; the child is typed whole anyway)."""
        if donor.type != cut.type:
            return False
        for i in free_variables(donor.expr, self._free):
            j = i - lift
            if j < 0 or j >= len(cut.env) or donor.env[i] != cut.env[j]:
                return False
        return True

    def _child(self, parent: Expr, child: Expr) -> Expr | None:
        if child is parent or child.size > self.max_size or self.typing(child) is None:
            return None
        return child
