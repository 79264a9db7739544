"""The largest rectangle of one colour in a grid.

A rectangle is *solid* when all its cells have one colour; here both its sides are at
least two cells (a line is no rectangle). Of the colours asked for,
:func:`largest_rectangle` finds the solid rectangle with the most cells (the one whose
bottom row comes first, then whose left column does, on ties) by array passes: the
height of the one-colour run ending at each cell down its column, and, for every row and
every span of columns inside one run of that row, the least of those heights over the
span. Two operations of composition search build on it: the largest solid rectangle of
a colour other than the background kept alone (:func:`largest_solid`), and the largest
clearing of background painted (:func:`largest_clearing`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._compose_ops import Apply
from metagrow.domains.grids._grid import Cells
from metagrow.domains.grids._transforms import ground


class Rectangle(NamedTuple):
    """A rectangle's cell count and its sides (inclusive)."""

    cells: int
    top: int
    left: int
    bottom: int
    right: int


def block_colours(a: Cells) -> npt.NDArray[np.bool_]:
    """Which colours fill some 2 by 2 block of ``a`` (those with a solid rectangle)."""
    corner = a[:-1, :-1]
    solid = (corner == a[1:, :-1]) & (corner == a[:-1, 1:]) & (corner == a[1:, 1:])
    found: npt.NDArray[np.bool_] = np.bincount(corner[solid], minlength=10) > 0
    return found


def largest_rectangle(a: Cells, wanted: npt.NDArray[np.bool_]) -> Rectangle | None:
    """The largest solid rectangle in ``a`` of a colour ``c`` where ``wanted[c]`` (see
    the module's docstring), or None; the spans reach as far as the longest run of
    those colours along a row, so that narrow objects make the work small."""
    present = block_colours(a) & wanted
    if not present.any():
        return None
    h, w = a.shape
    mine = present[a]
    rows = np.arange(h, dtype=np.int16)[:, None]
    starts_down = np.ones(a.shape, dtype=bool)
    starts_down[1:] = a[1:] != a[:-1]
    first_row = np.maximum.accumulate(np.where(starts_down, rows, 0), axis=0)
    heights = np.where(mine, rows - first_row + 1, 0).astype(np.int16)
    starts_across = np.ones(a.shape, dtype=bool)
    starts_across[:, 1:] = a[:, 1:] != a[:, :-1]
    runs = np.cumsum(starts_across.ravel()).reshape(a.shape)
    longest = int(np.bincount(runs.ravel())[runs[mine]].max())
    # indexed [d, r, i]: the span of columns i..i+d of row r (past the edge: height 0)
    spans = np.arange(longest)[:, None] + np.arange(w)[None, :]
    padded = np.zeros((h, w + longest - 1), dtype=np.int16)
    padded[:, :w] = heights
    least = np.minimum.accumulate(padded[:, spans].transpose(1, 0, 2), axis=0)
    ends = np.full((h, w + longest - 1), -1, dtype=runs.dtype)
    ends[:, :w] = runs
    one_run = ends[:, spans].transpose(1, 0, 2) == runs
    widths = np.arange(1, longest + 1, dtype=np.int16)[:, None, None]
    cells = np.where(one_run & (widths > 1) & (least > 1), least * widths, 0)
    widest = cells.argmax(axis=0)
    best = np.take_along_axis(cells, widest[None], axis=0)[0]
    at = int(best.argmax())
    r, i = divmod(at, w)
    d = int(widest[r, i])
    return Rectangle(int(best[r, i]), r - int(least[d, r, i]) + 1, i, r, i + d)


def largest_solid(a: Cells) -> Cells | None:
    """The largest solid rectangle of a colour other than the background alone on the
    background; None where there is none."""
    bg = ground(np.bincount(a.ravel(), minlength=10))
    found = largest_rectangle(a, np.arange(10) != bg)
    if found is None:
        return None
    out = np.full_like(a, bg)
    out[found.top : found.bottom + 1, found.left : found.right + 1] = a[found.top, found.left]
    return out


def largest_clearing(color: int) -> Apply:
    """The largest rectangle of background cells painted ``color``; None where there is
    none."""

    def painted(a: Cells) -> Cells | None:
        bg = ground(np.bincount(a.ravel(), minlength=10))
        found = largest_rectangle(a, np.arange(10) == bg)
        if found is None:
            return None
        out = a.copy()
        out[found.top : found.bottom + 1, found.left : found.right + 1] = color
        return out

    return painted
