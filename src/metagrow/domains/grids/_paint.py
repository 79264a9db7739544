"""Painting and neighbourhood rules: overlay, hole filling, outlines, lines, symmetry."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._label import ndimage, with_holes_filled
from metagrow.domains.grids._transforms import background, check_color


def overlay(base: Grid, top: Grid) -> Grid:
    """``top``'s non-background cells painted over ``base`` (same shapes)."""
    if base.shape != top.shape:
        raise ValueError("grids of different shapes")
    t = top.cells
    return Grid(np.where(t != background(t), t, base.cells))


def _grow4(m: Cells) -> Cells:
    out = m.copy()
    out[1:] |= m[:-1]
    out[:-1] |= m[1:]
    out[:, 1:] |= m[:, :-1]
    out[:, :-1] |= m[:, 1:]
    return out


def _grow8(m: Cells) -> Cells:
    out = _grow4(m)
    out[1:, 1:] |= m[:-1, :-1]
    out[1:, :-1] |= m[:-1, 1:]
    out[:-1, 1:] |= m[1:, :-1]
    out[:-1, :-1] |= m[1:, 1:]
    return out


def holes(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The cells not in ``mask`` that cannot reach its edge through cells not in it (by
    sides). A box less than 3 cells across has every cell on its edge, so no holes."""
    if min(mask.shape) < 3:
        return np.zeros_like(mask)
    filled = with_holes_filled(mask) if ndimage is None else ndimage.binary_fill_holes(mask)
    return np.asarray(filled & ~mask, dtype=np.bool_)


def fill_holes(g: Grid, color: int) -> Grid:
    """Background cells that cannot reach the border through background become ``color``."""
    c = g.cells
    return Grid(np.where(holes(c != background(c)), np.uint8(check_color(color)), c))


def surround(g: Grid, color: int) -> Grid:
    """Background cells touching (by side or corner) a non-background cell become ``color``."""
    c = g.cells
    fg = c != background(c)
    ring = _grow8(fg) & ~fg
    return Grid(np.where(ring, np.uint8(check_color(color)), c))


def border(g: Grid, color: int) -> Grid:
    """The outermost rows and columns painted ``color``."""
    c = g.cells.copy()
    color = check_color(color)
    c[0], c[-1], c[:, 0], c[:, -1] = color, color, color, color
    return Grid(c)


def _connect_rows(c: Cells, bg: int, out: Cells) -> None:
    for i, row in enumerate(c.tolist()):
        last = -1
        for j, v in enumerate(row):
            if v == bg:
                continue
            if last >= 0 and row[last] == v and j - last > 1:
                out[i, last + 1 : j] = v
            last = j


def _connected(g: Grid, rows: bool, cols: bool) -> Grid:
    c = g.cells
    bg = background(c)
    out = c.copy()
    if rows:
        _connect_rows(c, bg, out)
    if cols:
        turned = out.T.copy()
        _connect_rows(c.T, bg, turned)
        out = turned.T
    return Grid(out)


def connect(g: Grid) -> Grid:
    """Straight lines drawn between cells of one colour facing each other across
    background in a row or a column (column lines drawn last)."""
    return _connected(g, rows=True, cols=True)


def connect_h(g: Grid) -> Grid:
    """Like :func:`connect`, in rows only."""
    return _connected(g, rows=True, cols=False)


def connect_v(g: Grid) -> Grid:
    """Like :func:`connect`, in columns only."""
    return _connected(g, rows=False, cols=True)


def connect_diag(g: Grid) -> Grid:
    """Like :func:`connect`, along both diagonals."""
    c = g.cells
    bg = background(c)
    out = c.copy()
    h, w = c.shape
    for flipped in (False, True):
        src = c[:, ::-1] if flipped else c
        dst = out[:, ::-1] if flipped else out
        for k in range(-h + 1, w):
            line = np.diagonal(src, k)
            if np.count_nonzero(line != bg) < 2:
                continue
            drawn = line[None, :].copy()
            _connect_rows(line[None, :], bg, drawn)
            rows = np.arange(len(line)) + max(-k, 0)
            cols = np.arange(len(line)) + max(k, 0)
            dst[rows, cols] = np.where(drawn[0] != bg, drawn[0], dst[rows, cols])
    return Grid(out)


def _mirror_axis(known: Cells, c: Cells) -> int | None:
    """The column-sum ``s`` (column ``j`` mirrors ``s - j``) under which the most known
    cells have a known partner, all of them agreeing; None if no axis fits."""
    w = c.shape[1]
    best, best_pairs = None, 0
    for s in range(w // 2, 2 * w - 2 - w // 2 + 1):
        lo, hi = max(0, s - (w - 1)), min(w - 1, s)
        if hi <= lo:
            continue
        js = np.arange(lo, hi + 1)
        a, b = c[:, js], c[:, s - js]
        both = known[:, js] & known[:, s - js]
        if (a[both] != b[both]).any():
            continue
        pairs = int(both.sum())
        if pairs > best_pairs:
            best, best_pairs = s, pairs
    return best


def _fill_mirror(c: Cells, unknown: Cells) -> bool:
    """Fill unknown cells from their left-right mirror image; whether any was filled."""
    s = _mirror_axis(~unknown, c)
    if s is None:
        return False
    w = c.shape[1]
    filled = False
    for j in range(w):
        k = s - j
        if not 0 <= k < w:
            continue
        take = unknown[:, j] & ~unknown[:, k]
        if take.any():
            c[take, j] = c[take, k]
            unknown[take, j] = False
            filled = True
    return filled


def symmetrize(g: Grid, color: int) -> Grid:
    """Cells of ``color`` (a patch over a symmetric picture) restored from their mirror
    images: left-right, top-bottom and, for square grids, across the diagonal."""
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
