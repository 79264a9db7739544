"""Whole-grid transforms: symmetries, sizes, colours, gravity and cell-wise logic.

Every function is pure and raises ``ValueError`` on misuse (shapes that do not fit, a
factor out of range, a result beyond 30x30), which fails only the example being run.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import MAX_SIDE, Cells, Grid, check_sides

_any_along = np.logical_or.reduce
"""``mask.any(axis=...)`` without numpy's Python-level wrapper (a search calls it millions of
times on small grids)."""


def background(c: Cells) -> int:
    """The most common colour (the smallest one on ties, so black wins a draw)."""
    return int(np.bincount(c.ravel(), minlength=10).argmax())


def ground(counts: npt.NDArray[np.intp]) -> int:
    """The background of a grid with colour ``counts``: black if the grid shows it (a
    cut-out piece may show more of its object's colour than of black, and solid shapes
    may cover most of the grid), else the commonest colour."""
    return 0 if counts[0] else int(counts.argmax())


def check_color(c: int) -> int:
    if not 0 <= c <= 9:
        raise ValueError(f"colour {c} is outside 0..9")
    return c


def _factor(k: int) -> int:
    if not 1 <= k <= MAX_SIDE:
        raise ValueError(f"factor {k} is outside 1..{MAX_SIDE}")
    return k


# -- symmetries (a grid's cells moved: its colour counts, if known, are the result's) --------


def rot90(g: Grid) -> Grid:
    """A quarter turn clockwise."""
    return g.moved(5)  # g.cells.T[:, ::-1]


def rot180(g: Grid) -> Grid:
    return g.moved(3)  # g.cells[::-1, ::-1]


def rot270(g: Grid) -> Grid:
    return g.moved(6)  # g.cells.T[::-1]


def flip_h(g: Grid) -> Grid:
    """Mirror left to right."""
    return g.moved(1)  # g.cells[:, ::-1]


def flip_v(g: Grid) -> Grid:
    """Mirror top to bottom."""
    return g.moved(2)  # g.cells[::-1]


def transpose(g: Grid) -> Grid:
    return g.moved(4)  # g.cells.T


def antitranspose(g: Grid) -> Grid:
    return g.moved(7)  # g.cells[::-1, ::-1].T


# -- sizes --------------------------------------------------------------------------------


def bounding_box(mask: Cells) -> tuple[int, int, int, int]:
    """Top, bottom (exclusive), left, right (exclusive) of the true cells of ``mask``."""
    rows: list[bool] = _any_along(mask, axis=1).tolist()
    if True not in rows:
        raise ValueError("nothing to crop to")
    cols: list[bool] = _any_along(mask, axis=0).tolist()
    top, left = rows.index(True), cols.index(True)
    return top, len(rows) - rows[::-1].index(True), left, len(cols) - cols[::-1].index(True)


# The costlier transforms keep 4,096 results by argument value: a search applies one to
# grids equal to ones it has already transformed about a third of the time, from programs
# that agree on one example and not on another. (A literal size: export copies the
# decorated source without this module's names.)
@lru_cache(maxsize=4096)
def crop(g: Grid) -> Grid:
    """The smallest rectangle holding every cell that is not the background (``g`` itself
    when that is the whole grid)."""
    c = g.cells
    top, bottom, left, right = bounding_box(c != g.background())
    if top == left == 0 and (bottom, right) == c.shape:
        return g
    return Grid.made(c[top:bottom, left:right])


def _sized(cells: Cells) -> Grid:
    """A grid of a primitive's fresh ``uint8`` array (or a view of a grid's cells), which
    fails the example when it is empty or over 30 cells on a side, as ``Grid`` does."""
    check_sides(cells)
    return Grid.made(cells)


def upscale(g: Grid, k: int) -> Grid:
    """Each cell becomes a ``k`` by ``k`` block."""
    k = _factor(k)
    if k == 1:
        return g
    return _sized(g.cells.repeat(k, axis=0).repeat(k, axis=1))


def downscale(g: Grid, k: int) -> Grid:
    """Each ``k`` by ``k`` block becomes one cell of its most common colour."""
    k = _factor(k)
    h, w = g.shape
    if k < 2 or h % k or w % k:
        raise ValueError(f"a {h}x{w} grid does not split into {k}x{k} blocks")
    blocks = g.cells.reshape(h // k, k, w // k, k).transpose(0, 2, 1, 3).reshape(h // k, w // k, -1)
    counts = (blocks[..., None] == np.arange(10, dtype=np.uint8)).sum(axis=2)
    return Grid.made(counts.argmax(axis=2).astype(np.uint8))


def tile(g: Grid, n: int, m: int) -> Grid:
    """The grid repeated ``n`` times down and ``m`` times across."""
    n, m = _factor(n), _factor(m)
    if n == m == 1:
        return g
    return _sized(np.tile(g.cells, (n, m)))


def hconcat(a: Grid, b: Grid) -> Grid:
    x, y = a.cells, b.cells
    if x.shape[0] != y.shape[0]:
        raise ValueError("grids of different heights")
    return _sized(np.concatenate((x, y), axis=1))


def vconcat(a: Grid, b: Grid) -> Grid:
    x, y = a.cells, b.cells
    if x.shape[1] != y.shape[1]:
        raise ValueError("grids of different widths")
    return _sized(np.concatenate((x, y)))


def mirror4(g: Grid) -> Grid:
    """The grid beside its mirror image, above the mirror image of both."""
    top = np.concatenate((g.cells, g.cells[:, ::-1]), axis=1)
    return _sized(np.concatenate((top, top[::-1])))


def rot_tile(g: Grid) -> Grid:
    """Four copies turned a quarter further each, clockwise from the top left."""
    c = g.cells
    if c.shape[0] != c.shape[1]:
        raise ValueError("rot_tile needs a square grid")
    top = np.hstack((c, np.rot90(c, -1)))
    bottom = np.hstack((np.rot90(c, 1), np.rot90(c, 2)))
    return Grid(np.vstack((top, bottom)))


def left_half(g: Grid) -> Grid:
    """Columns left of the middle (a middle column of an odd width is dropped)."""
    c = g.cells
    return _sized(c[:, : c.shape[1] // 2])


def right_half(g: Grid) -> Grid:
    c = g.cells
    w = c.shape[1]
    return _sized(c[:, w - w // 2 :])


def top_half(g: Grid) -> Grid:
    c = g.cells
    return _sized(c[: c.shape[0] // 2])


def bottom_half(g: Grid) -> Grid:
    c = g.cells
    h = c.shape[0]
    return _sized(c[h - h // 2 :])


@lru_cache(maxsize=4096)
def dedup(g: Grid) -> Grid:
    """Runs of identical adjacent rows, then of columns, collapsed to one."""
    c = g.cells
    keep_rows = np.ones(c.shape[0], dtype=bool)
    keep_rows[1:] = (c[1:] != c[:-1]).any(axis=1)
    c = c[keep_rows]
    keep_cols = np.ones(c.shape[1], dtype=bool)
    keep_cols[1:] = (c[:, 1:] != c[:, :-1]).any(axis=0)
    c = c[:, keep_cols]
    return g if c.shape == g.cells.shape else Grid.made(c)


def kron(a: Grid, b: Grid) -> Grid:
    """A block per cell of ``a``: a copy of ``b`` where ``a`` is not black, else black."""
    ha, wa = a.shape
    hb, wb = b.shape
    if ha * hb > MAX_SIDE or wa * wb > MAX_SIDE:
        raise ValueError("kron result too large")
    on = np.repeat(np.repeat(a.cells != 0, hb, axis=0), wb, axis=1)
    return Grid(np.where(on, np.tile(b.cells, (ha, wa)), np.uint8(0)))


@cache
def uniform(h: int, w: int, color: int) -> Grid:
    """The ``h`` by ``w`` grid of one colour (1-30, 1-30 and 0-9, unchecked): one object for
    each of the 9,000 there are, so that a search that makes one many ways compares and
    hashes it at once."""
    counts = np.zeros(10, dtype=np.intp)
    counts[color] = h * w
    counts.setflags(write=False)
    return Grid.made(np.full((h, w), color, dtype=np.uint8), counts)


def canvas(h: int, w: int, color: int) -> Grid:
    """A ``h`` by ``w`` grid of one colour."""
    return uniform(_factor(h), _factor(w), check_color(color))


def fill(g: Grid, color: int) -> Grid:
    """A grid of ``g``'s shape in one colour."""
    h, w = g.cells.shape
    return uniform(h, w, check_color(color))


# -- colours ------------------------------------------------------------------------------


def recolor(g: Grid, old: int, new: int) -> Grid:
    """Every cell of colour ``old`` becomes ``new``."""
    new = check_color(new)
    if old == new or not 0 <= old <= 9 or not g.counts()[old]:
        return g
    c = g.cells
    out = c.copy()
    out[c == old] = new
    return Grid.made(out)


def paint_fg(g: Grid, color: int) -> Grid:
    """Every cell that is not background becomes ``color`` (``g`` itself when every such
    cell has it already)."""
    c, counts = g.cells, g.counts()
    bg = g.background()
    color = check_color(color)
    if color == bg:
        h, w = c.shape
        return uniform(h, w, bg)
    if counts[color] + counts[bg] == c.size:
        return g
    out = c.copy()
    out[c != bg] = color
    return Grid.made(out)


def keep(g: Grid, color: int) -> Grid:
    """Cells of ``color`` stay; all others become background."""
    c, counts = g.cells, g.counts()
    bg = g.background()
    if color == bg or not 0 <= color <= 9 or not counts[color]:
        h, w = c.shape
        return uniform(h, w, bg)
    if counts[color] + counts[bg] == c.size:
        return g  # nothing but the colour and the background
    out = c.copy()
    out[c != color] = bg
    return Grid.made(out)


# -- gravity ------------------------------------------------------------------------------


def _fall(g: Grid, axis: int, forward: bool) -> Grid:
    """Non-background cells slide along ``axis`` to its far end (``forward``) or its
    start, keeping their order."""
    c = g.cells
    fg = c != g.background()
    order = np.argsort(fg if forward else ~fg, axis=axis, kind="stable")
    h, w = c.shape
    if axis == 0:  # take_along_axis's indexing, without its Python-level checks
        return Grid.made(c[order, np.arange(w)], g.known_counts())
    return Grid.made(c[np.arange(h)[:, None], order], g.known_counts())


def fall_down(g: Grid) -> Grid:
    """Cells that are not background drop to the bottom of their column, in order."""
    return _fall(g, 0, forward=True)


def fall_up(g: Grid) -> Grid:
    return _fall(g, 0, forward=False)


def fall_left(g: Grid) -> Grid:
    return _fall(g, 1, forward=False)


def fall_right(g: Grid) -> Grid:
    return _fall(g, 1, forward=True)


# -- cell-wise logic (black is off) -----------------------------------------------------


def _on(a: Grid, b: Grid) -> tuple[Cells, Cells]:
    if a.shape != b.shape:
        raise ValueError("grids of different shapes")
    return a.cells != 0, b.cells != 0


def _lit(mask: Cells, color: int) -> Grid:
    color = check_color(color)
    lit = np.count_nonzero(mask)
    if not lit or lit == mask.size or not color:
        h, w = mask.shape
        return uniform(h, w, color if lit else 0)  # (one colour: the same object each time)
    return Grid.made(mask.astype(np.uint8) * np.uint8(color))


def cell_and(a: Grid, b: Grid, color: int) -> Grid:
    """``color`` where both grids are not black, black elsewhere."""
    x, y = _on(a, b)
    return _lit(x & y, color)


def cell_or(a: Grid, b: Grid, color: int) -> Grid:
    x, y = _on(a, b)
    return _lit(x | y, color)


def cell_xor(a: Grid, b: Grid, color: int) -> Grid:
    x, y = _on(a, b)
    return _lit(x ^ y, color)


def cell_nor(a: Grid, b: Grid, color: int) -> Grid:
    x, y = _on(a, b)
    return _lit(~(x | y), color)


FORGET = (crop.cache_clear, dedup.cache_clear, uniform.cache_clear)
"""What clears the results this module's functions remember (``GridsDomain.forget``)."""
