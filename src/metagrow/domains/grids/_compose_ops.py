"""The whole-grid operations that composition search chains: each maps a raw ``uint8``
array to another, or to ``None`` where it does not apply (a factor that does not divide,
nothing to crop, a result beyond 30 by 30). They never raise.

The table of them for one task is ``_compose_table.operations``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import MAX_SIDE, Cells, Grid
from metagrow.domains.grids._paint import grow8, holes, shrink8
from metagrow.domains.grids._transforms import background, ground

Apply = Callable[[Cells], Cells | None]


@final
@dataclass(frozen=True, slots=True)
class Op:
    """One named operation and its cost (1 for the commonest, more for rarer ones).

    ``make`` is the operation itself, or, given ``params``, the top-level function that
    makes it from them (``Op("tile1x2", tiled, 2, (1, 2))``): an exported program writes
    an operation as those fields, so every one of them is a top-level definition or data.
    ``keeps_shape`` lets the search skip it where only another shape would do.
    """

    name: str
    make: Callable[..., Any]
    cost: int = 1
    params: tuple[object, ...] = ()
    keeps_shape: bool = False
    """Whether every result has its argument's shape (or there is none)."""
    apply: Apply = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        op = self.make(*self.params) if self.params else self.make
        object.__setattr__(self, "apply", op)

    def __call__(self, a: Cells) -> Cells | None:
        """The result on ``a``; None where the operation does not apply (an operation
        that raises on an odd grid counts as not applying)."""
        try:
            return self.apply(a)
        except (ValueError, IndexError):
            return None


@final
@dataclass(frozen=True, slots=True)
class Chain:
    """Operations applied in order, then an optional colour map (``colors[c]`` is the
    colour that ``c`` becomes, -1 for a colour the examples never showed)."""

    ops: tuple[Op, ...]
    colors: tuple[int, ...] | None = None

    @property
    def cost(self) -> int:
        return sum(op.cost for op in self.ops) + (1 if self.colors else 0)

    @property
    def label(self) -> str:
        names = [op.name for op in self.ops] or ["id"]
        return "_".join(names + (["recolor"] if self.colors else []))

    def run(self, a: Cells) -> Cells | None:
        """The chain's result on ``a``; ``None`` where an operation does not apply."""
        for op in self.ops:
            got = op(a)
            if got is None:
                return None
            a = got
        h, w = a.shape
        if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
            return None
        if self.colors is not None:
            table = np.array(self.colors, dtype=np.int16)[a]
            if (table < 0).any():
                return None
            a = table.astype(np.uint8)
        return a


def _fits(a: Cells) -> Cells | None:
    h, w = a.shape
    return a if 1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE else None


# -- geometry ---------------------------------------------------------------------------------


def rot90(a: Cells) -> Cells:
    return a.T[:, ::-1]


def rot180(a: Cells) -> Cells:
    return a[::-1, ::-1]


def rot270(a: Cells) -> Cells:
    return a.T[::-1]


def flip_h(a: Cells) -> Cells:
    return a[:, ::-1]


def flip_v(a: Cells) -> Cells:
    return a[::-1]


def transpose(a: Cells) -> Cells:
    return a.T


def antitranspose(a: Cells) -> Cells:
    return a[::-1, ::-1].T


SYMMETRIES: tuple[tuple[str, Apply], ...] = (
    ("rot90", rot90),
    ("rot180", rot180),
    ("rot270", rot270),
    ("fliph", flip_h),
    ("flipv", flip_v),
    ("transpose", transpose),
    ("antitranspose", antitranspose),
)


def box_of(mask: npt.NDArray[np.bool_]) -> tuple[int, int, int, int] | None:
    rows = np.flatnonzero(mask.any(axis=1))
    if not rows.size:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def crop(a: Cells) -> Cells | None:
    """The smallest window holding every cell that is not the background."""
    box = box_of(a != background(a))
    if box is None:
        return None
    top, bottom, left, right = box
    return a[top:bottom, left:right]


def band_repeated(axis: int) -> Apply:
    """The band of rows (``axis`` 0) or columns (1) that holds every foreground cell
    repeated over the whole grid, in step with where it is (a pattern continued)."""

    def repeated(a: Cells) -> Cells | None:
        box = box_of(a != background(a))
        if box is None:
            return None
        start, stop = box[2 * axis], box[2 * axis + 1]
        n = a.shape[axis]
        if stop - start == n:
            return None
        at = start + (np.arange(n) - start) % (stop - start)
        return a[at] if axis == 0 else a[:, at]

    return repeated


def left(a: Cells) -> Cells | None:
    return a[:, : a.shape[1] // 2] if a.shape[1] > 1 else None


def right(a: Cells) -> Cells | None:
    return a[:, a.shape[1] - a.shape[1] // 2 :] if a.shape[1] > 1 else None


def top(a: Cells) -> Cells | None:
    return a[: a.shape[0] // 2] if a.shape[0] > 1 else None


def bottom(a: Cells) -> Cells | None:
    return a[a.shape[0] - a.shape[0] // 2 :] if a.shape[0] > 1 else None


def middle(axis: int) -> Apply:
    """Only the middle row (``axis`` 0) or column (1) of a grid with an odd number of
    them kept; the rest painted the background (:func:`ground`)."""

    def middle(a: Cells) -> Cells | None:
        n = a.shape[axis]
        if n < 3 or n % 2 == 0:
            return None
        out = np.full_like(a, ground(np.bincount(a.ravel(), minlength=10)))
        at = (n // 2, slice(None)) if axis == 0 else (slice(None), n // 2)
        out[at] = a[at]
        return out

    return middle


def dedup(a: Cells) -> Cells:
    """Runs of equal adjacent rows, then columns, kept once."""
    rows = np.ones(a.shape[0], dtype=bool)
    rows[1:] = (a[1:] != a[:-1]).any(axis=1)
    a = a[rows]
    cols = np.ones(a.shape[1], dtype=bool)
    cols[1:] = (a[:, 1:] != a[:, :-1]).any(axis=0)
    return a[:, cols]


def squeeze(a: Cells) -> Cells | None:
    """Rows and columns of background alone removed."""
    fg = a != background(a)
    rows, cols = fg.any(axis=1), fg.any(axis=0)
    if not rows.any():
        return None
    kept: Cells = a[rows][:, cols]
    return kept


def tiled(n: int, m: int) -> Apply:
    return lambda a: _fits(np.tile(a, (n, m)))


def mirrored(across: bool, down: bool) -> Apply:
    def mirrored(a: Cells) -> Cells | None:
        if across:
            a = np.hstack((a, a[:, ::-1]))
        if down:
            a = np.vstack((a, a[::-1]))
        return _fits(a)

    return mirrored


def tiled_to(h: int, w: int, mirror: bool) -> Apply:
    """The grid repeated down and across until it covers ``h`` by ``w``, cut there;
    every other repeat flipped (``mirror``), so that neighbours meet edge to edge."""

    def tiled_to(a: Cells) -> Cells | None:
        if a.shape[0] > h or a.shape[1] > w or a.shape == (h, w):
            return None
        n, m = -(-h // a.shape[0]), -(-w // a.shape[1])
        if mirror:
            a = np.vstack([a if i % 2 == 0 else a[::-1] for i in range(n)])
            a = np.hstack([a if j % 2 == 0 else a[:, ::-1] for j in range(m)])
        else:
            a = np.tile(a, (n, m))
        return a[:h, :w]

    return tiled_to


def folded(n: int, m: int) -> Apply:
    """The grid mirrored out ``n`` times down and ``m`` times across with each seam row
    or column shared, so an ``h`` by ``w`` grid grows to ``(h - 1) * n + 1`` by
    ``(w - 1) * m + 1`` (a zigzag continued; ``numpy.pad``'s "reflect" mode)."""

    def folded(a: Cells) -> Cells | None:
        h, w = a.shape
        if (n > 1 and h < 2) or (m > 1 and w < 2):
            return None
        return _fits(np.pad(a, ((0, (h - 1) * (n - 1)), (0, (w - 1) * (m - 1))), "reflect"))

    return folded


def bordered(a: Cells) -> Cells | None:
    """The grid with its edge rows and columns repeated once outward, and black corners."""
    out = np.pad(a, 1, mode="edge")
    out[0, 0] = out[0, -1] = out[-1, 0] = out[-1, -1] = 0
    return _fits(out)


def padded_to(h: int, w: int) -> Apply:
    """The grid in the top left corner of an ``h`` by ``w`` black canvas."""

    def padded_to(a: Cells) -> Cells | None:
        if a.shape[0] > h or a.shape[1] > w or a.shape == (h, w):
            return None
        out = np.zeros((h, w), dtype=np.uint8)
        out[: a.shape[0], : a.shape[1]] = a
        return out

    return padded_to


def corner(h: int, w: int, down: bool, across: bool) -> Apply:
    """The ``h`` by ``w`` corner of the grid, top or bottom (``down``), left or right
    (``across``)."""

    def corner(a: Cells) -> Cells | None:
        if a.shape[0] < h or a.shape[1] < w or a.shape == (h, w):
            return None
        rows = slice(a.shape[0] - h, None) if down else slice(0, h)
        cols = slice(a.shape[1] - w, None) if across else slice(0, w)
        return a[rows, cols]

    return corner


def upscale(k: int) -> Apply:
    return lambda a: _fits(np.repeat(np.repeat(a, k, axis=0), k, axis=1))


def downscale(k: int) -> Apply:
    def down(a: Cells) -> Cells | None:
        h, w = a.shape
        if h % k or w % k:
            return None
        blocks = a.reshape(h // k, k, w // k, k)
        if not (blocks == blocks[:, :1, :, :1]).all():
            return None
        return a[::k, ::k]

    return down


def pooled(k: int) -> Apply:
    """Each ``k`` by ``k`` block as one cell: its commonest foreground colour (the
    lowest of those tied), or the background where it has none."""

    def pool(a: Cells) -> Cells | None:
        h, w = a.shape
        if h % k or w % k:
            return None
        bg = background(a)
        blocks = a.reshape(h // k, k, w // k, k).transpose(0, 2, 1, 3).reshape(h // k, w // k, -1)
        counts = (blocks[..., None] == np.arange(10, dtype=np.uint8)).sum(axis=2)
        counts[..., bg] = 0
        return np.where(counts.any(axis=2), counts.argmax(axis=2), bg).astype(np.uint8)

    return pool


def _copies_at(a: Cells, at: npt.NDArray[np.bool_], elsewhere: int) -> Cells | None:
    """A copy of the grid in place of each cell of ``at``, ``elsewhere`` in the other
    blocks; None where the result would be too big."""
    h, w = a.shape
    if h * h > MAX_SIDE or w * w > MAX_SIDE:
        return None
    on = np.repeat(np.repeat(at, h, axis=0), w, axis=1)
    return np.where(on, np.tile(a, (h, w)), np.uint8(elsewhere))


def self_kron(a: Cells) -> Cells | None:
    """A copy of the grid in place of each foreground cell, background elsewhere (black
    if the grid shows it, as for a cut-out piece: :func:`ground`)."""
    bg = ground(np.bincount(a.ravel(), minlength=10))
    return _copies_at(a, a != bg, bg)


def kron_at(color: int) -> Apply:
    """A copy of the grid in place of each cell of ``color``, background elsewhere."""

    def kron_at(a: Cells) -> Cells | None:
        at = a == color
        if not at.any() or at.all():
            return None
        return _copies_at(a, at, ground(np.bincount(a.ravel(), minlength=10)))

    return kron_at


def kron_most(a: Cells) -> Cells | None:
    """A copy of the grid in place of each cell of its commonest colour, black elsewhere
    (where that colour differs from one grid to the next)."""
    at = a == np.bincount(a.ravel(), minlength=10).argmax()
    return None if at.all() else _copies_at(a, at, 0)


# -- colour -----------------------------------------------------------------------------------


def keep(color: int) -> Apply:
    def keep(a: Cells) -> Cells | None:
        on = a == color
        if not on.any():
            return None
        return np.where(on, a, np.uint8(background(a)))

    return keep


def erase(color: int) -> Apply:
    def erase(a: Cells) -> Cells | None:
        bg = background(a)
        on = a == color
        if bg == color or not on.any():
            return None
        return np.where(on, np.uint8(bg), a)

    return erase


MaskOf = Callable[[Cells], npt.NDArray[np.bool_]]
SHARED_SLOTS = 16
"""Arrays a :class:`Shared` keeps what it made for: more than a task has examples."""


@final
@dataclass(frozen=True, slots=True, eq=False)
class Shared:
    """What several operations (the colours' variants of one, or one and others built
    on it) make alike from an array (a mask, labels, rays), made once while they are
    applied to it: kept for the last :data:`SHARED_SLOTS` arrays asked about, by
    identity (the search applies each operation to a candidate's arrays, one for each
    example, then the next operation to the same arrays; no operation changes its
    argument)."""

    make: Callable[..., Any]
    """Called with the array, then ``params``."""
    params: tuple[object, ...] = ()
    _made: list[tuple[Cells, Any]] = field(default_factory=list, init=False, repr=False)

    def __call__(self, a: Cells) -> Any:
        for arg, got in self._made:
            if arg is a:
                return got
        got = self.make(a, *self.params)
        self._made.append((a, got))
        if len(self._made) > SHARED_SLOTS:
            del self._made[0]
        return got


def made(shared: Shared) -> Apply:
    """An operation whose result is what ``shared`` makes (an operation that others
    build on: diagonal rays, and all four of them at once)."""
    return shared


def foreground(a: Cells) -> npt.NDArray[np.bool_]:
    """The cells that are not the grid's commonest colour."""
    fg: npt.NDArray[np.bool_] = a != background(a)
    return fg


def hollows(a: Cells) -> npt.NDArray[np.bool_]:
    """The background cells that the foreground encloses."""
    return holes(foreground(a))


def ring(a: Cells) -> npt.NDArray[np.bool_]:
    """The background cells beside the foreground by a side or a corner."""
    fg = foreground(a)
    return grow8(fg) & ~fg


def insides(a: Cells) -> npt.NDArray[np.bool_]:
    """The foreground cells whose eight neighbours are all foreground (the inside of a
    solid shape; the grid's edge counts as background, and the background is
    :func:`ground`'s)."""
    return shrink8(a != ground(np.bincount(a.ravel(), minlength=10)))


def painted(mask: MaskOf, color: int) -> Apply:
    """The cells of ``mask`` (:func:`foreground`, :func:`hollows`, :func:`ring`,
    :func:`insides`, or one of them :class:`Shared` by every colour) painted ``color``;
    None where it has none."""

    def painted(a: Cells) -> Cells | None:
        m = mask(a)
        return np.where(m, np.uint8(color), a) if m.any() else None

    return painted


def invert(a: Cells) -> Cells | None:
    """Background and the one foreground colour swapped."""
    counts = np.bincount(a.ravel(), minlength=10)
    present = np.flatnonzero(counts)
    if len(present) != 2:
        return None
    low, high = present
    return np.where(a == low, high, low).astype(np.uint8)


def majority(a: Cells) -> Cells:
    """One cell of the commonest foreground colour (the background if there is none)."""
    counts = np.bincount(a.ravel(), minlength=10)
    bg = int(counts.argmax())
    counts[bg] = 0
    return np.full((1, 1), counts.argmax() if counts.any() else bg, dtype=np.uint8)


def striped(a: Cells) -> Cells:
    """Stripes cleaned of noise: each row painted its commonest colour (the lowest of
    those tied), or each column, whichever changes fewer cells (rows if as few)."""
    onehot = a[:, :, None] == np.arange(10, dtype=np.uint8)
    best: Cells | None = None
    for axis in (1, 0):
        commonest = onehot.sum(axis=axis).argmax(axis=1).astype(np.uint8)
        lines = commonest[:, None] if axis == 1 else commonest[None, :]
        got = np.ascontiguousarray(np.broadcast_to(lines, a.shape))
        if best is None or np.count_nonzero(got != a) < np.count_nonzero(best != a):
            best = got
    assert best is not None
    return best


def flooded(a: Cells) -> Cells:
    """The whole grid painted its commonest colour (black included)."""
    return np.full_like(a, np.bincount(a.ravel(), minlength=10).argmax())


def minority(a: Cells) -> Cells:
    """One cell of the least common colour the grid shows."""
    counts = np.bincount(a.ravel(), minlength=10)
    counts[counts == 0] = a.size + 1
    return np.full((1, 1), counts.argmin(), dtype=np.uint8)


def frame(color: int) -> Apply:
    """The outermost rows and columns painted ``color``."""

    def framed(a: Cells) -> Cells:
        out = a.copy()
        out[0], out[-1], out[:, 0], out[:, -1] = color, color, color, color
        return out

    return framed


def color_window(color: int) -> Apply:
    def window(a: Cells) -> Cells | None:
        box = box_of(a == color)
        if box is None:
            return None
        top, bottom, left, right = box
        return a[top:bottom, left:right]

    return window


def shifted(dr: int, dc: int) -> Apply:
    """The picture moved ``dr`` rows down and ``dc`` columns right over the background;
    what crosses the edge is lost."""

    def shift(a: Cells) -> Cells:
        out = np.full_like(a, background(a))
        h, w = a.shape
        out[max(dr, 0) : h + min(dr, 0), max(dc, 0) : w + min(dc, 0)] = a[
            max(-dr, 0) : h + min(-dr, 0), max(-dc, 0) : w + min(-dc, 0)
        ]
        return out

    return shift


def gravity(axis: int, forward: bool) -> Apply:
    def fall(a: Cells) -> Cells:
        fg = a != background(a)
        order = np.argsort(fg if forward else ~fg, axis=axis, kind="stable")
        return np.take_along_axis(a, order, axis=axis)

    return fall


def on_grid(f: Callable[[Grid], Grid]) -> Apply:
    return lambda a: f(Grid(a)).cells
