"""Colours renamed by their role, so that a task whose examples each use other colours
for the same parts reads as one task (cell tables, chains of operations and stacked
pieces are also read off the renamed grids).

A colour has a *fixed* role when the task's examples agree on it: every output shows it
and no input does (a colour the rule draws), no output shows it and every input does (a
colour the rule erases), it is in every grid, or every output shows the same colours.
Each other colour of an input is named by its rank in that input (most cells first, ties
by where it first appears), taking the free names in order; an output is renamed by its
input's table, and an answer is renamed back by its test input's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid

Table = npt.NDArray[np.uint8]
"""``table[c]`` is the name of colour ``c``: a permutation of the ten colours."""


def _colors(a: Cells) -> frozenset[int]:
    return frozenset(np.flatnonzero(np.bincount(a.ravel(), minlength=10)).tolist())


@final
@dataclass(frozen=True, slots=True)
class Palette:
    """The colours whose role is fixed; every other colour is named by its rank."""

    fixed: frozenset[int]

    @classmethod
    def read(cls, pairs: Sequence[tuple[Cells, Cells]], tests: Sequence[Cells]) -> Palette | None:
        """The palette of a task's train pairs; None if renaming changes nothing (every
        input, train and test, gets the same table)."""
        ins = [_colors(x) for x, _ in pairs]
        outs = [_colors(y) for _, y in pairs]
        in_all, in_any = frozenset.intersection(*ins), frozenset.union(*ins)
        out_all, out_any = frozenset.intersection(*outs), frozenset.union(*outs)
        fixed = (out_any - in_any) | (in_all - out_any) | (in_all & out_all)
        if out_all == out_any:
            fixed |= out_all
        palette = cls(fixed)
        first = palette.table(pairs[0][0])
        grids = [x for x, _ in pairs] + list(tests)
        if all(np.array_equal(palette.table(a), first) for a in grids):
            return None
        return palette

    def table(self, a: Cells) -> Table:
        """The names of ``a``'s colours: fixed colours keep theirs, the others take the
        free names by rank in ``a``, and colours ``a`` does not show the rest in order."""
        counts = np.bincount(a.ravel(), minlength=10)
        flat = a.ravel()
        first = np.full(10, flat.size, dtype=np.intp)
        np.minimum.at(first, flat, np.arange(flat.size))
        ranked = sorted(
            (c for c in range(10) if counts[c] and c not in self.fixed),
            key=lambda c: (-int(counts[c]), int(first[c])),
        )
        rest = [c for c in range(10) if not counts[c] and c not in self.fixed]
        free = [c for c in range(10) if c not in self.fixed]
        table = np.arange(10, dtype=np.uint8)
        for color, name in zip(ranked + rest, free, strict=True):
            table[color] = name
        return table


def inverse(table: Table) -> Table:
    """The table that renames back."""
    back = np.empty(10, dtype=np.uint8)
    back[table] = np.arange(10, dtype=np.uint8)
    return back


class Rule(Protocol):
    """A rule read off a task's examples: named, and None on a grid it does not know."""

    @property
    def name(self) -> str: ...

    def __call__(self, g: Grid, /) -> Grid | None: ...


@final
@dataclass(frozen=True, slots=True, eq=False)
class RenamedRule:
    """A rule fitted to grids renamed by ``palette``: it renames its input's colours
    first and names its answer's back after."""

    rule: Rule
    palette: Palette
    name: str

    def __call__(self, g: Grid) -> Grid | None:
        table = self.palette.table(g.cells)
        got = self.rule(Grid(table[g.cells]))
        return None if got is None else Grid(inverse(table)[got.cells])


def renamed(
    find: Callable[[Sequence[tuple[Grid, Grid]], Sequence[Grid]], Rule | None],
    pairs: Sequence[tuple[Grid, Grid]],
    tests: Sequence[Grid],
) -> RenamedRule | None:
    """What ``find`` reads off the task with its colours renamed by role, as a rule on
    the grids as they are (named ``<rule>_renamed``); None if renaming changes nothing
    or ``find`` finds nothing."""
    palette = Palette.read([(x.cells, y.cells) for x, y in pairs], [g.cells for g in tests])
    if palette is None:
        return None
    tables = [palette.table(x.cells) for x, _ in pairs]
    renamed_pairs = [
        (Grid(t[x.cells]), Grid(t[y.cells])) for t, (x, y) in zip(tables, pairs, strict=True)
    ]
    renamed_tests = [Grid(palette.table(g.cells)[g.cells]) for g in tests]
    rule = find(renamed_pairs, renamed_tests)
    return None if rule is None else RenamedRule(rule, palette, f"{rule.name}_renamed")
