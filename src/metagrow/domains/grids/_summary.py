"""Summary rules read off a task's examples: the output lists the input's colours, one
cell, row or column each, in an order the examples show, or draws one colour's count as
a bar or a diagonal ("the stripes' colours from left to right", "the colours from the
commonest down, in a column", "as many cells as the input has grey cells").

The input's colours are selected (the colours other than black, or than the background,
every colour, those but the commonest, or those with an object of the largest size),
ordered (by where they first appear, by how they spread across the grid, or by how many
cells they cover), measured (cells, objects by sides or corners, largest object) and laid
out (a row, a column, a row or column along the way they spread, one full row each, one
column each as tall as its measure: all alike, or a histogram over a fill colour; or,
for a single colour, a bar or a diagonal as long as its measure, over a fill colour read
off the outputs). The first combination, simplest first, that gives every train output
and an answer for every test input is kept. Ties in an order leave a grid without an
answer.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, final

import numpy as np

from metagrow.domains.grids._grid import MAX_SIDE, Cells, Grid
from metagrow.domains.grids._label import label_components
from metagrow.domains.grids._transforms import background


@final
@dataclass(frozen=True, slots=True)
class _Colour:
    colour: int
    cells: int
    objects4: int
    objects8: int
    largest: int
    top: int
    left: int
    row: float
    column: float


@final
@dataclass(frozen=True, slots=True)
class _Stats:
    background: int
    colours: tuple[_Colour, ...]

    @staticmethod
    def of(c: Cells) -> _Stats:
        bg = background(c)
        colours = []
        for k in np.unique(c).tolist():
            mask = c == k
            rows, cols = np.nonzero(mask)
            _, n4 = label_components(mask)
            labels8, n8 = label_components(mask, diagonal=True)
            sizes = np.bincount(labels8.ravel())[1:]
            colours.append(
                _Colour(
                    k,
                    len(rows),
                    n4,
                    n8,
                    int(sizes.max()),
                    int(rows.min()),
                    int(cols.min()),
                    float(rows.mean()),
                    float(cols.mean()),
                )
            )
        return _Stats(bg, tuple(colours))


def _fg(s: _Stats) -> list[_Colour]:
    return [k for k in s.colours if k.colour != s.background]


def _but_commonest(s: _Stats) -> list[_Colour]:
    fg = _fg(s)
    if not fg:
        return []
    most = max(k.cells for k in fg)
    if sum(k.cells == most for k in fg) != 1:
        return []
    return [k for k in fg if k.cells != most]


def _largest(s: _Stats) -> list[_Colour]:
    fg = _fg(s)
    most = max((k.largest for k in fg), default=0)
    return [k for k in fg if k.largest == most]


_SELECTIONS: Final[dict[str, Callable[[_Stats], list[_Colour]]]] = {
    "nonblack": lambda s: [k for k in s.colours if k.colour != 0],
    "fg": _fg,
    "all": lambda s: list(s.colours),
    "butcommonest": _but_commonest,
    "largest": _largest,
}
_MEASURES: Final[dict[str, Callable[[_Colour], int]]] = {
    "cells": lambda k: k.cells,
    "objects": lambda k: k.objects4,
    "objects8": lambda k: k.objects8,
    "largest": lambda k: k.largest,
}
_ORDERS: Final[dict[str, Callable[[_Colour], tuple[float, ...]]]] = {
    "rows": lambda k: (k.top, k.left),
    "columns": lambda k: (k.left, k.top),
    "spread": lambda k: (0,),  # replaced by rows or columns, see _ordered
    "most": lambda k: (-k.cells,),
    "fewest": lambda k: (k.cells,),
}
_LAYOUTS: Final = (
    "line",
    "row",
    "column",
    "rows",
    "columns",
    "histogram",
    "bar",
    "barcolumn",
    "diagonal",
)
_MEASURED: Final = frozenset({"columns", "histogram", "bar", "barcolumn", "diagonal"})
_FILLED: Final = frozenset({"histogram", "diagonal"})
_SINGLE: Final = frozenset({"bar", "barcolumn", "diagonal"})


def _ordered(items: list[_Colour], order: str) -> tuple[list[_Colour], bool] | None:
    """The items in ``order`` and whether they run across (along a row); ``None`` on a
    tie."""
    across = True
    if order == "spread":
        rows = [k.row for k in items]
        cols = [k.column for k in items]
        across = bool(np.ptp(cols) >= np.ptp(rows)) if items else True
        key: Callable[[_Colour], tuple[float, ...]] = (
            (lambda k: (k.column,)) if across else (lambda k: (k.row,))
        )
    else:
        key = _ORDERS[order]
    keys = [key(k) for k in items]
    if len(set(keys)) != len(keys):
        return None
    return [k for _, k in sorted(zip(keys, items, strict=True), key=lambda p: p[0])], across


@final
@dataclass(frozen=True, slots=True)
class SummaryRule:
    """One selection, order, measure and layout over a fill colour."""

    selection: str
    order: str
    measure: str
    layout: str
    fill: int

    @property
    def name(self) -> str:
        parts = [self.selection, self.order, self.layout]
        if self.layout in _MEASURED:
            parts.append(self.measure)
        return "summary_" + "_".join(parts)

    def __call__(self, g: Grid) -> Grid | None:
        out = self.summarise(_Stats.of(g.cells))
        return None if out is None else Grid(out)

    def summarise(self, s: _Stats) -> Cells | None:
        items = _SELECTIONS[self.selection](s)
        if not items:
            return None
        ordered = _ordered(items, self.order)
        if ordered is None:
            return None
        items, across = ordered
        colours = np.array([k.colour for k in items], dtype=np.uint8)
        measure = _MEASURES[self.measure]
        n = len(items)
        if self.layout in _SINGLE:
            if n != 1:
                return None
            m = measure(items[0])
            if not 1 <= m <= MAX_SIDE:
                return None
            if self.layout == "diagonal":
                out = np.full((m, m), self.fill, dtype=np.uint8)
                np.fill_diagonal(out, colours[0])
                return out
            shape = (1, m) if self.layout == "bar" else (m, 1)
            return np.full(shape, colours[0], dtype=np.uint8)
        if n > MAX_SIDE:
            return None
        if self.layout == "line":
            return colours[None, :] if across else colours[:, None]
        if self.layout == "row":
            return colours[None, :]
        if self.layout == "column":
            return colours[:, None]
        if self.layout == "rows":
            return np.repeat(colours[:, None], n, axis=1)
        if self.layout == "histogram":
            tall = [measure(k) for k in items]
            if not 1 <= max(tall) <= MAX_SIDE:
                return None
            out = np.full((max(tall), n), self.fill, dtype=np.uint8)
            for i, t in enumerate(tall):
                out[:t, i] = colours[i]
            return out
        heights = {measure(k) for k in items}
        if len(heights) != 1:
            return None
        m = heights.pop()
        if not 1 <= m <= MAX_SIDE:
            return None
        return np.repeat(colours[None, :], m, axis=0)


def find_summary_rule(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid], seconds: float = 1.0
) -> SummaryRule | None:
    """The first summary, simplest first, that gives every train output and an answer
    for every input of ``unseen``, when some output's shape differs from its input's
    and there are two examples at least (one pair of small grids fits too many
    summaries); ``None`` otherwise or past ``seconds``."""
    if len(pairs) < 2 or all(x.shape == y.shape for x, y in pairs):
        return None
    deadline = time.perf_counter() + seconds
    train = [_Stats.of(x.cells) for x, _ in pairs]
    test = [_Stats.of(g.cells) for g in unseen]
    fills = {int(v) for _, y in pairs for v in np.unique(y.cells).tolist()}
    for layout, selection, order in itertools.product(_LAYOUTS, _SELECTIONS, _ORDERS):
        if time.perf_counter() > deadline:
            return None
        measures = list(_MEASURES) if layout in _MEASURED else ["cells"]
        for measure in measures:
            for fill in sorted(fills) if layout in _FILLED else [0]:
                rule = SummaryRule(selection, order, measure, layout, fill)
                if all(
                    (out := rule.summarise(s)) is not None and np.array_equal(out, y.cells)
                    for s, (_, y) in zip(train, pairs, strict=True)
                ) and all(rule.summarise(s) is not None for s in test):
                    return rule
    return None
