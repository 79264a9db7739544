"""Grids drawn as lattices: lines of one colour cut the grid into panels, each of one
colour, so that the grid reads as a small grid with one cell per panel. Where every
train input and output of a task reads so, with the same lines in each output as in its
input, a rule read off the small grids (a cell table, a chain of operations, a stamp) is
a rule on the grids as they are: each cell of its answer painted over its panel, the
lines kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._objects import piece_spans
from metagrow.domains.grids._palette import Rule

Spans = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]
"""The row spans and the column spans of the panels."""


def condensed(c: Cells) -> tuple[Cells, Spans] | None:
    """The small grid of ``c``'s panels (each panel's one colour) and their spans; None
    where no lines cut ``c`` or a panel shows more than one colour."""
    try:
        rows, cols, _ = piece_spans(c)
    except ValueError:
        return None
    small = np.empty((len(rows), len(cols)), dtype=np.uint8)
    for i, (top, bottom) in enumerate(rows):
        for j, (left, right) in enumerate(cols):
            panel = c[top:bottom, left:right]
            first = panel[0, 0]
            if (panel != first).any():
                return None
            small[i, j] = first
    return small, (tuple(rows), tuple(cols))


def expanded(small: Cells, like: Cells, spans: Spans) -> Cells:
    """``like`` with each panel painted the colour of its cell of ``small``."""
    out = like.copy()
    rows, cols = spans
    for i, (top, bottom) in enumerate(rows):
        for j, (left, right) in enumerate(cols):
            out[top:bottom, left:right] = small[i, j]
    return out


@final
@dataclass(frozen=True, slots=True, eq=False)
class LatticeRule:
    """A rule fitted to the small grids of lattices, as a rule on the grids as drawn;
    None on a grid that is not a lattice, or where the rule's answer is not of its
    small grid's shape."""

    rule: Rule
    name: str

    def __call__(self, g: Grid) -> Grid | None:
        read = condensed(g.cells)
        if read is None:
            return None
        small, spans = read
        got = self.rule(Grid(small))
        if got is None or got.cells.shape != small.shape:
            return None
        return Grid(expanded(got.cells, g.cells, spans))


def latticed(
    find: Callable[[Sequence[tuple[Grid, Grid]], Sequence[Grid]], Rule | None],
    pairs: Sequence[tuple[Grid, Grid]],
    tests: Sequence[Grid],
) -> LatticeRule | None:
    """What ``find`` reads off the task's small grids, as a rule on the grids as they
    are (named ``<rule>_lattice``); None unless every grid is a lattice and each train
    output has its input's panels, or if ``find`` finds nothing."""
    small_pairs = []
    for x, y in pairs:
        read_x, read_y = condensed(x.cells), condensed(y.cells)
        if read_x is None or read_y is None or read_x[1] != read_y[1]:
            return None
        small_pairs.append((Grid(read_x[0]), Grid(read_y[0])))
    small_tests = []
    for g in tests:
        read = condensed(g.cells)
        if read is None:
            return None
        small_tests.append(Grid(read[0]))
    rule = find(small_pairs, small_tests)
    return None if rule is None else LatticeRule(rule, f"{rule.name}_lattice")
