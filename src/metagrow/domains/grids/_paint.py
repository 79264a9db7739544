"""Painting and neighbourhood rules: overlay, hole filling, outlines, lines, symmetry."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._label import CROSS, ndimage, with_holes_filled
from metagrow.domains.grids._transforms import check_color


def overlay(base: Grid, top: Grid) -> Grid:
    """``top``'s non-background cells painted over ``base`` (same shapes)."""
    if base.shape != top.shape:
        raise ValueError("grids of different shapes")
    t = top.cells
    if top.counts()[top.background()] == t.size:
        return base  # nothing but background on top
    return Grid.made(np.where(t != top.background(), t, base.cells))


def grow4(m: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``m`` with every cell beside one of its cells (by a side) added."""
    out = m.copy()
    out[1:] |= m[:-1]
    out[:-1] |= m[1:]
    out[:, 1:] |= m[:, :-1]
    out[:, :-1] |= m[:, 1:]
    return out


def grow8(m: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``m`` with every cell beside one of its cells (by a side or a corner) added."""
    out = grow4(m)
    out[1:, 1:] |= m[:-1, :-1]
    out[1:, :-1] |= m[:-1, 1:]
    out[:-1, 1:] |= m[1:, :-1]
    out[:-1, :-1] |= m[1:, 1:]
    return out


def shrink4(m: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The cells of ``m`` whose four side neighbours are all in it (past the array's
    edge counts as not in it)."""
    p = np.pad(m, 1)
    inner: npt.NDArray[np.bool_] = m & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return inner


def shrink8(m: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The cells of ``m`` whose eight neighbours are all in it (past the array's edge
    counts as not in it)."""
    p = np.pad(m, 1)
    return shrink4(m) & p[:-2, :-2] & p[:-2, 2:] & p[2:, :-2] & p[2:, 2:]


def holes(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The cells not in ``mask`` that cannot reach its edge through cells not in it (by
    sides). A box less than 3 cells across has every cell on its edge, so no holes."""
    if min(mask.shape) < 3:
        return np.zeros_like(mask)
    if ndimage is None:
        return np.asarray(with_holes_filled(mask) & ~mask, dtype=np.bool_)
    outside, n = ndimage.label(~mask, CROSS)
    reaches = np.zeros(n + 1, dtype=np.bool_)
    reaches[0] = True
    for edge in (outside[0], outside[-1], outside[:, 0], outside[:, -1]):
        reaches[edge] = True
    found: npt.NDArray[np.bool_] = ~reaches[outside]
    return found


@lru_cache(maxsize=4096)
def _background_holes(g: Grid) -> npt.NDArray[np.bool_] | None:
    """The holes of ``g``'s non-background cells, None if there are none (one search fills
    a grid's holes in every colour)."""
    found = holes(g.cells != g.background())
    found.flags.writeable = False
    return found if found.any() else None


def fill_holes(g: Grid, color: int) -> Grid:
    """Background cells that cannot reach the border through background become ``color``."""
    color = check_color(color)
    found = _background_holes(g)
    if found is None:
        return g
    return Grid.made(np.where(found, np.uint8(color), g.cells))


@lru_cache(maxsize=4096)
def surround(g: Grid, color: int) -> Grid:
    """Background cells touching (by side or corner) a non-background cell become ``color``."""
    c = g.cells
    fg = c != g.background()
    ring = grow8(fg) & ~fg
    return Grid.made(np.where(ring, np.uint8(check_color(color)), c))


def border(g: Grid, color: int) -> Grid:
    """The outermost rows and columns painted ``color``."""
    c = g.cells.copy()
    color = check_color(color)
    c[0], c[-1], c[:, 0], c[:, -1] = color, color, color, color
    return Grid.made(c)


def _drawn(c: Cells, bg: int) -> tuple[npt.NDArray[np.bool_], Cells]:
    """Where lines are drawn down the columns of ``c`` (background cells whose nearest
    non-background cells above and below have one colour), and the colour above each cell."""
    h, w = c.shape
    fg = c != bg
    at = np.arange(h)[:, None]
    above = np.maximum.accumulate(np.where(fg, at, -1), axis=0)
    below = np.minimum.accumulate(np.where(fg, at, h)[::-1], axis=0)[::-1]
    cols = np.arange(w)
    color = c[np.maximum(above, 0), cols]
    drawn = ~fg & (above >= 0) & (below < h) & (color == c[np.minimum(below, h - 1), cols])
    return drawn, color


def _drawn_diagonally(c: Cells, bg: int) -> tuple[npt.NDArray[np.bool_], Cells]:
    """:func:`_drawn` along the diagonals running down to the right: each row shifted right
    by its index from the bottom, so that the diagonals become columns."""
    h, w = c.shape
    rows = np.arange(h)[:, None]
    cols = np.arange(w) + (h - 1) - rows
    sheared = np.full((h, w + h - 1), bg, dtype=c.dtype)
    sheared[rows, cols] = c
    drawn, color = _drawn(sheared, bg)
    return drawn[rows, cols], color[rows, cols]


def _connected(g: Grid, rows: bool, cols: bool) -> Grid:
    c = g.cells
    bg = g.background()
    out = c
    if rows:
        drawn, color = _drawn(c.T, bg)
        out = np.where(drawn.T, color.T, out)
    if cols:
        drawn, color = _drawn(c, bg)
        out = np.where(drawn, color, out)
    return Grid.made(out)


@lru_cache(maxsize=4096)
def connect(g: Grid) -> Grid:
    """Straight lines drawn between cells of one colour facing each other across
    background in a row or a column (column lines drawn last)."""
    return _connected(g, rows=True, cols=True)


@lru_cache(maxsize=4096)
def connect_h(g: Grid) -> Grid:
    """Like :func:`connect`, in rows only."""
    return _connected(g, rows=True, cols=False)


@lru_cache(maxsize=4096)
def connect_v(g: Grid) -> Grid:
    """Like :func:`connect`, in columns only."""
    return _connected(g, rows=False, cols=True)


@lru_cache(maxsize=4096)
def connect_diag(g: Grid) -> Grid:
    """Like :func:`connect`, along both diagonals (those running down to the left last)."""
    c = g.cells
    bg = g.background()
    drawn, color = _drawn_diagonally(c, bg)
    out = np.where(drawn, color, c)
    drawn, color = _drawn_diagonally(c[:, ::-1], bg)
    return Grid.made(np.where(drawn[:, ::-1], color[:, ::-1], out))


def _mirror_axis(known: Cells, c: Cells) -> int | None:
    """The column-sum ``s`` (column ``j`` mirrors ``s - j``) under which the most known
    cells have a known partner, all of them agreeing (the first such ``s`` on ties); None
    if no axis fits. Every axis is tried at once: a plane per ``s`` of each cell's partner."""
    w = c.shape[1]
    axes = np.arange(w // 2, 2 * w - 2 - w // 2 + 1)
    partner = axes[:, None] - np.arange(w)
    inside = (partner >= 0) & (partner < w)
    partner = np.where(inside, partner, 0)
    both = known[:, partner] & known[:, None, :] & inside
    clash = (both & (c[:, partner] != c[:, None, :])).any(axis=(0, 2))
    pairs = np.where(clash | (inside.sum(axis=1) < 2), 0, both.sum(axis=(0, 2)))
    best = int(pairs.argmax())
    return int(axes[best]) if pairs[best] > 0 else None


def _fill_mirror(c: Cells, unknown: Cells) -> bool:
    """Fill unknown cells from their left-right mirror image (in place); whether any was."""
    s = _mirror_axis(~unknown, c)
    if s is None:
        return False
    w = c.shape[1]
    js = np.arange(max(0, s - (w - 1)), min(w - 1, s) + 1)
    take = unknown[:, js] & ~unknown[:, s - js]
    if not take.any():
        return False
    rows, at = np.nonzero(take)
    c[rows, js[at]] = c[rows, s - js[at]]
    unknown[rows, js[at]] = False
    return True


def symmetrize(g: Grid, color: int) -> Grid:
    """Cells of ``color`` (a patch over a symmetric picture) restored from their mirror
    images: left-right, top-bottom and, for square grids, across the diagonal."""
    if not 0 <= color <= 9 or not g.counts()[color]:
        return g
    return _symmetrized(g, color)


@lru_cache(maxsize=4096)
def _symmetrized(g: Grid, color: int) -> Grid:
    c = g.cells.copy()
    unknown = c == color
    for _ in range(4):
        changed = _fill_mirror(c, unknown)
        ct, ut = c.T.copy(), unknown.T.copy()
        if _fill_mirror(ct, ut):
            c, unknown, changed = ct.T.copy(), ut.T.copy(), True
        if c.shape[0] == c.shape[1]:
            take = unknown & ~unknown.T
            if take.any():
                c[take] = c.T[take]
                unknown &= ~take
                changed = True
        if not changed or not unknown.any():
            break
    return Grid(c)


FORGET = (
    _background_holes.cache_clear,
    surround.cache_clear,
    connect.cache_clear,
    connect_h.cache_clear,
    connect_v.cache_clear,
    connect_diag.cache_clear,
    _symmetrized.cache_clear,
)
"""What clears the results this module's functions remember (``GridsDomain.forget``)."""
