"""The probability mass of bottom-up search's solutions: for each class of programs that
fit the train examples (one value on every train and test input), the summed priors of
every program found to compute it, not just the one kept.

Bottom-up search keeps one program per value and drops the others that compute it. A
function many programs compute (``any even?``, ``not all odd?``, ...) is reached again
and again; a cheap program that fits the examples by coincidence, rarely. Each program
built counts with the prior its cost gives it (``q ** cost``, ``q`` being one over the
number of productions: a uniform grammar's prior); only the programs built from kept
arguments are counted, the others being never built (the classes of the arguments count
once each: carrying their masses up, the inside algorithm proper, made the search
nearly half slower on ``benchmarks/bottomup_throughput.py``; counting only the programs
that fit costs nothing measurable there). Masses are kept in probability space,
relative to the search.
"""

from __future__ import annotations

import math
from typing import final

from metagrow.search._bottomup_banks import Vec
from metagrow.search._engine import Mass


@final
class Masses:
    """Masses of the main context's classes that fit the train examples, by value."""

    def __init__(self, productions: int, search: int) -> None:
        self.log_q = -math.log(max(2, productions))
        self.search = search
        self.cells: dict[Vec, Mass] = {}
        self._weights: dict[int, float] = {}

    def weight(self, cost: int) -> float:
        """The prior of one program of ``cost``."""
        w = self._weights.get(cost)
        if w is None:
            w = self._weights[cost] = math.exp(self.log_q * cost)
        return w

    def single(self, cost: int) -> Mass:
        """The mass of one program of ``cost`` found another way (from the output)."""
        return Mass(self.weight(cost), self.search)

    def count(self, cost: int, out: Vec) -> Mass:
        """Count one more program of ``cost`` computing ``out``; its class's mass."""
        w = self.weight(cost)
        cell = self.cells.get(out)
        if cell is None:
            cell = self.cells[out] = Mass(w, self.search)
        else:
            cell.value += w
        return cell
