"""Object stamps read off a task's examples: every object of the input paints a pattern
in and around its box, chosen by what the object looks like ("each plus grows an X of
its centre's colour", "each ring gets a frame of its inner colour").

An object is a set of cells other than the background joined by sides or corners (of one
colour or several). Its *look* is its box with its own cells in it: their colours as they
are, or (``by_role``) renamed 1, 2, ... in the order they first appear in reading order,
so that objects drawn in other colours look alike. For each look, the examples must agree
on what the output has at each offset from the box's top left corner, up to ``margin``
cells beyond the box: the cells some object of that look changes get one colour (a fixed
colour, or by role the colour that object gives that role), and every other object of
that look must show that colour there too, changed or not (or have the offset outside
the grid). A stamp is kept when painting every object's pattern reproduces every train
output and every object of the test inputs has a look the examples showed. The smallest
margin wins, colours as they are before roles.

Failing those, looks are read up to scale (``scaled``): an object whose box is a smaller
look with each cell drawn ``k`` by ``k`` has that look, and its pattern is read and
painted in blocks of ``k`` by ``k`` cells (margins count blocks).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._label import label_components
from metagrow.domains.grids._objects import label_boxes
from metagrow.domains.grids._transforms import background

MARGINS = (1, 2, 3)
MAX_OBJECTS = 64
"""Grids with more objects than this are not stamped (noise, not objects)."""
ROLE = 10
"""Pattern codes from ``ROLE`` up name an object's colours by role (``ROLE`` its first)."""
Codes = npt.NDArray[np.int16]
Look = tuple[int, int, bytes]
"""A box's height and width and its cells' codes (0 off the object)."""
Marks = tuple[tuple[int, int, int], ...]
"""Offsets (rows, columns) from a box's top left corner and the code painted there."""


@final
@dataclass(frozen=True, slots=True)
class _Placed:
    """An object of a grid: its box's top left corner, its look and its colours."""

    top: int
    left: int
    look: Look
    colors: tuple[int, ...]
    """The object's colours in the order they first appear (its roles)."""
    scale: int = 1
    """How many cells across each cell of its look is (a look drawn at twice its size
    looks as it does at its size)."""


def _cells_of(a: npt.NDArray[Any], k: int) -> npt.NDArray[Any]:
    """``a`` as blocks of ``k`` by ``k`` cells: indexed (block row, row, block column,
    column)."""
    return a.reshape(a.shape[0] // k, k, a.shape[1] // k, k)


def _scale(codes: npt.NDArray[np.uint8]) -> int:
    """The largest ``k`` such that ``codes`` is a smaller picture with each cell drawn
    ``k`` by ``k``."""
    h, w = codes.shape
    for k in range(min(h, w), 1, -1):
        if h % k == 0 and w % k == 0:
            blocks = _cells_of(codes, k)
            if (blocks == blocks[:, :1, :, :1]).all():
                return k
    return 1


def objects_of(a: Cells, by_role: bool, scaled: bool = False) -> list[_Placed] | None:
    """The objects of ``a`` in reading order of their first cell; None past
    :data:`MAX_OBJECTS`. ``scaled``: an object drawn at ``k`` times a smaller look's
    size has that look."""
    labels, n = label_components(a != background(a), diagonal=True)
    if n > MAX_OBJECTS:
        return None
    tops, bottoms, lefts, rights = label_boxes(labels.astype(np.int64) - 1)
    found = []
    for k in range(n):
        top, left = int(tops[k]), int(lefts[k])
        box = np.s_[top : int(bottoms[k]) + 1, left : int(rights[k]) + 1]
        own = labels[box] == k + 1
        cells = a[box]
        colors = tuple(dict.fromkeys(cells[own].tolist()))
        codes = np.zeros(cells.shape, dtype=np.uint8)
        if by_role:
            table = np.zeros(10, dtype=np.uint8)
            table[list(colors)] = np.arange(1, len(colors) + 1)
            codes[own] = table[cells[own]]
        else:
            codes[own] = cells[own] + 1
        k = _scale(codes) if scaled else 1
        small = codes[::k, ::k]
        look = (len(small), len(small[0]), small.tobytes())
        found.append(_Placed(top, left, look, colors, k))
    return found


def _coded(colors: Sequence[int], got: Cells, by_role: bool) -> Codes:
    """Output colours as pattern codes: by role where ``by_role`` and the object has the
    colour, else the colour itself."""
    table = np.arange(10, dtype=np.int16)
    if by_role:
        table[list(colors)] = ROLE + np.arange(len(colors), dtype=np.int16)
    return table[got]


@final
@dataclass(frozen=True, slots=True)
class ObjectStampRule:
    """Each look's pattern; an object of a look not among them leaves no answer."""

    margin: int
    by_role: bool
    stamps: tuple[tuple[Look, Marks], ...]
    scaled: bool = False

    @property
    def name(self) -> str:
        return (
            f"objstamp{self.margin}"
            + ("_roles" if self.by_role else "")
            + ("_scaled" if self.scaled else "")
        )

    def __call__(self, g: Grid) -> Grid | None:
        got = self.paint(g.cells)
        return None if got is None else Grid(got)

    def paint(self, a: Cells) -> Cells | None:
        """``a`` with every object's pattern painted; None where an object's look is
        new or two objects paint one cell two colours."""
        objects = objects_of(a, self.by_role, self.scaled)
        return None if objects is None else self.painted(a, objects)

    def painted(self, a: Cells, objects: Sequence[_Placed]) -> Cells | None:
        """:meth:`paint` with ``a``'s objects already found."""
        stamps = dict(self.stamps)
        painted = np.full(a.shape, -1, dtype=np.int16)
        for obj in objects:
            if obj.look not in stamps:
                return None
            k = obj.scale
            for dr, dc, code in stamps[obj.look]:
                color = obj.colors[code - ROLE] if code >= ROLE else code
                r, c = obj.top + dr * k, obj.left + dc * k
                block = painted[max(r, 0) : max(r + k, 0), max(c, 0) : max(c + k, 0)]
                if ((block != -1) & (block != color)).any():
                    return None
                block[...] = color
        return np.where(painted >= 0, painted, a).astype(np.uint8)


def find_object_stamp(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid], seconds: float = 1.0
) -> ObjectStampRule | None:
    """The first stamp, smallest margin first and colours as they are before roles,
    that reproduces every train output and knows every object of ``unseen``; None for
    fewer than two pairs, pairs whose shapes differ or that change nothing, or past
    ``seconds``."""
    if len(pairs) < 2 or any(x.shape != y.shape for x, y in pairs):
        return None
    if all(x == y for x, y in pairs):
        return None
    deadline = time.perf_counter() + seconds
    for by_role, scaled in ((False, False), (True, False), (False, True), (True, True)):
        found = [objects_of(x.cells, by_role, scaled) for x, _ in pairs]
        tests = [objects_of(g.cells, by_role, scaled) for g in unseen]
        if scaled and all(o.scale == 1 for f in found if f for o in f):
            continue
        if any(f is None for f in found) or any(t is None for t in tests):
            return None
        shown = {o.look for f in found if f is not None for o in f}
        if any(o.look not in shown for t in tests if t is not None for o in t):
            continue
        for margin in MARGINS:
            if time.perf_counter() > deadline:
                return None
            rule = _fit(pairs, found, margin, by_role, scaled)
            if rule is not None and all(
                t is not None and rule.painted(g.cells, t) is not None
                for g, t in zip(unseen, tests, strict=True)
            ):
                return rule
    return None


def _blocks(codes: Codes, k: int) -> Codes | None:
    """``codes`` with each block of ``k`` by ``k`` cells as one cell; None if a block
    shows two codes (cells off the grid, coded -1, agree with any)."""
    blocks = _cells_of(codes, k)
    high: Codes = blocks.max(axis=(1, 3))
    low = np.where(blocks >= 0, blocks, np.int16(999)).min(axis=(1, 3))
    if ((high >= 0) & (low != high)).any():
        return None
    return high


def _fit(
    pairs: Sequence[tuple[Grid, Grid]],
    found: Sequence[list[_Placed] | None],
    margin: int,
    by_role: bool,
    scaled: bool = False,
) -> ObjectStampRule | None:
    """The patterns the train pairs agree on for ``margin``; None if they disagree, none
    paints anything, or painting them misses a train output."""
    seen: dict[Look, list[tuple[Codes, npt.NDArray[np.bool_]]]] = {}
    for (x, y), objects in zip(pairs, found, strict=True):
        assert objects is not None
        a, b = x.cells, y.cells
        pad = margin * max((o.scale for o in objects), default=1)
        padded = np.full((a.shape[0] + 2 * pad, a.shape[1] + 2 * pad), -1, np.int16)
        changed = np.zeros(padded.shape, dtype=bool)
        inner = np.s_[pad : pad + a.shape[0], pad : pad + a.shape[1]]
        changed[inner] = a != b
        drawn: tuple[int, ...] | None = None  # whose roles ``padded`` codes the output by
        for obj in objects:
            h, w, _ = obj.look
            k = obj.scale
            top, left = obj.top + pad - margin * k, obj.left + pad - margin * k
            window = np.s_[top : top + (h + 2 * margin) * k, left : left + (w + 2 * margin) * k]
            if drawn is None or (by_role and drawn != obj.colors):
                padded[inner] = _coded(obj.colors, b, by_role)
                drawn = obj.colors
            codes: Codes = padded[window]
            moved: npt.NDArray[np.bool_] = changed[window]
            if k > 1:
                small = _blocks(codes, k)
                if small is None:
                    return None
                codes, moved = small, np.logical_or.reduce(_cells_of(moved, k), axis=(1, 3))
            seen.setdefault(obj.look, []).append((codes.copy(), moved.copy()))
    stamps = []
    for look, instances in seen.items():
        codes = np.stack([c for c, _ in instances])
        changed = np.stack([k for _, k in instances])
        known = codes >= 0
        high = np.where(known, codes, -1).max(axis=0)
        low = np.where(known, codes, np.int16(999)).min(axis=0)
        paints = changed.any(axis=0)
        if (paints & (high != low)).any():
            return None
        rows, cols = np.nonzero(paints)
        stamps.append(
            (
                look,
                tuple(
                    (int(r) - margin, int(c) - margin, int(high[r, c]))
                    for r, c in zip(rows, cols, strict=True)
                ),
            )
        )
    if not any(paint for _, paint in stamps):
        return None
    rule = ObjectStampRule(margin, by_role, tuple(stamps), scaled)
    for (x, y), objects in zip(pairs, found, strict=True):
        assert objects is not None
        got = rule.painted(x.cells, objects)
        if got is None or not np.array_equal(got, y.cells):
            return None
    return rule
