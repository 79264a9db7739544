"""The probability mass of each main-context class of bottom-up search (the inside
algorithm over observational-equivalence classes).

Bottom-up search keeps one program per value and drops the others that compute it. The
mass of a kept class sums the priors of every program found to compute its value: a
program's prior is its production's weight times the masses of its arguments' classes.
A function many programs compute (``any even?``, ``not all odd?``, ...) gathers mass; a
cheap program that fits the examples by coincidence gathers little. Masses are kept in
probability space, relative to the search: products of weights below ``1e-300`` (about
65 uniform choices among 100 productions) are far beyond the programs a search reaches.

Only the main context counts masses (a lambda argument counts as one program of its cost:
the lambda contexts hold most programs, and counting there would slow the search); a
class used as an argument before all its members were found passes on part of its mass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import final

from metagrow.lang import Type
from metagrow.search._bottomup_banks import Entry, Vec
from metagrow.search._engine import Mass


@final
class Masses:
    """Masses of the main context's kept classes, by type and value.

    A production of cost ``c`` weighs ``q ** ((c + 1) / 2)``, ``q`` being one over the
    grammar's ``productions`` (cost counts halves of a uniform choice's description
    length past the first, see :class:`~metagrow.search.BottomUpEnumerator`), and a
    lambda argument of cost ``c`` weighs ``q ** c``."""

    def __init__(self, productions: int, search: int) -> None:
        self.log_q = -math.log(max(2, productions))
        self.search = search
        self.cells: dict[Type, dict[Vec, Mass]] = {}
        self.of: dict[int, Mass] = {}  # by id of a kept value
        self._weights: dict[float, float] = {}

    def weight(self, cost: float) -> float:
        w = self._weights.get(cost)
        if w is None:
            w = self._weights[cost] = math.exp(self.log_q * cost)
        return w

    def built(
        self, t: Type, cost: int, split: Sequence[int], combo: Sequence[Entry], out: Vec, new: bool
    ) -> None:
        """Count a program of type ``t`` built by a production of ``cost`` from the
        arguments ``combo`` (of costs ``split``) with values ``out``: a new class if
        ``new``, else one more program of the kept class of ``out``."""
        w = self.weight((cost + 1) / 2)
        of = self.of
        for (_, v), c in zip(combo, split, strict=True):
            m = of.get(id(v))
            w *= self.weight(c) if m is None else m.value
        cells = self.cells.get(t)
        if cells is None:
            cells = self.cells[t] = {}
        if new:
            cells[out] = of[id(out)] = Mass(w, self.search)
            return
        kept = cells.get(out)
        if kept is None:  # a leaf's class (leaves are not counted): from now on
            cells[out] = Mass(w, self.search)
        else:
            kept.value += w

    def of_value(self, t: Type, out: Vec) -> Mass | None:
        """The mass of the kept class of type ``t`` with values ``out``, if counted."""
        return self.cells.get(t, {}).get(out)
