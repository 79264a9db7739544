"""The operations composition search chains for one task (:func:`operations`), with the
object operations: the largest or smallest object of a segmentation cut out (alone, or
with the window of the input it spans) or painted over, and lines carried from each cell
to the grid's edge. Colours, scale factors and tilings are read off the task's grids, so
that only operations that could matter are tried."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._compose_ops import (
    SYMMETRIES,
    Apply,
    Op,
    Shared,
    band_repeated,
    bordered,
    bottom,
    box_of,
    color_window,
    corner,
    crop,
    dedup,
    downscale,
    erase,
    flooded,
    folded,
    foreground,
    frame,
    gravity,
    hollows,
    insides,
    invert,
    keep,
    kron_at,
    kron_most,
    left,
    made,
    majority,
    middle,
    minority,
    mirrored,
    on_grid,
    padded_to,
    painted,
    pooled,
    right,
    ring,
    self_kron,
    shifted,
    squeeze,
    striped,
    tiled,
    tiled_to,
    top,
    upscale,
)
from metagrow.domains.grids._grid import MAX_SIDE, Cells, Grid
from metagrow.domains.grids._objects import component_labels, label_boxes, panels
from metagrow.domains.grids._paint import connect, connect_h, connect_v, grow8
from metagrow.domains.grids._rectangles import largest_clearing, largest_solid
from metagrow.domains.grids._seeded import by_analogy, seed_stripes
from metagrow.domains.grids._transforms import background, ground

Numbers = npt.NDArray[np.int64]
Sizes = npt.NDArray[np.intp]
Where = npt.NDArray[np.intp]
"""Row or column numbers of some cells."""
Mask = npt.NDArray[np.bool_]


@final
@dataclass(frozen=True, slots=True, eq=False)
class _Segments:
    """Objects of one segmentation, labelled once per distinct array (several
    operations ask for the same labels of the same candidate). The background is the
    grid's commonest colour, or :func:`ground`'s (black if shown) with ``on_black``."""

    diagonal: bool
    by_color: bool
    on_black: bool = False
    _memo: dict[tuple[tuple[int, ...], bytes], tuple[Numbers, Sizes]] = field(
        default_factory=dict, init=False, repr=False
    )
    _cells: dict[tuple[tuple[int, ...], bytes], list[tuple[Where, Where]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __call__(self, a: Cells) -> tuple[Numbers, Sizes]:
        key = (a.shape, a.tobytes())
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) > 4096:
                self._memo.clear()
            bg = ground(np.bincount(a.ravel(), minlength=10)) if self.on_black else None
            labels = component_labels(a, self.diagonal, self.by_color, bg)
            sizes = np.bincount(labels[labels >= 0], minlength=int(labels.max()) + 1)
            found = self._memo[key] = (labels, sizes)
        return found

    def cells(self, a: Cells) -> list[tuple[Where, Where]]:
        """Each object's rows and columns (``np.nonzero`` of its mask), made once per
        distinct array."""
        key = (a.shape, a.tobytes())
        found = self._cells.get(key)
        if found is None:
            if len(self._cells) > 4096:
                self._cells.clear()
            labels, sizes = self(a)
            if not len(sizes):
                return []
            flat = labels.ravel()
            order = np.argsort(flat, kind="stable")[int((flat < 0).sum()) :]
            rows, cols = np.divmod(order, a.shape[1])
            ends = np.cumsum(sizes)[:-1]
            found = self._cells[key] = list(
                zip(np.split(rows, ends), np.split(cols, ends), strict=True)
            )
        return found


def _boxed_shape(rows: Where, cols: Where) -> tuple[tuple[int, int, int, int], Mask]:
    """The box of cells listed in reading order (:meth:`_Segments.cells`), rows
    ``[top, bottom)`` and columns ``[left, right)``, and their mask within it."""
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    left, right = int(cols.min()), int(cols.max()) + 1
    shape = np.zeros((bottom - top, right - left), dtype=np.bool_)
    shape[rows - top, cols - left] = True
    return (top, bottom, left, right), shape


def _the_object(segments: _Segments, a: Cells, which: str) -> Mask | None:
    """The mask of the one object, of at least two, that is the ``largest``, the
    ``smallest``, has the most colours (``colorful``) or the only colour no other object
    has (``rare``); None if no one object is."""
    labels, sizes = segments(a)
    if len(sizes) < 2:
        return None
    if which in ("largest", "smallest"):
        score = sizes if which == "largest" else -sizes
    else:
        fg = labels >= 0
        pairs = np.unique(labels[fg] * 10 + a[fg])
        if which == "colorful":
            score = np.bincount(pairs // 10, minlength=len(sizes))
        else:
            colors = pairs % 10
            objects_of = np.bincount(colors, minlength=10)
            score = np.zeros(len(sizes), dtype=np.intp)
            np.maximum.at(score, pairs // 10, objects_of[colors] == 1)
    best = score.argmax()
    if (score == score[best]).sum() > 1:
        return None
    mask: Mask = labels == best
    return mask


def _pick_object(segments: _Segments, which: str, window: bool) -> Apply:
    """The object ``which`` names (see :func:`_the_object`) cropped to its box: alone on
    the background, or with whatever else the input shows in that box (``window``)."""

    def pick(a: Cells) -> Cells | None:
        mask = _the_object(segments, a, which)
        if mask is None:
            return None
        box = box_of(mask)
        assert box is not None
        top, bottom, left, right = box
        if window:
            return a[top:bottom, left:right]
        return np.where(mask, a, np.uint8(background(a)))[top:bottom, left:right]

    return pick


def _drop_object(segments: _Segments, which: str, others: bool) -> Apply:
    """The object ``which`` names painted over with the background, or every other
    object (``others``)."""

    def drop(a: Cells) -> Cells | None:
        mask = _the_object(segments, a, which)
        if mask is None:
            return None
        return np.where(mask != others, np.uint8(background(a)), a)

    return drop


def _turned(a: Cells, turn: int) -> Cells:
    """``np.rot90(a, turn)`` as a view, without its argument checks (it is called
    for every ray of every candidate)."""
    turn %= 4
    if turn == 1:
        return a[:, ::-1].T
    if turn == 2:
        return a[::-1, ::-1]
    if turn == 3:
        return a.T[:, ::-1]
    return a


def rays(turn: int) -> Apply:
    """Each foreground cell's colour carried down its column over the background (the
    grid turned ``turn`` quarter turns first, and back after)."""

    def rays(a: Cells) -> Cells | None:
        t = _turned(a, turn)
        return _turned(_carried_down(t, background(t)), -turn)

    return rays


def _from_above(t: Cells, fg: Mask) -> tuple[npt.NDArray[np.intp], Cells]:
    """For each cell, the row of the nearest ``fg`` cell at or above it in its column
    (-1 for none), and that cell's colour (row 0's where there is none)."""
    last = np.maximum.accumulate(np.where(fg, np.arange(t.shape[0])[:, None], -1), axis=0)
    return last, t[np.maximum(last, 0), np.arange(t.shape[1])]


def _carried_down(t: Cells, bg: int) -> Cells:
    """Each non-``bg`` cell's colour carried down its column over ``bg`` cells."""
    fg = t != bg
    last, carried = _from_above(t, fg)
    out: Cells = np.where(fg, t, np.where(last >= 0, carried, np.uint8(bg)))
    return out


def tinted_rays(turn: int, color: int) -> Apply:
    """The background below each foreground cell in its column painted ``color`` (the
    grid turned ``turn`` quarter turns first, and back after): rays in a colour the
    inputs do not show."""

    def rays(a: Cells) -> Cells | None:
        t = _turned(a, turn)
        bg = background(t)
        below = np.maximum.accumulate(t != bg, axis=0)
        out = np.where(below & (t == bg), np.uint8(color), t)
        return None if np.array_equal(out, t) else _turned(out, -turn)

    return rays


def alternating_rays(turn: int, color: int) -> Apply:
    """The background below each foreground cell in its column painted ``color`` and
    the cell's colour in turn, ``color`` first (the grid turned ``turn`` quarter turns
    first, and back after)."""

    def rays(a: Cells) -> Cells | None:
        t = _turned(a, turn)
        bg = background(t)
        fg = t != bg
        last, carried = _from_above(t, fg)
        odd = (np.arange(t.shape[0])[:, None] - last) % 2 == 1
        ray = ~fg & (last >= 0)
        out = np.where(ray, np.where(odd, np.uint8(color), carried), t)
        return None if not ray.any() else _turned(out, -turn)

    return rays


LinePicker = Callable[[Mask, int], Mask | None]
"""Given the background's cells and an axis (1: rows, 0: columns), which lines to paint
(None: the operation does not apply)."""


def _painted_lines(rows: bool, cols: bool, color: int, pick: LinePicker) -> Apply:
    """The background of the rows (or columns, or both) that ``pick`` chooses painted
    ``color``; None where it chooses none."""

    def lines(a: Cells) -> Cells | None:
        free = a == background(a)
        chosen = np.zeros(a.shape, dtype=bool)
        for axis, wanted in ((1, rows), (0, cols)):
            if wanted:
                picked = pick(free, axis)
                if picked is None:
                    return None
                chosen |= picked[:, None] if axis == 1 else picked[None, :]
        chosen &= free
        return np.where(chosen, np.uint8(color), a) if chosen.any() else None

    return lines


def _holding_foreground(free: Mask, axis: int) -> Mask:
    held: Mask = np.logical_not(free.all(axis=axis))
    return held


def _emptiest(free: Mask, axis: int) -> Mask | None:
    counts = free.sum(axis=axis)
    return None if counts.min() == counts.max() else counts == counts.max()


def lines_through(rows: bool, cols: bool, color: int) -> Apply:
    """The background of every row (or column, or both) that holds a foreground cell
    painted ``color``."""
    return _painted_lines(rows, cols, color, _holding_foreground)


def emptiest_lines(rows: bool, cols: bool, color: int) -> Apply:
    """The background of the rows (or columns, or both) with the most background cells
    painted ``color``; None where all rows (or columns) have as many."""
    return _painted_lines(rows, cols, color, _emptiest)


def diagonal_rays(a: Cells, turn: int) -> Cells:
    """Each foreground cell's colour carried down to the right over the background (the
    grid turned ``turn`` quarter turns first, and back after): the grid's rows are
    sheared so that its diagonals become columns."""
    t = _turned(a, turn)
    bg = background(t)
    h, w = t.shape
    rows = np.arange(h)[:, None]
    cols = np.arange(w) + (h - 1) - rows
    sheared = np.full((h, w + h - 1), bg, dtype=np.uint8)
    sheared[rows, cols] = t
    return _turned(_carried_down(sheared, bg)[rows, cols], -turn)


MAX_BOUNCING = 8
"""Foreground cells at most that :func:`bounced` sends a ray from."""


def bounced(down: bool, leftward: bool) -> Apply:
    """From each of a few foreground cells, a diagonal ray of its colour over the
    background, up (or ``down``) and to the right (or ``leftward``), turned back at the
    grid's left and right sides until it leaves the top (or bottom); None for more than
    :data:`MAX_BOUNCING` such cells or a grid one column wide."""

    def rays(a: Cells) -> Cells | None:
        t = a[::-1] if down else a
        t = t[:, ::-1] if leftward else t
        w = t.shape[1]
        bg = background(t)
        seeds = np.argwhere(t != bg)
        if w < 2 or not 0 < len(seeds) <= MAX_BOUNCING:
            return None
        out = t.copy()
        period = 2 * (w - 1)
        for r, c in seeds.tolist():
            steps = np.arange(1, r + 1)
            across = (c + steps) % period
            cols = np.where(across < w, across, period - across)
            rows = r - steps
            free = out[rows, cols] == bg
            out[rows[free], cols[free]] = t[r, c]
        out = out[:, ::-1] if leftward else out
        return out[::-1] if down else out

    return rays


def star(rays: tuple[Apply, ...]) -> Apply:
    """Rays from each foreground cell over the background in several directions, each
    of ``rays`` one (where rays cross, the first one's colour)."""

    def starred(a: Cells) -> Cells | None:
        bg = background(a)
        out = a.copy()
        for ray in rays:
            got = ray(a)
            assert got is not None
            free = out == bg
            out[free] = got[free]
        return out

    return starred


def boxes(a: Cells) -> Cells | None:
    """The background inside each foreground colour's bounding box painted that colour
    (where boxes overlap, the higher colour wins)."""
    bg = background(a)
    out = a.copy()
    for c in np.flatnonzero(np.bincount(a.ravel())):
        box = box_of(a == c) if c != bg else None
        if box is None:
            continue
        top, bottom, left, right = box
        window = out[top:bottom, left:right]
        window[a[top:bottom, left:right] == bg] = c
    return None if np.array_equal(out, a) else out


def _few_objects(
    segments: _Segments, a: Cells, color: int | None = None
) -> tuple[int, list[tuple[Where, Where]], Sizes] | None:
    """The background (:func:`ground`), and the objects' cells (:meth:`_Segments.cells`)
    and sizes; ``None`` where there are more than ``MAX_MOVERS`` objects, or ``color``
    is the background or absent."""
    counts = np.bincount(a.ravel(), minlength=10)
    bg = ground(counts)
    if color is not None and (color == bg or not counts[color]):
        return None
    _, sizes = segments(a)
    if len(sizes) > MAX_MOVERS:
        return None
    return bg, segments.cells(a), sizes


def stand_ins(segments: _Segments, color: int, moved: bool) -> Apply:
    """Each object all of ``color`` (joined by sides) repainted with the
    colours of the first other object, in reading order, that has its shape and holds
    no ``color``: grey stand-ins replaced by the pattern they stand for, or copies of a
    marked shape recoloured like it. With ``moved``, the objects copied are erased (the
    pattern moved to where the stand-ins are)."""

    def stand_ins(a: Cells) -> Cells | None:
        found = _few_objects(segments, a, color)
        if found is None:
            return None
        bg, objects, _ = found
        models: dict[tuple[tuple[int, int], bytes], tuple[Cells, Where, Where]] = {}
        stand: list[tuple[tuple[int, int, int, int], Mask]] = []
        for rows, cols in objects:
            box, shape = _boxed_shape(rows, cols)
            mine = a[rows, cols] == color
            if mine.all():
                stand.append((box, shape))
            elif not mine.any():
                top, bottom, left, right = box
                colours = a[top:bottom, left:right]
                key = (shape.shape, np.packbits(shape).tobytes())
                models.setdefault(key, (colours, rows, cols))
        out = a.copy()
        used: list[tuple[Where, Where]] = []
        for (top, bottom, left, right), shape in stand:
            model = models.get((shape.shape, np.packbits(shape).tobytes()))
            if model is not None:
                out[top:bottom, left:right][shape] = model[0][shape]
                used.append(model[1:])
        if moved:
            for rows, cols in used:
                out[rows, cols] = bg
        return None if np.array_equal(out, a) or (moved and not used) else out

    return stand_ins


Rooms = tuple[Numbers, Mask]
"""The background's regions joined by sides, numbered (-1 elsewhere), and for each
region the colours beside it by a side (``touched[region, colour]``; a last row, for
-1, is all False)."""


def rooms(a: Cells) -> Rooms:
    """The background's regions of ``a`` and the colours beside each (:data:`Rooms`)."""
    return rooms_of(a, background(a))


def rooms_of(a: Cells, bg: int) -> Rooms:
    """The regions of ``bg`` cells of ``a`` and the colours beside each (:data:`Rooms`)."""
    labels = component_labels((a == bg).astype(np.uint8), False, True, bg=0)
    touched = np.zeros((int(labels.max()) + 2, 10), dtype=np.bool_)
    for room, beside in (
        (labels[1:], a[:-1]), (labels[:-1], a[1:]),
        (labels[:, 1:], a[:, :-1]), (labels[:, :-1], a[:, 1:]),
    ):  # fmt: skip
        touched[room, beside] = True
    touched[-1] = False
    return labels, touched


def spread(regions: Callable[[Cells], Rooms], color: int) -> Apply:
    """Each region of the background (``regions``: :func:`rooms`, or it
    :class:`Shared` by every colour) that a cell of ``color`` touches by a side filled
    with ``color``: seeds flooding the rooms they are in."""

    def spread(a: Cells) -> Cells | None:
        if color == background(a):
            return None
        labels, touched = regions(a)
        flooded = touched[labels, color]
        if not flooded.any():
            return None
        return np.where(flooded, np.uint8(color), a)

    return spread


def checker_flood(a: Cells) -> Cells | None:
    """The background's regions beside a pair of colours that each keep to one colour
    of a checkerboard (the cells whose row and column add up to an even number, or to an
    odd one) filled with the pair in that checkerboard: two-coloured seeds flooding the
    rooms they are in. None unless exactly two colours keep so, one to each; the
    background is black if the grid shows black."""
    bg = ground(np.bincount(a.ravel(), minlength=10))
    odd = np.indices(a.shape).sum(axis=0) % 2 == 1
    on_odd = np.bincount(a[odd], minlength=10) > 0
    on_even = np.bincount(a[~odd], minlength=10) > 0
    keeps = on_odd != on_even
    keeps[bg] = False
    if keeps.sum() != 2 or (keeps & on_odd).sum() != 1:
        return None
    odd_color = int(np.flatnonzero(keeps & on_odd)[0])
    even_color = int(np.flatnonzero(keeps & on_even)[0])
    labels, touched = rooms_of(a, bg)
    flooded = touched[labels, odd_color] | touched[labels, even_color]
    if not flooded.any():
        return None
    out = a.copy()
    out[flooded & odd] = odd_color
    out[flooded & ~odd] = even_color
    return out


def boxed(color: int, paint: int) -> Apply:
    """The cells of other foreground colours inside the box of each group of ``color``
    cells (joined by sides or corners, or across a gap of one cell) painted ``paint``;
    the background is black if the grid shows black."""

    def boxed(a: Cells) -> Cells | None:
        bg = ground(np.bincount(a.ravel(), minlength=10))
        mine = a == color
        if color == bg or not mine.any():
            return None
        # cells two apart touch once each cell is a 2x2 block grown by one
        doubled = grow8(mine.repeat(2, axis=0).repeat(2, axis=1)).astype(np.uint8)
        labels = component_labels(doubled, True, True, bg=0)[::2, ::2]
        inside = np.zeros(a.shape, dtype=bool)
        for r0, r1, c0, c1 in zip(*label_boxes(np.where(mine, labels, -1)), strict=True):
            inside[r0 : r1 + 1, c0 : c1 + 1] = True
        inside &= (a != bg) & (a != color)
        return np.where(inside, np.uint8(paint), a) if inside.any() else None

    return boxed


def centre_lines(color: int) -> Apply:
    """The background along the middle row and the middle column of each object's box
    (cells of one colour joined by sides or corners; a side of even length has no
    middle) painted ``color``, across the whole grid."""

    def lines(a: Cells) -> Cells | None:
        bg = background(a)
        r0, r1, c0, c1 = label_boxes(component_labels(a, True, True, bg))
        through = np.zeros(a.shape, dtype=bool)
        through[((r0 + r1) // 2)[(r1 - r0) % 2 == 0]] = True
        through[:, ((c0 + c1) // 2)[(c1 - c0) % 2 == 0]] = True
        through &= a == bg
        return np.where(through, np.uint8(color), a) if through.any() else None

    return lines


def elbow(start: int, color: int) -> Apply:
    """Where the foreground is two cells, one of them ``start``: the path from that cell
    along its row to the other's column, then along the column to the other, painted
    ``color`` between the two."""

    def elbow(a: Cells) -> Cells | None:
        at = np.argwhere(a != background(a))
        if len(at) != 2:
            return None
        first = a[at[:, 0], at[:, 1]] == start
        if first.sum() != 1:
            return None
        (r0, c0), (r1, c1) = at[first][0], at[~first][0]
        out = a.copy()
        out[r0, min(c0, c1) : max(c0, c1) + 1] = color
        out[min(r0, r1) : max(r0, r1) + 1, c1] = color
        out[r0, c0], out[r1, c1] = a[r0, c0], a[r1, c1]
        return out

    return elbow


def lines_continued(a: Cells) -> Cells | None:
    """Each row, and each column, whose foreground is one run of two cells or more
    filled with that run repeated end to end in both directions."""
    bg = background(a)
    out = a.copy()
    for t, o in ((a, out), (a.T, out.T)):
        fg = t != bg
        count = fg.sum(axis=1)
        first = fg.argmax(axis=1)
        last = t.shape[1] - 1 - fg[:, ::-1].argmax(axis=1)
        runs = (count >= 2) & (count < t.shape[1]) & (last - first + 1 == count)
        for i in np.flatnonzero(runs):
            o[i] = t[i, first[i] + (np.arange(t.shape[1]) - first[i]) % count[i]]
    return None if np.array_equal(out, a) else out


def kron_halves(a: Cells) -> Cells | None:
    """The input's two halves (one above the other, or else side by side) as a stencil,
    the half of one foreground colour, and a picture, the other: the stencil in each
    picture cell's colour, one copy per cell of the picture."""
    bg = ground(np.bincount(a.ravel(), minlength=10))
    for axis in (0, 1):
        if a.shape[axis] % 2:
            continue
        halves = np.split(a, 2, axis=axis)
        single = [len(np.setdiff1d(half, [bg])) == 1 for half in halves]
        if single[0] == single[1]:
            continue
        stencil, picture = halves if single[0] else halves[::-1]
        (h, w), (sh, sw) = picture.shape, stencil.shape
        if h * sh > MAX_SIDE or w * sw > MAX_SIDE:
            return None
        out = np.where((stencil != bg)[None, :, None, :], picture[:, None, :, None], bg)
        return out.reshape(h * sh, w * sw).astype(np.uint8)
    return None


def keyed_mask(a: Cells) -> Cells | None:
    """Where separator lines cut the grid into panels: the one-colour panel's shape
    painted with the colourful panel (the key) scaled up to its size, each of its cells
    over one block; the panels' background elsewhere."""
    cut = panels(a)
    if cut is None:
        return None
    spans, _, bg = cut
    keys, masks = [], []
    for r0, r1, c0, c1 in spans:
        panel = a[r0:r1, c0:c1]
        colors = np.unique(panel[panel != bg])
        if len(colors) == 1:
            masks.append(panel)
        elif len(colors) > 1 and (panel != bg).all():
            keys.append(panel)
    if len(keys) != 1 or len(masks) != 1:
        return None
    (key,), (mask,) = keys, masks
    (h, w), (kh, kw) = mask.shape, key.shape
    if h % kh or w % kw:
        return None
    scaled = np.repeat(np.repeat(key, h // kh, axis=0), w // kw, axis=1)
    out: Cells = np.where(mask != bg, scaled, np.uint8(bg))
    return out


def overlaid_panels(a: Cells) -> Cells | None:
    """Where separator lines cut the grid into panels of one shape: every panel
    replaced by all of them laid over each other (the first panel's colour in reading
    order where several show one over the background)."""
    cut = panels(a)
    if cut is None:
        return None
    spans, _, bg = cut
    if len({(r1 - r0, c1 - c0) for r0, r1, c0, c1 in spans}) != 1:
        return None
    over = a[spans[0][0] : spans[0][1], spans[0][2] : spans[0][3]].copy()
    for r0, r1, c0, c1 in spans[1:]:
        free = over == bg
        over[free] = a[r0:r1, c0:c1][free]
    out = a.copy()
    for r0, r1, c0, c1 in spans:
        out[r0:r1, c0:c1] = over
    return None if np.array_equal(out, a) else out


def copied_to_marks(segments: _Segments, color: int) -> Apply:
    """The largest object holding no ``color`` (its box of odd sides) copied centred on
    each lone cell of ``color``, over what is there and cut at the edges: a shape
    repeated wherever a marker asks for it."""

    def copied(a: Cells) -> Cells | None:
        found = _few_objects(segments, a, color)
        if found is None:
            return None
        _, objects, sizes = found
        colours = [a[rows, cols] for rows, cols in objects]
        marks = [k for k, got in enumerate(colours) if sizes[k] == 1 and got[0] == color]
        models = [k for k, got in enumerate(colours) if not (got == color).any()]
        if not marks or not models:
            return None
        (top, bottom, left, right), shape = _boxed_shape(
            *objects[max(models, key=lambda k: sizes[k])]
        )
        mh, mw = shape.shape
        if mh % 2 == 0 or mw % 2 == 0 or mh * mw == 1:
            return None
        picture = a[top:bottom, left:right]
        out = a.copy()
        h, w = a.shape
        for k in marks:
            r, c = int(objects[k][0][0]), int(objects[k][1][0])
            rows, cols = np.nonzero(shape)
            rr, cc = rows + r - mh // 2, cols + c - mw // 2
            inside = (rr >= 0) & (cc >= 0) & (rr < h) & (cc < w)
            out[rr[inside], cc[inside]] = picture[rows[inside], cols[inside]]
        return out

    return copied


def _ranked_colour(a: Cells, most: bool) -> tuple[np.uint8, np.uint8] | None:
    """The background (see :func:`ground`) and the commonest (or least common)
    foreground colour; None if two tie or there is one foreground colour."""
    counts = np.bincount(a.ravel(), minlength=10)
    bg = ground(counts)
    counts[bg] = 0
    present = counts[counts > 0]
    if len(present) < 2:
        return None
    pick = present.max() if most else present.min()
    if (present == pick).sum() > 1:
        return None
    return np.uint8(bg), np.uint8(np.flatnonzero(counts == pick)[0])


def keep_rank(most: bool) -> Apply:
    """Only the commonest (or least common) foreground colour kept, over the background
    (see :func:`ground`); None if two tie."""

    def kept(a: Cells) -> Cells | None:
        ranked = _ranked_colour(a, most)
        if ranked is None:
            return None
        bg, color = ranked
        return np.where(a == color, a, bg)

    return kept


def paint_rank(most: bool) -> Apply:
    """Every foreground cell (see :func:`ground`) painted the commonest (or least
    common) foreground colour; None if two tie or there is one foreground colour."""

    def painted(a: Cells) -> Cells | None:
        ranked = _ranked_colour(a, most)
        if ranked is None:
            return None
        bg, color = ranked
        return np.where(a == bg, a, color)

    return painted


def unframe(a: Cells) -> Cells | None:
    """The grid without its outermost rows and columns."""
    h, w = a.shape
    return a[1:-1, 1:-1] if h > 2 and w > 2 else None


def rings_reversed(a: Cells) -> Cells | None:
    """A grid of concentric rings of one colour each (cells as far from the edge alike),
    with the rings' colours in the reverse order, outermost for innermost."""
    h, w = a.shape
    edge = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    if h < 3 or w < 3 or (edge != edge[0]).any():
        return None
    r, c = np.indices(a.shape)
    depth = np.minimum(np.minimum(r, h - 1 - r), np.minimum(c, w - 1 - c))
    n = int(depth.max()) + 1
    colors = np.full(n, -1, dtype=np.int64)
    np.maximum.at(colors, depth.ravel(), a.ravel())
    if (colors[depth] != a).any():
        return None
    out = colors[::-1][depth].astype(np.uint8)
    return None if np.array_equal(out, a) else out


def period_tile(a: Cells) -> Cells | None:
    """The smallest tile whose repeats make the grid exactly (rows and columns apart);
    None if the grid repeats in neither direction."""
    h, w = a.shape
    ph = next(p for p in range(1, h + 1) if h % p == 0 and (a == np.tile(a[:p], (h // p, 1))).all())
    pw = next(
        p for p in range(1, w + 1) if w % p == 0 and (a == np.tile(a[:, :p], (1, w // p))).all()
    )
    return None if (ph, pw) == (h, w) else a[:ph, :pw]


def third(row: int, col: int) -> Apply:
    """One of the nine parts of a grid cut in three each way (sides divisible by 3)."""

    def part(a: Cells) -> Cells | None:
        h, w = a.shape
        if h % 3 or w % 3:
            return None
        return a[row * h // 3 : (row + 1) * h // 3, col * w // 3 : (col + 1) * w // 3]

    return part


def drawn(f: Callable[[Grid], Grid], color: int) -> Apply:
    """What ``f`` draws on the grid, in ``color``: each cell it changes takes that colour."""

    def drawn(a: Cells) -> Cells | None:
        got = f(Grid(a)).cells
        changed = got != a
        return np.where(changed, np.uint8(color), a) if changed.any() else None

    return drawn


_MOVES = ("slide", "step", "trail", "level")
_STEPS = ((1, 0), (0, -1), (-1, 0), (0, 1))
"""One step down, left, up and right (rows, columns)."""
MAX_MOVERS = 40
"""Objects at most that :func:`attracted` moves in one grid."""


def attracted(segments: _Segments, color: int, how: str) -> Apply:
    """Every object of another colour that lies level with the cells of ``color`` (sharing
    rows or columns with their box, or on its diagonal) moved toward them: until the
    next step would cover one of them, another object or leave the grid (``how``
    "slide"; the nearest move first, so that the others pile up behind them), or one
    step ("step"); or, for an object sharing rows or columns, left where it is with the
    cells it would slide over painted its colours ("trail"). With ``how`` "level", every
    object beside them moves up or down to start on their top row, and every object
    above or below them left or right to start on their left column."""

    def attracted(a: Cells) -> Cells | None:
        found = _few_objects(segments, a, color)
        if found is None:
            return None
        bg, movers, _ = found
        anchor = a == color
        box = box_of(anchor)
        assert box is not None
        top, bottom, left, right = box
        h, w = a.shape
        out = a.copy()
        moved = False
        placed: list[tuple[Where, Where, Cells]] = []
        movers = [(rows, cols) for rows, cols in movers if a[rows[0], cols[0]] != color]
        if how == "slide":
            movers.sort(key=lambda at: max(_gap(at[0], top, bottom), _gap(at[1], left, right)))
        for rows, cols in movers:
            dr = _toward(int(rows.min()), int(rows.max()) + 1, top, bottom)
            dc = _toward(int(cols.min()), int(cols.max()) + 1, left, right)
            if how == "level":
                r = rows + (top - int(rows.min()) if dc else 0)
                c = cols + (left - int(cols.min()) if dr and not dc else 0)
                moves = (r != rows).any() or (c != cols).any()
                if moves and r.max() < h and c.max() < w:
                    out[rows, cols] = bg
                    placed.append((r, c, a[rows, cols]))
                continue
            if dr and dc and (how == "trail" or _gap(rows, top, bottom) != _gap(cols, left, right)):
                continue
            if dr == dc == 0:
                continue
            blocked = anchor
            if how == "slide":
                out[rows, cols] = bg
                blocked = out != bg
            limit = 1 if how == "step" else max(h, w)
            steps = _free_steps(rows, cols, dr, dc, a.shape, limit, blocked)
            if how == "trail":
                placed += [
                    (rows + dr * s, cols + dc * s, a[rows, cols]) for s in range(1, steps + 1)
                ]
            if how == "slide":
                out[rows + dr * steps, cols + dc * steps] = a[rows, cols]
                moved |= steps > 0
            elif steps and how != "trail":
                out[rows, cols] = bg
                placed.append((rows + dr * steps, cols + dc * steps, a[rows, cols]))
        for rows, cols, colors in placed:
            out[rows, cols] = colors
        return out if placed or moved else None

    return attracted


def homing(segments: _Segments) -> Apply:
    """Where some colours draw a wall (one straight object spanning the grid but for at
    most one cell at each end): every other object of a wall's colour slides straight
    to it, over anything else, until the next step would cover a cell of its colour
    (the nearest first, so that the others pile up against the wall), and every object
    of a colour without a wall is erased."""

    def home(a: Cells) -> Cells | None:
        found = _few_objects(segments, a)
        if found is None:
            return None
        bg, objects, _ = found
        h, w = a.shape
        walls: dict[int, tuple[int, int, int]] = {}  # colour: axis, row or column, object
        for k, (rows, cols) in enumerate(objects):
            if (cols == cols[0]).all() and rows.max() - rows.min() >= h - 3:
                walls[int(a[rows[0], cols[0]])] = (1, int(cols[0]), k)
            elif (rows == rows[0]).all() and cols.max() - cols.min() >= w - 3:
                walls[int(a[rows[0], cols[0]])] = (0, int(rows[0]), k)
        if not walls:
            return None
        out = a.copy()
        movers = []
        for k, (rows, cols) in enumerate(objects):
            wall = walls.get(int(a[rows[0], cols[0]]))
            if wall is None:
                out[rows, cols] = bg
            elif wall[2] != k:
                at = rows if wall[0] == 0 else cols
                gap = int(at.min()) - wall[1] if at.min() > wall[1] else wall[1] - int(at.max())
                movers.append((gap, rows, cols, wall[:2]))
        for _, rows, cols, (axis, line) in sorted(movers, key=lambda m: m[0]):
            at = rows if axis == 0 else cols
            step = 1 if at.max() < line else -1
            colors = a[rows, cols]
            out[rows, cols] = bg
            dr, dc = step * (axis == 0), step * (axis == 1)
            steps = _free_steps(rows, cols, dr, dc, a.shape, max(h, w), out == a[rows[0], cols[0]])
            out[rows + dr * steps, cols + dc * steps] = colors
        return None if np.array_equal(out, a) else out

    return home


def flipped_over(segments: _Segments, color: int) -> Apply:
    """Every object of another colour that lies above, below or beside an object of
    ``color`` mirrored to the other side of that object's fullest row (or column): the
    back of a bracket, say, with shapes mirrored into it or out of it. Each goes over
    the nearest such object; where one would land outside the grid, this does not apply."""

    def flipped(a: Cells) -> Cells | None:
        found = _few_objects(segments, a, color)
        if found is None:
            return None
        bg, objects, _ = found
        anchors = [at for at in objects if a[at[0][0], at[1][0]] == color]
        out = a.copy()
        placed: list[tuple[Where, Where, Cells]] = []
        for rows, cols in objects:
            if a[rows[0], cols[0]] == color:
                continue
            near: list[tuple[int, bool, Where, Where]] = []
            for ar, ac in anchors:
                row_gap = _gap(rows, int(ar.min()), int(ar.max()) + 1)
                col_gap = _gap(cols, int(ac.min()), int(ac.max()) + 1)
                if (col_gap < 0) != (row_gap < 0):  # above or below it, or beside it
                    level = col_gap < 0
                    near.append((row_gap if level else col_gap, level, ar, ac))
            if not near:
                continue
            _, level, ar, ac = min(near, key=lambda n: n[0])
            if level:  # above or below: mirrored over the anchor's fullest row
                axis = int(np.bincount(ar).argmax())
                r, c = 2 * axis - rows, cols
            else:
                axis = int(np.bincount(ac).argmax())
                r, c = rows, 2 * axis - cols
            if _outside(r, c, a.shape):
                return None
            out[rows, cols] = bg
            placed.append((r, c, a[rows, cols]))
        for r, c, colors in placed:
            out[r, c] = colors
        return out if placed else None

    return flipped


def _outside(rows: Where, cols: Where, shape: tuple[int, ...]) -> bool:
    """Whether some of the cells at ``rows``, ``cols`` lie outside a grid of ``shape``."""
    return bool(
        rows.min() < 0 or cols.min() < 0 or rows.max() >= shape[0] or cols.max() >= shape[1]
    )


def _free_steps(
    rows: Where, cols: Where, dr: int, dc: int, shape: tuple[int, ...], limit: int, blocked: Mask
) -> int:
    """How many steps of ``(dr, dc)``, at most ``limit``, the cells at ``rows``, ``cols``
    take before the next would leave a grid of ``shape`` or cover a ``blocked`` cell."""
    steps = 0
    while steps < limit:
        r, c = rows + dr * (steps + 1), cols + dc * (steps + 1)
        if _outside(r, c, shape) or blocked[r, c].any():
            break
        steps += 1
    return steps


def _toward(start: int, stop: int, low: int, high: int) -> int:
    """-1, 0 or 1: the way from span ``start:stop`` to span ``low:high`` (0 if they overlap)."""
    return 1 if stop <= low else -1 if start >= high else 0


def _gap(at: Where, low: int, high: int) -> int:
    """Cells between the span of ``at`` and the span ``low:high``."""
    return int(low - at.max() - 1) if at.max() < low else int(at.min() - high)


def object_ops() -> list[Op]:
    """Cut out or paint over the largest or smallest object, for single-colour objects
    by sides or by corners and multicolour ones by corners; cut out the one object of
    a colour no other shows (single-colour) or with the most colours (multicolour)."""
    ops = []
    for diagonal, by_color, tag in (
        (False, True, "obj"),
        (True, True, "obj8"),
        (True, False, "blob"),
    ):
        segments = _Segments(diagonal, by_color)
        for which in ("largest", "smallest"):
            ops.append(Op(f"{which}{tag}", _pick_object, 2, (segments, which, False)))
            ops.append(Op(f"{which}{tag}win", _pick_object, 2, (segments, which, True)))
            ops.append(Op(f"drop{which}{tag}", _drop_object, 3, (segments, which, False), True))
            ops.append(Op(f"only{which}{tag}", _drop_object, 3, (segments, which, True), True))
        which = "colorful" if tag == "blob" else "rare"
        ops.append(Op(f"{which}{tag}", _pick_object, 3, (segments, which, False)))
        ops.append(Op(f"{which}{tag}win", _pick_object, 3, (segments, which, True)))
    return ops


def operations(grids: Sequence[Cells], outputs: Sequence[Cells]) -> tuple[Op, ...]:
    """The operations worth chaining for a task whose grids are ``grids`` (inputs of train
    and test) and train outputs ``outputs``: colours filtered by the colours inputs show,
    painted with those outputs show, scaled by the factors between their sizes; objects
    moved toward a colour only where every output has its input's shape; and operations
    that suit few tasks only where they make a right first step (``_situational``)."""
    in_colors = sorted(set().union(*(np.unique(a).tolist() for a in grids)))
    out_colors = sorted(set().union(*(np.unique(a).tolist() for a in outputs)))
    ops = [Op(name, f, keeps_shape=name in ("rot180", "fliph", "flipv")) for name, f in SYMMETRIES]
    ops += [
        Op("crop", crop),
        Op("lefthalf", left),
        Op("righthalf", right),
        Op("tophalf", top),
        Op("bottomhalf", bottom),
        Op("midrow", middle, 2, (0,), True),
        Op("midcol", middle, 2, (1,), True),
        Op("bandrows", band_repeated, 2, (0,), True),
        Op("bandcols", band_repeated, 2, (1,), True),
        Op("dedup", dedup, 2),
        Op("squeeze", squeeze, 2),
        Op("tile1x2", tiled, 2, (1, 2)),
        Op("tile2x1", tiled, 2, (2, 1)),
        Op("tile2x2", tiled, 2, (2, 2)),
        Op("mirrorh", mirrored, 2, (True, False)),
        Op("mirrorv", mirrored, 2, (False, True)),
        Op("mirror4", mirrored, 2, (True, True)),
        Op("selfkron", self_kron, 3),
        Op("invert", invert, 2, keeps_shape=True),
        Op("majority", majority, 3),
        Op("flood", flooded, 2, keeps_shape=True),
        Op("stripes", striped, 2, keeps_shape=True),
        Op("minority", minority, 3),
        Op("falldown", gravity, 2, (0, True), True),
        Op("fallup", gravity, 2, (0, False), True),
        Op("fallleft", gravity, 2, (1, False), True),
        Op("fallright", gravity, 2, (1, True), True),
        Op("connect", on_grid, 2, (connect,), True),
        Op("connecth", on_grid, 2, (connect_h,), True),
        Op("connectv", on_grid, 2, (connect_v,), True),
        Op("boxes", boxes, 2, keeps_shape=True),
        Op("panels", overlaid_panels, 2, keeps_shape=True),
        Op("keyed", keyed_mask, 3),
    ]
    for direction, turn in (("down", 0), ("left", 1), ("up", 2), ("right", 3)):
        ops.append(Op(f"rays{direction}", rays, 2, (turn,), True))
    # each diagonal's rays made once per candidate array, for itself and for raysx
    diagonals = tuple(Shared(diagonal_rays, (turn,)) for turn in range(4))
    names = ("downright", "downleft", "upleft", "upright")
    for direction, shared in zip(names, diagonals, strict=True):
        ops.append(Op(f"rays{direction}", made, 2, (shared,), True))
    ops.append(Op("raysx", star, 2, (diagonals,), True))
    for direction, turn in (("down", 0), ("left", 1), ("up", 2), ("right", 3)):
        ops.append(Op(f"shift{direction}", shifted, 2, _STEPS[turn], True))
    ops.append(Op("keepmost", keep_rank, 2, (True,), True))
    ops.append(Op("keepleast", keep_rank, 2, (False,), True))
    ops.append(Op("paintmost", paint_rank, 2, (True,), True))
    ops.append(Op("paintleast", paint_rank, 2, (False,), True))
    ops.append(Op("unframe", unframe, 2))
    ops.append(Op("ringsreversed", rings_reversed, 2, keeps_shape=True))
    ops.append(Op("continued", lines_continued, 2, keeps_shape=True))
    ops.append(Op("period", period_tile, 2))
    if any(x.shape[0] == 3 * y.shape[0] or x.shape[1] == 3 * y.shape[1]
           for x, y in zip(grids, outputs, strict=False)):  # fmt: skip
        ops += [Op(f"third{r}{c}", third, 2, (r, c)) for r in range(3) for c in range(3)]
    ops += object_ops()
    ops += _sized(outputs)
    ops += _situational(grids[: len(outputs)], outputs)
    shapes = [(x.shape, y.shape) for x, y in zip(grids[: len(outputs)], outputs, strict=False)]
    ops += _folds(shapes)
    if all(y == (x[0] + 2, x[1] + 2) for x, y in shapes):
        ops.append(Op("border", bordered, 2))
    if any(y == (x[0] ** 2, x[1] ** 2) for x, y in shapes) or all(_squared(y) for _, y in shapes):
        ops += [Op(f"selfkron{c}", kron_at, 3, (c,)) for c in in_colors]
        ops.append(Op("selfkronmost", kron_most, 3))
    if any(y in ((h * h // 4, w * w), (h * h, w * w // 4)) for (h, w), y in shapes):
        ops.append(Op("kronhalves", kron_halves, 2))
    for k in _factors(grids, outputs):
        ops += [Op(f"up{k}", upscale, 2, (k,)), Op(f"down{k}", downscale, 2, (k,))]
        ops.append(Op(f"pool{k}", pooled, 3, (k,)))
    # labelled once per candidate for every colour's operations (on black if shown)
    parts, whole = _Segments(True, True, on_black=True), _Segments(False, False, on_black=True)
    regions = Shared(rooms)
    same_shape = all(x == y for x, y in shapes)
    if same_shape:
        ops.append(Op("home", homing, 3, (parts,), True))
    for c in in_colors:
        ops += [Op(f"keep{c}", keep, 2, (c,), True), Op(f"erase{c}", erase, 2, (c,), True)]
        ops.append(Op(f"window{c}", color_window, 2, (c,)))
        ops.append(Op(f"standins{c}", stand_ins, 3, (whole, c, False), True))
        ops.append(Op(f"movedto{c}", stand_ins, 3, (whole, c, True), True))
        ops.append(Op(f"copyto{c}", copied_to_marks, 3, (whole, c), True))
        ops.append(Op(f"spread{c}", spread, 3, (regions, c), True))
        if same_shape:
            ops += [Op(f"{how}to{c}", attracted, 3, (parts, c, how), True) for how in _MOVES]
            ops.append(Op(f"flipover{c}", flipped_over, 3, (parts, c), True))
    for c in sorted(set(out_colors) - set(in_colors)):
        ops += [Op(f"inbox{k}to{c}", boxed, 3, (k, c), True) for k in in_colors]
        ops.append(Op(f"centrelines{c}", centre_lines, 3, (c,), True))
        for direction, turn in (("down", 0), ("left", 1), ("up", 2), ("right", 3)):
            ops.append(Op(f"rays{direction}{c}", tinted_rays, 3, (turn, c), True))
        for name, through in (("rows", (True, False)), ("cols", (False, True)),
                              ("rowscols", (True, True))):  # fmt: skip
            ops.append(Op(f"through{name}{c}", lines_through, 3, (*through, c), True))
    # each mask made once per candidate array for every colour
    fg, inside, rim, hollow = Shared(foreground), Shared(insides), Shared(ring), Shared(hollows)
    for c in out_colors:
        ops += [Op(f"paint{c}", painted, 2, (fg, c), True)]
        ops.append(Op(f"holes{c}", painted, 2, (hollow, c), True))
        ops.append(Op(f"outline{c}", painted, 3, (rim, c), True))
        ops.append(Op(f"frame{c}", frame, 3, (c,), True))
        ops.append(Op(f"inner{c}", painted, 3, (inside, c), True))
        for name, lines in (("lines", connect), ("linesh", connect_h), ("linesv", connect_v)):
            ops.append(Op(f"{name}{c}", drawn, 3, (lines, c), True))
    return tuple(ops)


def _situational(inputs: Sequence[Cells], outputs: Sequence[Cells]) -> list[Op]:
    """Operations that suit few tasks, offered only where they make a right first step
    (so that they cost other tasks' composition nothing): where every train output has
    its input's shape, and on every train input the operation applies, changes some
    cells and gives each the colour the output has there. They are rays turning back at
    the sides, the checkerboard flood, the largest solid rectangle kept alone, stripes
    repeated from seeds on the edges, lines completed by analogy with a full one, and,
    in each colour only the outputs show, the largest clearing, the emptiest lines, the
    elbow from a cell of one colour to the other cell and rays that alternate it with
    their cell's colour."""
    if any(x.shape != y.shape for x, y in zip(inputs, outputs, strict=True)):
        return []
    bounces = (("upright", False, False), ("upleft", False, True),
               ("downright", True, False), ("downleft", True, True))  # fmt: skip
    candidates = [
        Op(f"bounce{name}", bounced, 2, (down, left), True) for name, down, left in bounces
    ]
    candidates.append(Op("checkerflood", checker_flood, 3, keeps_shape=True))
    candidates.append(Op("solidrect", largest_solid, 3, keeps_shape=True))
    candidates.append(Op("seedstripes", seed_stripes, 2, keeps_shape=True))
    candidates.append(Op("analogyrows", by_analogy, 2, (True,), True))
    candidates.append(Op("analogycols", by_analogy, 2, (False,), True))
    shown = set().union(*(np.unique(x).tolist() for x in inputs))
    for c in sorted(set().union(*(np.unique(y).tolist() for y in outputs)) - shown):
        candidates.append(Op(f"clearing{c}", largest_clearing, 3, (c,), True))
        candidates += [Op(f"elbow{k}to{c}", elbow, 3, (k, c), True) for k in sorted(shown)]
        for direction, turn in (("down", 0), ("left", 1), ("up", 2), ("right", 3)):
            candidates.append(Op(f"rays{direction}alt{c}", alternating_rays, 3, (turn, c), True))
        for name, through in (("rows", (True, False)), ("cols", (False, True)),
                              ("rowscols", (True, True))):  # fmt: skip
            candidates.append(Op(f"emptiest{name}{c}", emptiest_lines, 3, (*through, c), True))
    return [
        op
        for op in candidates
        if all(_right_step(op, x, y) for x, y in zip(inputs, outputs, strict=True))
    ]


def _right_step(op: Op, x: Cells, y: Cells) -> bool:
    """Whether ``op`` changes some cells of ``x`` and each to the colour ``y`` has there."""
    got = op(x)
    if got is None or got.shape != y.shape:
        return False
    changed = got != x
    return bool(changed.any()) and bool(np.array_equal(got[changed], y[changed]))


def _squared(shape: Shape) -> bool:
    """Whether each side is the square of a whole number over 1 (a grid's Kronecker
    product with itself, for a grid some chain cuts out)."""
    return all(s > 1 and round(s**0.5) ** 2 == s for s in shape)


def _sized(outputs: Sequence[Cells]) -> list[Op]:
    """Where every train output has one shape: the inputs' corners of that shape, the
    input repeated (or mirrored) to cover it, and the input in its top left corner."""
    shapes = {y.shape for y in outputs}
    if len(shapes) != 1:
        return []
    ((h, w),) = shapes
    ops = [Op(f"tileto{h}x{w}", tiled_to, 2, (h, w, False))]
    ops.append(Op(f"mirrorto{h}x{w}", tiled_to, 2, (h, w, True)))
    ops.append(Op(f"padto{h}x{w}", padded_to, 2, (h, w)))
    for name, down, across in (("tl", False, False), ("tr", False, True), ("bl", True, False),
                               ("br", True, True)):  # fmt: skip
        ops.append(Op(f"corner{name}{h}x{w}", corner, 2, (h, w, down, across)))
    return ops


Shape = tuple[int, ...]


def _folds(shapes: Sequence[tuple[Shape, Shape]]) -> list[Op]:
    """The input mirrored out with shared seams (``folded``) where every train output's
    sides are ``(side - 1) * k + 1`` of its input's for the same ``k`` down and across
    (``shapes``: each train input's shape and its output's)."""
    counts = set()
    for x, y in shapes:
        ks = tuple(
            (b - 1) // (s - 1) if s > 1 and (b - 1) % (s - 1) == 0 else 0
            for b, s in zip(y, x, strict=True)
        )
        counts.add(ks)
    if len(counts) != 1:
        return []
    ((n, m),) = counts
    if not (1 <= n <= 5 and 1 <= m <= 5 and n * m > 1):
        return []
    return [Op(f"fold{n}x{m}", folded, 2, (n, m))]


def _factors(grids: Sequence[Cells], outputs: Sequence[Cells]) -> list[int]:
    """Whole ratios, 2 to 5, between the sides of train inputs (first in ``grids``) and
    their outputs, either way; always 2, 3 and 4."""
    found = {2, 3, 4}
    for x, y in zip(grids, outputs, strict=False):
        for big, small in ((y.shape, x.shape), (x.shape, y.shape)):
            for b, s in zip(big, small, strict=True):
                if b % s == 0 and 2 <= b // s <= 5:
                    found.add(b // s)
    return sorted(found)
