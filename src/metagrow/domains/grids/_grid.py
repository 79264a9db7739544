"""The grid value: an immutable 2D array of colours 0-9 that hashes and compares by content."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Final, final

import numpy as np
import numpy.typing as npt

from metagrow.lang import TCon, tlist

GRID: Final = TCon("grid")
COLOR: Final = TCon("color")
LGRID: Final = tlist(GRID)
MAX_SIDE: Final = 30
"""ARC grids have 1 to 30 rows and columns; results outside that fail the example."""

_UINT8: Final = np.dtype(np.uint8)
Cells = npt.NDArray[np.uint8]
Counts = npt.NDArray[np.intp]


def check_sides(cells: Cells) -> None:
    """``ValueError`` unless ``cells`` has 1 to 30 rows and columns."""
    h, w = cells.shape
    if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
        raise ValueError(f"grid of {h}x{w} is outside 1..{MAX_SIDE}")


_ALL, _BACK = slice(None), slice(None, None, -1)
_FLIPS: Final = ((_ALL, _ALL), (_ALL, _BACK), (_BACK, _ALL), (_BACK, _BACK))
"""The flips of ``_move`` as indices, by ``e & 3``."""


def _move(e: int, c: Cells) -> Cells:
    """``c`` turned or mirrored by element ``e`` of the square's symmetry group: transposed
    if ``e & 4``, then upside down if ``e & 2``, then left to right if ``e & 1``."""
    return (c.T if e & 4 else c)[_FLIPS[e & 3]]


def _compositions() -> tuple[tuple[int, ...], ...]:
    """``table[e][at]``: the element that moves as ``at`` and then ``e`` do."""
    probe = np.arange(6, dtype=np.uint8).reshape(2, 3)
    moved = [_move(e, probe) for e in range(8)]

    def element(x: Cells) -> int:
        return next(k for k, m in enumerate(moved) if m.shape == x.shape and (m == x).all())

    return tuple(tuple(element(_move(e, moved[at])) for at in range(8)) for e in range(8))


_COMPOSE: Final = _compositions()


@final
class Grid:
    """A read-only ``uint8`` array of shape (rows, columns); equal grids hash equally.

    Search keeps one program per distinct tuple of values, so grids must be hashable
    values: the array is frozen. Most grids a search makes are thrown away unseen, so
    the content key (shape and bytes), the hash and the colour counts are each computed
    the first time something asks for them, and kept. Turns and mirrors of a grid are
    made once each while they live (:meth:`moved`).
    """

    __slots__ = ("__weakref__", "_bg", "_counts", "_hash", "_images", "_key", "_source", "cells")

    def __init__(self, cells: Cells) -> None:
        check_sides(cells)
        if cells.dtype is not _UINT8:  # (an equal dtype that is another object: a copy)
            cells = cells.astype(np.uint8)
        cells.setflags(write=False)
        self.cells = cells
        self._key: bytes | None = None
        self._hash: int | None = None
        self._counts: Counts | None = None
        self._bg: int | None = None
        self._source: tuple[Grid, int] | None = None  # (grid, e): that grid moved by e
        self._images: dict[int, weakref.ref[Grid]] | None = None  # e: this grid moved by e

    @staticmethod
    def made(cells: Cells, counts: Counts | None = None) -> Grid:
        """A grid of ``cells`` that a primitive has just made: a ``uint8`` array of 1 to
        30 rows and columns that nothing else writes to, and its colour counts if known
        (neither is checked)."""
        g = object.__new__(Grid)
        cells.setflags(write=False)
        g.cells = cells
        g._counts = counts
        g._key = g._hash = g._bg = g._source = g._images = None
        return g

    def moved(self, e: int) -> Grid:
        """This grid turned or mirrored by element ``e`` of the square's symmetry group
        (``_move``). A search tries every chain of turns and mirrors, which make only
        eight grids of each grid they start from: that grid keeps (weakly) the ones made
        so far and each knows where it comes from, so a chain ending on one already made
        gives that object again (equal values that are one object compare and hash at
        once, and are not made, hashed and freed again)."""
        source = self._source
        if source is None:
            root = self
        else:
            root, at = source
            e = _COMPOSE[e][at]
            if not e:
                return root
        images = root._images
        if images is None:
            images = root._images = {}
        else:
            ref = images.get(e)
            if ref is not None:
                found = ref()
                if found is not None:
                    return found
        image = Grid.made(_move(e, root.cells), root._counts)
        image._source = (root, e)
        images[e] = weakref.ref(image)
        return image

    @staticmethod
    def of(rows: Sequence[Sequence[int]]) -> Grid:
        """A grid from rows of colours (assumed rectangular and in range)."""
        return Grid(np.array(rows, dtype=np.uint8))

    @property
    def shape(self) -> tuple[int, int]:
        shape: tuple[int, int] = self.cells.shape
        return shape

    def counts(self) -> Counts:
        """How many cells have each colour 0-9 (read-only)."""
        counts = self._counts
        if counts is None:
            counts = np.bincount(self.cells.ravel(), minlength=10)
            counts.flags.writeable = False
            self._counts = counts
        return counts

    def known_counts(self) -> Counts | None:
        """The colour counts if something has asked for them already (for a grid of the
        same cells rearranged), else None."""
        return self._counts

    def background(self) -> int:
        """The most common colour (the smallest one on ties, so black wins a draw)."""
        bg = self._bg
        if bg is None:
            bg = self._bg = int(self.counts().argmax())
        return bg

    def rows(self) -> list[list[int]]:
        """The grid as JSON: a list of rows of ints."""
        out: list[list[int]] = self.cells.tolist()
        return out

    def key(self) -> bytes:
        """The cells' bytes in reading order (with the shape, they say what the grid is)."""
        key = self._key
        if key is None:
            key = self._key = self.cells.tobytes()
        return key

    def __hash__(self) -> int:
        # The bytes alone: grids of one content in two shapes are rare in one set, and
        # equality tells them apart.
        h = self._hash
        if h is None:
            key = self._key
            if key is None:
                key = self._key = self.cells.tobytes()
            h = self._hash = hash(key)
        return h

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Grid):
            return NotImplemented
        a, b = self._key, other._key
        if a is None:
            a = self.key()
        if b is None:
            b = other.key()
        # Equal bytes are equally many cells: equal widths make equal shapes.
        return a == b and self.cells.shape[1] == other.cells.shape[1]

    def __repr__(self) -> str:
        return f"Grid({self.rows()})"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return Grid.of, (self.rows(),)
