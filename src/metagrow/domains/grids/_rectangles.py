"""The largest rectangle of one colour in a grid, for every colour at once.

A rectangle is *solid* when all its cells have one colour; here both its sides are at
least two cells (a line is no rectangle). For each colour the grid shows,
:func:`solid_rectangles` finds the solid rectangle of that colour with the most cells
(the one whose bottom row comes first, then whose left column does, on ties), by array
passes: the height of the one-colour run ending at each cell down its column, and, for
every row and every span of columns inside one run of that row, the least of those
heights over the span. Two operations of composition search build on it: the largest
solid rectangle of a colour other than the background kept alone
(:func:`largest_solid`), and the largest clearing of background painted
(:func:`largest_clearing`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._compose_ops import Apply, Shared
from metagrow.domains.grids._grid import Cells
from metagrow.domains.grids._transforms import ground

Rectangles = npt.NDArray[np.int64]
"""One row per colour 0..9: ``(cells, top, left, bottom, right)``, the sides inclusive;
all zeros for a colour with no solid rectangle."""


def solid_rectangles(a: Cells) -> Rectangles:
    """The largest solid rectangle of each colour of ``a`` (see the module's docstring)."""
    h, w = a.shape
    rows = np.arange(h, dtype=np.int16)[:, None]
    starts_down = np.ones(a.shape, dtype=bool)
    starts_down[1:] = a[1:] != a[:-1]
    first_row = np.maximum.accumulate(np.where(starts_down, rows, 0), axis=0)
    heights = (rows - first_row + 1).astype(np.int16)
    starts_across = np.ones(a.shape, dtype=bool)
    starts_across[:, 1:] = a[:, 1:] != a[:, :-1]
    runs = np.cumsum(starts_across, axis=1)
    # indexed [j, r, i]: the span of columns i..j of row r, where i <= j
    cols = np.arange(w, dtype=np.int16)
    later = (cols[:, None] >= cols[None, :])[:, None, :]
    tall = np.where(later, heights.T[:, :, None], np.int16(h + 1))
    least = np.minimum.accumulate(tall, axis=0)
    one_run = later & (runs.T[:, :, None] == runs[None, :, :])
    widths = (cols[:, None] - cols[None, :] + 1)[:, None, :]
    cells = np.where(one_run & (widths > 1) & (least > 1), least * widths, 0)
    widest = cells.argmax(axis=0)
    best = np.take_along_axis(cells, widest[None], axis=0)[0].ravel()
    out = np.zeros((10, 5), dtype=np.int64)
    colours = a.ravel()
    for c in np.unique(colours).tolist():
        at = int(np.where(colours == c, best, 0).argmax())
        if best[at] == 0:
            continue
        r, i = divmod(at, w)
        j = int(widest[r, i])
        out[c] = (int(best[at]), r - int(least[j, r, i]) + 1, i, r, j)
    return out


def largest_solid(table: Shared) -> Apply:
    """The largest solid rectangle of a colour other than the background (of the
    smallest such colour on ties) alone on the background; None where there is none.
    ``table`` is :func:`solid_rectangles`, shared with :func:`largest_clearing`."""

    def kept(a: Cells) -> Cells | None:
        rects: Rectangles = table(a)
        bg = ground(np.bincount(a.ravel(), minlength=10))
        cells = rects[:, 0].copy()
        cells[bg] = 0
        c = int(cells.argmax())
        if cells[c] == 0:
            return None
        _, top, left, bottom, right = rects[c].tolist()
        out = np.full_like(a, bg)
        out[top : bottom + 1, left : right + 1] = c
        return out

    return kept


def largest_clearing(table: Shared, color: int) -> Apply:
    """The largest rectangle of background cells painted ``color``; None where there is
    none. ``table`` is :func:`solid_rectangles`, shared with :func:`largest_solid`."""

    def painted(a: Cells) -> Cells | None:
        rects: Rectangles = table(a)
        cells, top, left, bottom, right = rects[ground(np.bincount(a.ravel(), minlength=10))]
        if cells == 0:
            return None
        out = a.copy()
        out[top : bottom + 1, left : right + 1] = color
        return out

    return painted
