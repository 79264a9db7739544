"""Object rules read off a task's examples: each object of the input is changed by one
action (kept, deleted, recoloured, filled with its own colour, its box or holes or inside
filled, ringed with a colour, flipped in its box, slid in a direction or against the
nearest other object, moved by its own height or width, dragged the way its marks
point, or sending out lines: of its colour, from its cells, from its ends or diagonally
from a corner of its box, or of its one odd-coloured cell's colour, away from its
middle), and which action is a table over one or two properties of the
object (its colour, size, size rank, box, border contact, how often its shape or colour
recurs, holes, being a square, odd or even sides). Objects are connected cells, regions
of the background, or the panels between separator lines.

This is the object-centric decomposition: a per-object program (the action) and a rule
assembling the output (the objects changed in place, everything else as it was). For a
segmentation of the inputs into objects, each train object gets the set of actions that
explain the output over its box and the cells they change; a table over a few
properties is kept when every key's objects share an action (of those, the one that
changes the most cells), the assembled output equals every train output, and every
test object's key was seen. The shortest table over the fewest properties wins. Where no
one-property table knows every test object, a default action with one or two exceptions
("the largest region turns blue, the smallest red, the rest stay") may, since it knows
every object (``rule_objects_else``).
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._objects import component_labels, panels
from metagrow.domains.grids._paint import grow8, holes, shrink4
from metagrow.domains.grids._transforms import background, bounding_box

Mask = npt.NDArray[np.bool_]
_MAX_OBJECTS = 60
"""Grids with more objects than this (noise) are left to the cell rules."""
_MAX_PROPERTIES = 2
_SECONDS = 2.0
_LISTED_RANK = 100
"""Added to the exception count of a default-with-exceptions rule (:func:`_listed`):
another segmentation's one-property table wins over it."""
_MIN_DEFAULT = 3
"""Train objects at least that a default action must explain."""


@final
@dataclass(frozen=True, slots=True)
class _Object:
    mask: Mask
    box: tuple[int, int, int, int]
    properties: tuple[int, ...]
    touching: int
    """The colours (as bits) of the non-background cells beside the object, by sides."""


# -- actions: what happens to one object, in place -------------------------------------------

Action = Callable[[Cells, _Object, int], Cells]
"""An action: the grid with one object changed (a new array), given the background."""


def _keep(c: Cells, o: _Object, bg: int) -> Cells:
    return c.copy()


def _delete(c: Cells, o: _Object, bg: int) -> Cells:
    out = c.copy()
    out[o.mask] = bg
    return out


def _recolor(k: int) -> Action:
    def act(c: Cells, o: _Object, bg: int) -> Cells:
        out = c.copy()
        out[o.mask] = k
        return out

    return act


def _recolor_own(c: Cells, o: _Object, bg: int) -> Cells:
    """The whole object in its own (commonest) colour: a panel filled with what it holds."""
    out = c.copy()
    out[o.mask] = o.properties[0]
    return out


def _recolor_touching(c: Cells, o: _Object, bg: int) -> Cells:
    """The object takes the one colour beside it (unchanged if there are more or none)."""
    out = c.copy()
    if o.touching and not o.touching & (o.touching - 1):
        out[o.mask] = o.touching.bit_length() - 1
    return out


def _in_box(o: _Object) -> tuple[slice, slice]:
    top, bottom, left, right = o.box
    return slice(top, bottom), slice(left, right)


def _fill_box(k: int) -> Action:
    def act(c: Cells, o: _Object, bg: int) -> Cells:
        out = c.copy()
        box = out[_in_box(o)]
        box[box == bg] = k
        return out

    return act


def _fill_holes(k: int) -> Action:
    def act(c: Cells, o: _Object, bg: int) -> Cells:
        out = c.copy()
        box = out[_in_box(o)]
        inside = holes(o.mask[_in_box(o)]) & (box == bg)
        box[inside] = k
        return out

    return act


def _fill_inside(k: int) -> Action:
    """The object's cells not on its outline (all four side neighbours in it) become ``k``."""

    def act(c: Cells, o: _Object, bg: int) -> Cells:
        at = _in_box(o)
        out = c.copy()
        out[at][shrink4(o.mask[at])] = k
        return out

    return act


def _outline(k: int) -> Action:
    """The background cells beside the object, by sides or corners, become ``k``."""

    def act(c: Cells, o: _Object, bg: int) -> Cells:
        top, bottom, left, right = o.box
        at = slice(max(top - 1, 0), bottom + 1), slice(max(left - 1, 0), right + 1)
        out = c.copy()
        out[at][grow8(o.mask[at]) & (c[at] == bg)] = k
        return out

    return act


def _flip(turn: Callable[[npt.NDArray[np.generic]], npt.NDArray[np.generic]]) -> Action:
    def act(c: Cells, o: _Object, bg: int) -> Cells:
        at = _in_box(o)
        mask = o.mask[at]
        content = np.where(mask, c[at], bg)
        out = c.copy()
        box = out[at]
        box[mask] = bg
        turned, on = turn(content), turn(mask).astype(bool)
        box[on] = turned[on]
        return out

    return act


_DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def _slide_steps(c: Cells, o: _Object, bg: int, dr: int, dc: int) -> tuple[int, bool]:
    """How far the object slides in a direction before it would leave the grid or overlap
    another non-background cell, and whether a cell (not the edge) stopped it."""
    h, w = c.shape
    blocked = (c != bg) & ~o.mask
    rows, cols = np.nonzero(o.mask)
    k = 0
    while True:
        r, q = rows + (k + 1) * dr, cols + (k + 1) * dc
        if r.min() < 0 or r.max() >= h or q.min() < 0 or q.max() >= w:
            return k, False
        if blocked[r, q].any():
            return k, True
        k += 1


def _moved(c: Cells, o: _Object, bg: int, dr: int, dc: int) -> Cells:
    out = c.copy()
    if dr or dc:
        rows, cols = np.nonzero(o.mask)
        out[rows, cols] = bg
        out[rows + dr, cols + dc] = c[rows, cols]
    return out


def _slide(dr: int, dc: int) -> Action:
    """Slide the object as far as it goes (to the edge, or against another object)."""

    def act(c: Cells, o: _Object, bg: int) -> Cells:
        k, _ = _slide_steps(c, o, bg, dr, dc)
        return _moved(c, o, bg, k * dr, k * dc)

    return act


def _slide_to_nearest(c: Cells, o: _Object, bg: int) -> Cells:
    """Slide the object against the nearest other cell in a straight line, if any."""
    hits = []
    for dr, dc in _DIRECTIONS:
        k, stopped = _slide_steps(c, o, bg, dr, dc)
        if stopped:
            hits.append((k, dr, dc))
    if not hits:
        return c.copy()
    k, dr, dc = min(hits)
    return _moved(c, o, bg, k * dr, k * dc)


def _hop(dr: int, dc: int) -> Action:
    """Move the object by its own height (or width) in a direction, if it stays inside."""

    def act(c: Cells, o: _Object, bg: int) -> Cells:
        top, bottom, left, right = o.box
        dr_, dc_ = dr * (bottom - top), dc * (right - left)
        h, w = c.shape
        if min(top + dr_, left + dc_) < 0 or bottom + dr_ > h or right + dc_ > w:
            return c.copy()
        return _moved(c, o, bg, dr_, dc_)

    return act


Point = tuple[int, int]


def _line(
    c: Cells, out: Cells, o: _Object, bg: int, start: Point, d: Point, color: int, stop: bool = True
) -> None:
    """Paints ``color`` on ``out`` from ``start`` in steps of ``d`` over the background,
    through the object's own cells, to the edge or (``stop``) the first other cell."""
    h, w = c.shape
    r, q = start
    while (d[0] or d[1]) and 0 <= r < h and 0 <= q < w:
        if c[r, q] == bg:
            out[r, q] = color
        elif stop and not o.mask[r, q]:
            break
        r, q = r + d[0], q + d[1]


def _rays(directions: tuple[tuple[int, int], ...], stop: bool) -> Action:
    """Lines of the object's colours from each of its cells outwards over the background,
    to the edge or (``stop``) to the first other cell in the way."""

    def act(c: Cells, o: _Object, bg: int) -> Cells:
        out = c.copy()
        rows, cols = np.nonzero(o.mask)
        for r0, c0 in zip(rows.tolist(), cols.tolist(), strict=True):
            for dr, dc in directions:
                _line(c, out, o, bg, (r0 + dr, c0 + dc), (dr, dc), int(c[r0, c0]), stop)
        return out

    return act


def _corner_ray(dr: int, dc: int) -> Action:
    """A diagonal line of the object's colour from the corner of its box that faces
    ``(dr, dc)`` outwards over the background, to the edge or the first other cell."""

    def act(c: Cells, o: _Object, bg: int) -> Cells:
        top, bottom, left, right = o.box
        start = (bottom - 1 if dr > 0 else top) + dr, (right - 1 if dc > 0 else left) + dc
        out = c.copy()
        _line(c, out, o, bg, start, (dr, dc), int(c[o.mask][0]))  # outside the box: no own cell
        return out

    return act


def _step(frm: tuple[float, float], to: tuple[float, float]) -> Point:
    """The unit step (each part -1, 0 or 1) from one point towards another, a part counting
    where the two differ by half a cell or more."""
    dr, dc = to[0] - frm[0], to[1] - frm[1]
    return (int(np.sign(dr)) if abs(dr) >= 0.5 else 0, int(np.sign(dc)) if abs(dc) >= 0.5 else 0)


def _centre(o: _Object) -> tuple[float, float]:
    top, bottom, left, right = o.box
    return (top + bottom - 1) / 2, (left + right - 1) / 2


def _tip_ray(c: Cells, o: _Object, bg: int) -> Cells:
    """A line of the colour the object holds one cell of, from that cell away from the
    middle of the object's box: a pointer shooting from its base."""
    out = c.copy()
    counts = np.bincount(c[o.mask], minlength=10)
    ones = np.flatnonzero(counts == 1)
    if counts.astype(bool).sum() >= 2 and len(ones) == 1:
        r, q = (int(v[0]) for v in np.nonzero(o.mask & (c == ones[0])))
        dr, dc = _step((r, q), _centre(o))
        _line(c, out, o, bg, (r, q), (dr, dc), int(ones[0]))
    return out


def _smear(k: int) -> Action:
    """The object, in its commonest colour other than ``k``, stamped again and again to
    the edge in the direction of each of its cells of colour ``k`` from the middle of its
    box (those cells take that colour too): a shape dragged the way its marks point."""

    def act(c: Cells, o: _Object, bg: int) -> Cells:
        out = c.copy()
        marks = o.mask & (c == k)
        counts = np.bincount(c[o.mask & ~marks], minlength=10)
        if not marks.any() or not counts.any():
            return out
        color = int(counts.argmax())
        out[o.mask] = color
        h, w = c.shape
        rows, cols = np.nonzero(o.mask)
        ways = {_step(_centre(o), (r, q)) for r, q in zip(*np.nonzero(marks), strict=True)}
        for dr, dc in ways - {(0, 0)}:
            for n in range(1, h + w):
                r, q = rows + n * dr, cols + n * dc
                inside = (r >= 0) & (r < h) & (q >= 0) & (q < w)
                if not inside.any():
                    break
                r, q = r[inside], q[inside]
                free = c[r, q] == bg
                out[r[free], q[free]] = color
        return out

    return act


def _gap_ray(c: Cells, o: _Object, bg: int) -> Cells:
    """A diagonal line of the object's colour from the corner of its box that its cells
    leave emptiest (the way the box's middle lies from the cells' mean), outwards."""
    rows, cols = np.nonzero(o.mask)
    (mid_r, mid_c), (mean_r, mean_c) = _centre(o), (rows.mean(), cols.mean())
    dr, dc = int(np.sign(mid_r - mean_r)), int(np.sign(mid_c - mean_c))
    if not (dr and dc):
        return c.copy()
    return _corner_ray(dr, dc)(c, o, bg)


def _tails(c: Cells, o: _Object, bg: int) -> Cells:
    """Each end of the object (a cell with one neighbour in it, by sides or corners)
    drawn on outwards, in its own colour, as the line it ends."""
    out = c.copy()
    h, w = c.shape
    m = np.pad(o.mask, 1).astype(np.int8)
    around = sum(m[dr : dr + h, dc : dc + w] for dr in range(3) for dc in range(3))
    for r, q in zip(*np.nonzero(o.mask & (around == 2)), strict=True):
        nr, nq = next(p for p in np.argwhere(m[r : r + 3, q : q + 3]).tolist() if p != [1, 1])
        d = (1 - nr, 1 - nq)
        _line(c, out, o, bg, (r + d[0], q + d[1]), d, int(c[r, q]))
    return out


ACTIONS: tuple[tuple[str, Action], ...] = (
    ("keep", _keep),
    ("delete", _delete),
    *((f"recolor{k}", _recolor(k)) for k in range(10)),
    ("recolor_own", _recolor_own),
    ("recolor_touching", _recolor_touching),
    *((f"fill_holes{k}", _fill_holes(k)) for k in range(10)),
    *((f"fill_box{k}", _fill_box(k)) for k in range(10)),
    *((f"fill_inside{k}", _fill_inside(k)) for k in range(10)),
    *((f"outline{k}", _outline(k)) for k in range(10)),
    ("flip_h", _flip(lambda a: a[:, ::-1])),
    ("flip_v", _flip(lambda a: a[::-1])),
    ("rot180", _flip(lambda a: a[::-1, ::-1])),
    *((f"slide{dr:+d}{dc:+d}", _slide(dr, dc)) for dr, dc in _DIRECTIONS),
    ("slide_to_nearest", _slide_to_nearest),
    *((f"hop{dr:+d}{dc:+d}", _hop(dr, dc)) for dr, dc in _DIRECTIONS),
    *((f"ray{dr:+d}{dc:+d}", _rays(((dr, dc),), stop=True)) for dr, dc in _DIRECTIONS),
    ("rays_rows", _rays(_DIRECTIONS[2:], stop=False)),
    ("rays_columns", _rays(_DIRECTIONS[:2], stop=False)),
    ("rays_cross", _rays(_DIRECTIONS, stop=False)),
    *((f"corner_ray{dr:+d}{dc:+d}", _corner_ray(dr, dc)) for dr in (-1, 1) for dc in (-1, 1)),
    ("tip_ray", _tip_ray),
    *((f"smear{k}", _smear(k)) for k in range(10)),
    ("gap_ray", _gap_ray),
    ("tails", _tails),
)


# -- segmentations and the properties of objects ---------------------------------------------

PROPERTIES = (
    "color", "cells", "rank_largest", "rank_smallest", "height", "width", "border",
    "shape_count", "color_count", "holes", "rectangle", "colors", "shape", "touching",
    "square", "odd",
)  # fmt: skip


def _hole_count(crop: Mask) -> int:
    """How many separate holes (by sides) a mask encloses."""
    return int(component_labels(holes(crop).astype(np.uint8), False, True, bg=0).max()) + 1


SEGMENTATIONS = ("object", "object8", "blob4", "blob", "region", "panel")
"""Objects of one colour joined by sides (or also corners: ``8``); multicolour objects
joined by sides or corners (``blob``), or sides only; the background's own regions; the
panels between lines of a colour across the grid, measured by what they hold (their
colour is the commonest one in them, their size how many cells are not background)."""


def _panel_labels(c: Cells, bg: int) -> npt.NDArray[np.int64]:
    """Each panel's number in reading order, -1 on the separator lines and in empty
    panels (which stay as they are); all -1 where no lines of a colour other than the
    background split the grid."""
    labels = np.full(c.shape, -1, dtype=np.int64)
    cut = panels(c)
    if cut is None or cut[1] == bg:
        return labels
    n = 0
    for top, bottom, left, right in cut[0]:
        if (c[top:bottom, left:right] != bg).any():
            labels[top:bottom, left:right] = n
            n += 1
    return labels


def _labels(c: Cells, segmentation: str, bg: int) -> npt.NDArray[np.int64]:
    if segmentation == "panel":
        return _panel_labels(c, bg)
    if segmentation == "region":
        return component_labels((c == bg).astype(np.uint8), False, True, bg=0)
    diagonal = segmentation in ("object8", "blob")
    return component_labels(c, diagonal, segmentation.startswith("object"), bg)


def _touching(c: Cells, mask: Mask, bg: int) -> int:
    m = np.pad(mask, 1)
    beside = (m[:-2, 1:-1] | m[2:, 1:-1] | m[1:-1, :-2] | m[1:-1, 2:]) & ~mask
    bits = 0
    for k in np.unique(c[beside]).tolist():
        if k != bg:
            bits |= 1 << k
    return bits


def segment(c: Cells, segmentation: str, bg: int, shapes: dict[bytes, int]) -> list[_Object]:
    """The objects of ``c`` on background ``bg`` in reading order, each with its properties
    (``shapes`` numbers the shapes met so far, so that the same shape gets the same number
    in every grid); none if there are too many."""
    labels = _labels(c, segmentation, bg)
    n = int(labels.max()) + 1
    if n > _MAX_OBJECTS:
        return []
    h, w = c.shape
    masks = [labels == i for i in range(n)]
    boxes = [bounding_box(m) for m in masks]
    crops = [m[t:b, lft:r] for m, (t, b, lft, r) in zip(masks, boxes, strict=True)]
    if segmentation == "panel":
        held = [m & (c != bg) for m in masks]
        pictures = [c[t:b, lft:r] for t, b, lft, r in boxes]
        keys = [bytes(p.shape) + p.tobytes() for p in pictures]
    else:
        held = masks
        keys = [bytes(m.shape) + m.tobytes() for m in crops]
    colors = [int(np.bincount(c[m], minlength=10).argmax()) if m.any() else bg for m in held]
    sizes = [int(m.sum()) for m in held]
    distinct = sorted(set(sizes))
    shape_count, color_count = Counter(keys), Counter(colors)
    out = []
    for m, box, crop, key, color, size in zip(
        masks, boxes, crops, keys, colors, sizes, strict=True
    ):
        top, bottom, left, right = box
        touching = _touching(c, m, bg)
        properties = (
            color,
            min(size, 100),
            len(distinct) - 1 - distinct.index(size),
            distinct.index(size),
            bottom - top,
            right - left,
            int(top == 0 or left == 0 or bottom == h or right == w),
            min(shape_count[key], 9),
            min(color_count[color], 9),
            min(_hole_count(crop), 9),
            int(bool(crop.all())),
            len(np.unique(c[m])),
            shapes.setdefault(key, len(shapes)),
            touching,
            int(bool(crop.all()) and bottom - top == right - left),
            (bottom - top) % 2 + 2 * ((right - left) % 2),
        )
        out.append(_Object(m, box, properties, touching))
    return out


@final
@dataclass(frozen=True, slots=True)
class ObjectRule:
    """For one segmentation, a table from some object properties to an action."""

    segmentation: str
    bg: int | None
    columns: tuple[int, ...]
    table: tuple[tuple[tuple[int, ...], int], ...]
    shapes: tuple[tuple[bytes, int], ...]
    """The numbers the shapes met in fitting got (the ``shape`` property's values)."""
    default: int | None = None
    """The action of an object that no exception and no key of the table names."""
    exceptions: tuple[tuple[int, int, int], ...] = ()
    """``(property, value, action)``: an object whose property has that value takes
    that action (the first that applies), before the table (see :func:`_listed`)."""

    @property
    def name(self) -> str:
        return f"rule_objects{len(self.columns)}" if self.columns else "rule_objects_else"

    def __call__(self, g: Grid) -> Grid | None:
        """``g`` with each object's action done; ``None`` for an object the table does not
        know."""
        c = g.cells
        bg = background(c) if self.bg is None else self.bg
        objects = segment(c, self.segmentation, bg, dict(self.shapes))
        if not objects:
            return None
        return _assemble(
            c, bg, objects, self.columns, dict(self.table), self.default, self.exceptions
        )

    def describe(self) -> str:
        keys = ", ".join(PROPERTIES[j] for j in self.columns) or "exceptions"
        rows = [f"{PROPERTIES[j]} {v} -> {ACTIONS[a][0]}" for j, v, a in self.exceptions]
        rows += [f"{k} -> {ACTIONS[a][0]}" for k, a in self.table]
        if self.default is not None:
            rows.append(f"else -> {ACTIONS[self.default][0]}")
        return f"{self.name} of {self.segmentation}s by {keys}: " + "; ".join(rows)


def _assemble(
    c: Cells,
    bg: int,
    objects: Sequence[_Object],
    columns: tuple[int, ...],
    table: dict[tuple[int, ...], int],
    default: int | None = None,
    exceptions: tuple[tuple[int, int, int], ...] = (),
) -> Grid | None:
    out = c.copy()
    for o in objects:
        action = next((a for j, v, a in exceptions if o.properties[j] == v), None)
        if action is None:
            action = table.get(tuple(o.properties[j] for j in columns), default)
        if action is None:
            return None
        if action:
            changed = ACTIONS[action][1](c, o, bg)
            moved = changed != c
            out[moved] = changed[moved]
    return Grid(out)


Explained = tuple[int, npt.NDArray[np.int64]]
"""The bit set of actions that explain an object, and how many cells each changes."""
_Known = dict[tuple[int, int, bytes, int, int, bytes], Explained]
"""What :func:`_explained` found, by the pair's number, the background, the object's
cells, colour and neighbours' colours, and the cells no other object covers: what an
action does depends on nothing else, so segmentations that cut a grid alike share it."""


def _explained(
    x: Cells, y: Cells, objects: Sequence[_Object], bg: int, deadline: float,
    known: _Known, pair: int,
) -> list[Explained] | None:  # fmt: skip
    """For each object, the bit set of actions that give ``y`` over its box and wherever
    they change the grid (other objects' cells excepted: their own actions answer for
    them), and how many cells each action changes; None as soon as an object has no
    such action (no table can explain it) or at ``deadline``."""
    everything = np.zeros(x.shape, dtype=np.int64)
    for o in objects:
        everything += o.mask
    out = []
    for o in objects:
        mine = (everything - o.mask) == 0
        key = (pair, bg, o.mask.tobytes(), o.properties[0], o.touching, mine.tobytes())
        found = known.get(key)
        if found is None:
            found = known[key] = _actions_explaining(x, y, o, bg, mine)
        if not found[0] or time.perf_counter() > deadline:
            return None
        out.append(found)
    return out


def _actions_explaining(x: Cells, y: Cells, o: _Object, bg: int, mine: Mask) -> Explained:
    box = np.zeros(x.shape, dtype=bool)
    box[_in_box(o)] = True
    bits = 0
    reach = np.zeros(len(ACTIONS), dtype=np.int64)
    for i, (_, act) in enumerate(ACTIONS):
        got = act(x, o, bg)
        changed = got != x
        at = (box | changed) & mine
        if np.array_equal(got[at], y[at]):
            bits |= 1 << i
            reach[i] = int((changed & mine).sum())
    return bits, reach


def find_object_rule(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid], seconds: float = _SECONDS
) -> ObjectRule | None:
    """The shortest table over the fewest object properties (one or two) that turns each
    same-shape train input into its output and knows every object of ``unseen``, over
    every segmentation (ties go to the one with the fewest objects). The background is
    the task's commonest input colour, or each grid's own if theirs differ. Segmentations
    not reached within ``seconds`` are not tried."""
    if not pairs or any(x.shape != y.shape for x, y in pairs) or all(x == y for x, y in pairs):
        return None
    counts = sum(np.bincount(x.cells.ravel(), minlength=10) for x, _ in pairs)
    task_bg = int(np.argmax(counts))
    own = {background(g.cells) for g in [*(x for x, _ in pairs), *unseen]}
    found: list[tuple[tuple[int, int, int], ObjectRule]] = []
    deadline = time.perf_counter() + seconds
    known: _Known = {}
    for bg in (task_bg,) if own == {task_bg} else (task_bg, None):
        for segmentation in SEGMENTATIONS:
            if time.perf_counter() > deadline:
                break
            fitted = _fit(pairs, unseen, segmentation, bg, deadline, known)
            if fitted is not None:
                found.append(fitted)
    return min(found, key=lambda f: f[0])[1] if found else None


def _fit(
    pairs: Sequence[tuple[Grid, Grid]],
    unseen: Sequence[Grid],
    segmentation: str,
    bg: int | None,
    deadline: float,
    known: _Known,
) -> tuple[tuple[int, int, int], ObjectRule] | None:
    """The best rule for one segmentation, with its rank (properties, keys, objects);
    None if reading the objects' actions runs past ``deadline``. ``known`` holds what
    other segmentations found of the same objects."""
    shapes: dict[bytes, int] = {}
    train: list[list[_Object]] = []
    bits: list[Explained] = []
    for pair, (x, y) in enumerate(pairs):
        bx = background(x.cells) if bg is None else bg
        objects = segment(x.cells, segmentation, bx, shapes)
        if not objects:
            return None
        explained = _explained(x.cells, y.cells, objects, bx, deadline, known, pair)
        if explained is None:
            return None
        train.append(objects)
        bits += explained
    tests = [
        segment(g.cells, segmentation, background(g.cells) if bg is None else bg, shapes)
        for g in unseen
    ]
    if any(not objects for objects in tests):
        return None
    flat = [o for objects in train for o in objects]

    def reproduces(
        columns: tuple[int, ...],
        table: dict[tuple[int, ...], int],
        default: int | None = None,
        exceptions: tuple[tuple[int, int, int], ...] = (),
    ) -> bool:
        """Whether assembling each train input's objects gives its output."""
        return all(
            _assemble(x.cells, background(x.cells) if bg is None else bg, objects, columns,
                      table, default, exceptions) == y
            for (x, y), objects in zip(pairs, train, strict=True)
        )  # fmt: skip

    for size in range(1, _MAX_PROPERTIES + 1):
        best: ObjectRule | None = None
        for columns in itertools.combinations(range(len(PROPERTIES)), size):
            table = _table(flat, bits, columns)
            if table is None or (best is not None and len(table) >= len(best.table)):
                continue
            if any(
                tuple(o.properties[j] for j in columns) not in table
                for objects in tests
                for o in objects
            ):
                continue
            if not reproduces(columns, table):
                continue
            best = ObjectRule(
                segmentation, bg, columns, tuple(sorted(table.items())), tuple(shapes.items())
            )
        if best is not None:
            return (size, len(best.table), len(flat)), best
        listed = _listed(flat, bits) if size == 1 else None
        if listed is not None:
            default, exceptions = listed
            if reproduces((), {}, default, exceptions):
                rule = ObjectRule(
                    segmentation, bg, (), (), tuple(shapes.items()), default, exceptions
                )
                return (size, _LISTED_RANK + len(exceptions), len(flat)), rule
    return None


def _listed(
    objects: Sequence[_Object], bits: Sequence[Explained]
) -> tuple[int, tuple[tuple[int, int, int], ...]] | None:
    """A default action and one or two exceptions (every object whose property ``j``
    is ``v`` takes action ``a``) that give each train object an action it allows, where
    the default explains at least ``_MIN_DEFAULT`` objects: say, the largest region
    turns blue, the smallest red, and the others stay. Unlike a table, it knows every
    object of a new grid. The two defaults explaining the most objects are tried."""
    allowed = Counter(i for b, _ in bits for i in range(len(ACTIONS)) if b >> i & 1)
    for default, support in allowed.most_common(2):
        rest = {k for k, (b, _) in enumerate(bits) if not b >> default & 1}
        if support < _MIN_DEFAULT or not rest:
            continue
        options: list[tuple[frozenset[int], tuple[int, int, int]]] = []
        for j in range(len(PROPERTIES)):
            for v in sorted({objects[k].properties[j] for k in rest}):
                members = [k for k, o in enumerate(objects) if o.properties[j] == v]
                common, reach = -1, np.zeros(len(ACTIONS), dtype=np.int64)
                for k in members:
                    common &= bits[k][0]
                    reach = reach + bits[k][1]
                if common > 0:
                    action = _most_reaching(common, reach)
                    options.append((frozenset(members) & rest, (j, v, action)))
        for first, one in options:
            if first == rest:
                return default, (one,)
        for (first, one), (second, two) in itertools.combinations(options, 2):
            if first | second == rest:
                return default, (one, two)
    return None


def _table(
    objects: Sequence[_Object],
    bits: Sequence[Explained],
    columns: tuple[int, ...],
) -> dict[tuple[int, ...], int] | None:
    """Each key's action that every object with that key allows and that changes the most
    cells over them (the first on ties), or ``None`` if some key's objects share none."""
    shared: dict[tuple[int, ...], tuple[int, npt.NDArray[np.int64]]] = {}
    for o, (b, reach) in zip(objects, bits, strict=True):
        key = tuple(o.properties[j] for j in columns)
        known = shared.get(key)
        both = b if known is None else known[0] & b
        if not both:
            return None
        shared[key] = (both, reach if known is None else known[1] + reach)
    return {k: _most_reaching(b, reach) for k, (b, reach) in shared.items()}


def _most_reaching(bits: int, reach: npt.NDArray[np.int64]) -> int:
    allowed = [i for i in range(len(ACTIONS)) if bits >> i & 1]
    return max(allowed, key=lambda i: (reach[i], -i))
