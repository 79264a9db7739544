"""Mosaic repair read off a task's examples: a patch of one colour hides part of a
regular picture, and the output is the picture restored (or only what was under the patch).

The hidden cells are filled from the picture's own regularity: its smallest translational
period (the smallest tile whose repeats agree on every visible cell), or its mirror
symmetries. A repair is kept only if it reproduces every train output exactly, and if
the picture of every test input is regular enough to fill every hidden cell.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._paint import symmetrize
from metagrow.domains.grids._transforms import bounding_box

Fill = Callable[[Cells, int], Cells | None]
"""Restores the cells of one colour of a picture, or ``None`` if it cannot."""


def fill_period(c: Cells, hidden: int) -> Cells | None:
    """Hidden cells filled from the smallest period that every visible cell agrees with
    and that shows every cell of its tile at least once: a ``p`` by ``q`` tile, or
    stripes along diagonals (a cell's colour set by ``(row + column) mod p`` or by
    ``(row - column) mod p``); the fewest tile cells win, tiles first on ties."""
    known = c != hidden
    if known.all() or not known.any():
        return None
    return _periodic(c, known, c.shape)


def extend_period(c: Cells, shape: tuple[int, int]) -> Cells | None:
    """The picture's smallest proper period (as for :func:`fill_period`, every cell
    known) painted over a canvas of ``shape`` from the same top-left corner."""
    return _periodic(c, np.ones(c.shape, dtype=bool), shape)


def _periodic(c: Cells, known: npt.NDArray[np.bool_], shape: tuple[int, int]) -> Cells | None:
    h, w = c.shape
    at = np.indices(c.shape).astype(np.int64)
    canvas = np.indices(shape).astype(np.int64)
    values = c[known].astype(np.int64)
    for n, period in _periods(h, w):
        if n > len(values):
            break
        keys = np.unique(_group(period, at)[known] * 16 + values)
        if len(keys) != n or len(np.unique(keys >> 4)) != len(keys):
            continue  # some tile cell unseen, or seen with two colours
        return (keys & 15).astype(np.uint8)[_group(period, canvas)]
    return None


Period = tuple[int, int, int]
"""``(sign, p, q)``: a ``p`` by ``q`` tile when ``sign`` is 0, else diagonal stripes of
period ``p`` along ``row + sign * column``."""


def _periods(h: int, w: int) -> Iterator[tuple[int, Period]]:
    """Every proper period of an ``h`` by ``w`` picture with its number of tile cells,
    fewest first (tiles before stripes on ties)."""
    tiles = [(a * b, 0, a, b) for a in range(1, h + 1) for b in range(1, w + 1) if a * b < h * w]
    stripes = [(p, sign, p, 0) for p in range(2, h + w) for sign in (1, -1)]
    for n, sign, a, b in sorted(tiles + stripes, key=lambda t: (t[0], t[1] != 0, -t[1])):
        yield n, (sign, a, b)


def _group(period: Period, at: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each cell's tile-cell index under ``period``, for row and column indices ``at``."""
    sign, a, b = period
    r, q = at[0], at[1]
    if sign:
        return np.asarray((r + sign * q) % a)
    return np.asarray((r % a) * b + q % b)


def fill_mirror(c: Cells, hidden: int) -> Cells | None:
    """Hidden cells filled from their mirror images (left-right, top-bottom, diagonal)."""
    out = symmetrize(Grid(c), hidden).cells
    return None if (out == hidden).any() else out


FILLS: tuple[tuple[str, Fill], ...] = (("period", fill_period), ("mirror", fill_mirror))


@final
@dataclass(frozen=True, slots=True)
class Repair:
    """Restores cells of colour ``hidden`` by ``fill``; ``patch``: return only the
    rectangle the hidden cells covered."""

    name: str
    fill: Fill
    hidden: int
    patch: bool

    def __call__(self, g: Grid) -> Grid | None:
        c = g.cells
        mask = c == self.hidden
        if not mask.any():
            return None
        out = self.fill(c, self.hidden)
        if out is None:
            return None
        if self.patch:
            top, bottom, left, right = bounding_box(mask)
            out = out[top:bottom, left:right]
        return Grid(np.ascontiguousarray(out))


def _hidden_colors(pairs: Sequence[tuple[Grid, Grid]], patch: bool) -> list[int]:
    """Colours that every input shows and no output does, and that cover exactly the
    cells that change (or, for patches, a rectangle of the output's shape)."""
    shared = set(range(10))
    for x, y in pairs:
        shared &= set(np.unique(x.cells).tolist()) - set(np.unique(y.cells).tolist())
    return [c for c in sorted(shared) if all(_hides(x, y, c, patch) for x, y in pairs)]


def _hides(x: Grid, y: Grid, hidden: int, patch: bool) -> bool:
    mask = x.cells == hidden
    if patch:
        top, bottom, left, right = bounding_box(mask)
        return (bottom - top, right - left) == y.shape
    return x.shape == y.shape and np.array_equal(mask, x.cells != y.cells)


def find_repair(pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]) -> Repair | None:
    """The first repair (whole picture or patch; by period, then by mirrors) that maps
    every train input to its output and restores every test input, if any does."""
    for patch in (False, True):
        for hidden, (name, fill) in itertools.product(_hidden_colors(pairs, patch), FILLS):
            repair = Repair(f"repair_{name}{'_patch' if patch else ''}", fill, hidden, patch)
            if all(repair(x) == y for x, y in pairs) and all(repair(g) is not None for g in unseen):
                return repair
    return None
