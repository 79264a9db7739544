"""Objects: connected components as masks, pieces between separator lines, selection.

An object is a grid of the source's shape holding the object's cells and the source's
background everywhere else, so every grid operation applies to it and ``overlay`` paints
it back in place. Lists of grids are tuples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._label import CROSS, label_components, ndimage
from metagrow.domains.grids._transforms import background, bounding_box, ground

Grids = tuple[Grid, ...]

_SQUARE = np.ones((3, 3), dtype=np.bool_)
# Corners and sides within each plane of a stack of masks, nothing across planes.
_PLANAR_SQUARE = np.stack([np.zeros_like(_SQUARE), _SQUARE, np.zeros_like(_SQUARE)])


def component_labels(
    c: Cells, diagonal: bool, by_color: bool, bg: int | None = None
) -> npt.NDArray[np.int64]:
    """Each cell's connected component number, counted in reading order (non-background
    cells joined by sides, or also corners when ``diagonal``, of one colour when
    ``by_color``); -1 on the background (``bg``, by default the grid's commonest colour).

    Components are numbered by their first cell in reading order, as ``ndimage.label``
    numbers them (an exported module, without scipy, labels with ``_label``'s numpy);
    tests/unit/domains/test_grid_morphology.py checks the result against a flood fill on
    every ARC-AGI-1 grid."""
    bg = background(c) if bg is None else bg
    fg = c != bg
    if ndimage is None:
        found, _ = label_components(fg, diagonal, c if by_color else None)
        return found.astype(np.int64) - 1
    if not by_color or not _colors_touch(c, fg, diagonal):
        labels, _ = ndimage.label(fg, _SQUARE if diagonal else CROSS)
    elif not diagonal:
        labels = _label_by_color4(c, fg)
    else:
        colors = np.flatnonzero(np.bincount(c.ravel()))
        return _label_by_color8(c, colors[colors != bg].astype(c.dtype))
    numbers: npt.NDArray[np.int64] = np.subtract(labels, 1, dtype=np.int64)
    return numbers


def label_boxes(
    labels: npt.NDArray[np.int64],
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]
]:
    """The first and last row and the first and last column of each label's cells (labels
    0, 1, ...; -1 for none), in array passes over all labels at once; labels with no cell
    are left out."""
    fg = labels >= 0
    at = labels[fg]
    n = int(at.max()) + 1 if at.size else 0
    ends = []
    for where in np.nonzero(fg):
        low, high = np.full(n, labels.size, dtype=np.int64), np.full(n, -1, dtype=np.int64)
        np.minimum.at(low, at, where)
        np.maximum.at(high, at, where)
        ends += [low, high]
    shown = ends[1] >= 0
    return ends[0][shown], ends[1][shown], ends[2][shown], ends[3][shown]


def _colors_touch(c: Cells, fg: npt.NDArray[np.bool_], diagonal: bool) -> bool:
    """Whether two non-background cells of different colours touch by a side (or, when
    ``diagonal``, a corner): if none do, every component has one colour already."""
    h, w = c.shape
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)) if diagonal else ((0, 1), (1, 0)):
        a = slice(dr, h), slice(max(dc, 0), w + min(dc, 0))
        b = slice(0, h - dr), slice(max(-dc, 0), w + min(-dc, 0))
        if np.count_nonzero(fg[a] & fg[b] & (c[a] != c[b])):
            return True
    return False


def _label_by_color4(c: Cells, fg: npt.NDArray[np.bool_]) -> npt.NDArray[np.int32]:
    """Single-colour components by sides, labelled on a grid twice as fine whose cells
    between two neighbours are set only when both have the same (non-background) colour."""
    h, w = c.shape
    fine = np.zeros((2 * h - 1, 2 * w - 1), dtype=np.bool_)
    fine[::2, ::2] = fg
    fine[::2, 1::2] = fg[:, 1:] & (c[:, 1:] == c[:, :-1])
    fine[1::2, ::2] = fg[1:] & (c[1:] == c[:-1])
    labels, _ = ndimage.label(fine, CROSS)
    cells: npt.NDArray[np.int32] = labels[::2, ::2]
    return cells


def _label_by_color8(c: Cells, colors: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    """Single-colour components by sides or corners (no planar trick keeps both diagonals
    of a square apart): one mask per colour, stacked and labelled in one call, then
    renumbered by each component's first cell, where its plane's running maximum rises."""
    planes, n = ndimage.label(c[None] == colors[:, None, None], _PLANAR_SQUARE)
    flat = planes.reshape(len(colors), -1)
    _, firsts = np.nonzero(np.diff(np.maximum.accumulate(flat, axis=1), axis=1, prepend=0))
    renumber = np.full(n + 1, -1, dtype=np.int64)
    renumber[1 + np.argsort(firsts, kind="stable")] = np.arange(n)
    result: npt.NDArray[np.int64] = renumber[planes.sum(axis=0)]
    return result


def _components(g: Grid, diagonal: bool, by_color: bool, bg: int | None = None) -> Grids:
    """Connected non-background cells (of one colour when ``by_color``), in reading order:
    all drawn at once, one plane per component of a stack filled with the background
    (``bg``, by default the grid's commonest colour)."""
    c = g.cells
    bg = g.background() if bg is None else bg
    labels = component_labels(c, diagonal, by_color, bg).ravel()
    n, size = int(np.maximum.reduce(labels)) + 1, c.size
    at = (labels >= 0).nonzero()[0]
    which, colors = labels[at], c.ravel()[at]
    planes = np.full(n * size, bg, dtype=np.uint8)
    planes[which * size + at] = colors
    counts = np.bincount(which * 10 + colors, minlength=10 * n).reshape(n, 10)
    counts[:, bg] += size - np.add.reduce(counts, axis=1)
    counts.flags.writeable = False
    return tuple(map(Grid.made, planes.reshape(n, *c.shape), counts))


@lru_cache(maxsize=4096)
def objects(g: Grid) -> Grids:
    """Single-colour objects, cells joined by their sides."""
    return _components(g, diagonal=False, by_color=True)


@lru_cache(maxsize=4096)
def objects8(g: Grid) -> Grids:
    """Single-colour objects, cells joined by sides or corners."""
    return _components(g, diagonal=True, by_color=True)


@lru_cache(maxsize=4096)
def blobs(g: Grid) -> Grids:
    """Multicolour objects: non-background cells joined by sides or corners."""
    return _components(g, diagonal=True, by_color=False)


def blobs_on(g: Grid, bg: int) -> Grids:
    """Like :func:`blobs`, on background ``bg`` (not remembered)."""
    return _components(g, diagonal=True, by_color=False, bg=bg)


def pieces(g: Grid) -> Grids:
    """The rectangles between full rows and columns of one separator colour, in reading
    order; the separator is the colour drawing the most such lines (a colour that shows
    only in its lines before one that shows elsewhere too), the background only if no
    other colour draws any."""
    c = g.cells
    rows, cols, _ = piece_spans(c)
    return tuple(Grid(c[r0:r1, c0:c1]) for r0, r1 in rows for c0, c1 in cols)


def piece_colors(g: Grid) -> Grid:
    """One cell per piece (see :func:`pieces`), laid out as the pieces are: the piece's
    most common colour other than the separator and the background, or the background
    if it has none."""
    c = g.cells
    rows, cols, sep = piece_spans(c)
    bg = background(c)
    out = np.full((len(rows), len(cols)), bg, dtype=np.uint8)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            counts = np.bincount(c[r0:r1, c0:c1].ravel(), minlength=10)
            counts[[bg, sep]] = 0
            if counts.any():
                out[i, j] = counts.argmax()
    return Grid(out)


def piece_spans(c: Cells) -> tuple[list[tuple[int, int]], list[tuple[int, int]], int]:
    """The row spans and column spans of the pieces between separator lines (see
    :func:`pieces`), and the separator colour; ``ValueError`` where lines split nothing."""
    lines: Counter[int] = Counter()
    for cc in (c, c.T):
        uniform = (cc == cc[:, :1]).all(axis=1)
        lines.update(cc[uniform, 0].tolist())
    bg = background(c)
    if len(lines) > 1:
        lines.pop(bg, None)  # blank rows are not separators when a colour draws lines
    if not lines:
        raise ValueError("no separator lines")
    sep = max(lines, key=lambda k: (_only_lines(c, k), lines[k], -k))
    rows = _spans((c == sep).all(axis=1))
    cols = _spans((c == sep).all(axis=0))
    if len(rows) * len(cols) < 2:
        raise ValueError("separator lines do not split the grid")
    return rows, cols, sep


def _only_lines(c: Cells, k: int) -> bool:
    """Whether every cell of colour ``k`` lies on a full row or column of ``k``."""
    m = c == k
    return not (m & ~m.all(axis=1, keepdims=True) & ~m.all(axis=0, keepdims=True)).any()


Span = tuple[int, int, int, int]
"""Rows ``[top, bottom)`` and columns ``[left, right)`` of one panel."""


def panels(c: Cells) -> tuple[list[Span], int, int] | None:
    """The panels between separator lines in reading order (see :func:`piece_spans`),
    the separator colour and the panels' background (the commonest other colour);
    ``None`` where lines split nothing."""
    try:
        rows, cols, sep = piece_spans(c)
    except ValueError:
        return None
    counts = np.bincount(c.ravel(), minlength=10)
    counts[sep] = 0
    return [(r0, r1, c0, c1) for r0, r1 in rows for c0, c1 in cols], sep, ground(counts)


def _spans(is_line: Cells) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate(is_line.tolist()):
        if line and start is not None:
            out.append((start, i))
            start = None
        elif not line and start is None:
            start = i
    if start is not None:
        out.append((start, len(is_line)))
    return out


# -- measures -------------------------------------------------------------------------------


def size(g: Grid) -> int:
    """How many cells are not background."""
    return int(g.cells.size - g.counts()[g.background()])


def main_color(g: Grid) -> int:
    """The most common colour other than the background."""
    counts = g.counts().copy()
    counts[g.background()] = 0
    most = int(counts.argmax())
    if not counts[most]:
        raise ValueError("a grid of one colour has no foreground")
    return most


def _shape_key(g: Grid) -> bytes:
    c = g.cells
    top, bottom, left, right = bounding_box(c != g.background())
    mask: bytes = (c[top:bottom, left:right] != g.background()).tobytes()
    return bytes((bottom - top, right - left)) + mask


def _content_key(g: Grid) -> bytes:
    c = g.cells
    top, bottom, left, right = bounding_box(c != g.background())
    content: bytes = c[top:bottom, left:right].tobytes()
    return bytes((bottom - top, right - left)) + content


# -- selection ------------------------------------------------------------------------------


def _nonempty(gs: Grids) -> Grids:
    if not gs:
        raise ValueError("no objects")
    return gs


def largest(gs: Grids) -> Grid:
    """The object with the most cells (the first on ties)."""
    return max(_nonempty(gs), key=size)


def smallest(gs: Grids) -> Grid:
    return min(_nonempty(gs), key=size)


def _only_unique(gs: Grids, keys: list[object]) -> Grid:
    counts = Counter(keys)
    unique = [g for g, k in zip(gs, keys, strict=True) if counts[k] == 1]
    if len(unique) != 1 or len(gs) < 3:
        raise ValueError("no single odd one out")
    return unique[0]


def unique_color(gs: Grids) -> Grid:
    """The one object whose colour no other object has."""
    return _only_unique(gs, [main_color(g) for g in gs])


def unique_shape(gs: Grids) -> Grid:
    """The one object whose shape (ignoring colour and place) no other object has."""
    return _only_unique(gs, [_shape_key(g) for g in gs])


def most_common(gs: Grids) -> Grid:
    """The first object whose content (colours and shape, ignoring place) recurs most."""
    keys = [_content_key(g) for g in _nonempty(gs)]
    counts = Counter(keys)
    return max(zip(gs, keys, strict=True), key=lambda gk: counts[gk[1]])[0]


def of_color(gs: Grids, color: int) -> Grids:
    """The objects whose main colour is ``color``."""
    return tuple(g for g in gs if main_color(g) == color)


def count(gs: Grids) -> int:
    return len(gs)


def merge(gs: Grids) -> Grid:
    """Every object painted in order onto the first (all of one shape)."""
    first, *rest = _nonempty(gs)
    c = first.cells.copy()
    for g in rest:
        if g.shape != first.shape:
            raise ValueError("objects of different shapes")
        top = g.cells
        on = top != g.background()
        c[on] = top[on]
    return Grid.made(c)


# -- object-centric decomposition -----------------------------------------------------------


def per_object(f: Callable[[Grid], object], g: Grid) -> Grid:
    """Each multicolour object cut out to its bounding box, changed by ``f`` and put back
    where it was on an empty background; ``f`` must keep the box's shape."""
    c = g.cells
    bg = g.background()
    out = np.full_like(c, bg)
    for obj in blobs(g):
        mask = obj.cells != bg
        top, bottom, left, right = bounding_box(mask)
        box = np.where(mask, c, bg)[top:bottom, left:right]
        got = f(Grid(box))
        if not isinstance(got, Grid) or got.shape != box.shape:
            raise ValueError("the per-object change did not keep the object's box")
        region = out[top:bottom, left:right]
        painted = got.cells != bg
        region[painted] = got.cells[painted]
    return Grid(out)


FORGET = (objects.cache_clear, objects8.cache_clear, blobs.cache_clear)
"""What clears the results this module's functions remember (``GridsDomain.forget``)."""
