"""The grid value: an immutable 2D array of colours 0-9 that hashes and compares by content."""

from __future__ import annotations

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

Cells = npt.NDArray[np.uint8]


@final
class Grid:
    """A read-only ``uint8`` array of shape (rows, columns); equal grids hash equally.

    Search keeps one program per distinct tuple of values, so grids must be hashable
    values: the array is frozen and the hash (of shape and bytes) is computed once.
    """

    __slots__ = ("_bytes", "_hash", "cells")

    def __init__(self, cells: Cells) -> None:
        h, w = cells.shape
        if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
            raise ValueError(f"grid of {h}x{w} is outside 1..{MAX_SIDE}")
        if cells.dtype != np.uint8:
            cells = cells.astype(np.uint8)
        cells.flags.writeable = False
        self.cells = cells
        self._bytes = cells.tobytes()
        self._hash = hash((h, w, self._bytes))

    @staticmethod
    def of(rows: Sequence[Sequence[int]]) -> Grid:
        """A grid from rows of colours (assumed rectangular and in range)."""
        return Grid(np.array(rows, dtype=np.uint8))

    @property
    def shape(self) -> tuple[int, int]:
        h, w = self.cells.shape
        return int(h), int(w)

    def rows(self) -> list[list[int]]:
        """The grid as JSON: a list of rows of ints."""
        out: list[list[int]] = self.cells.tolist()
        return out

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Grid):
            return NotImplemented
        return (
            self._hash == other._hash
            and self._bytes == other._bytes
            and self.cells.shape == other.cells.shape
        )

    def __repr__(self) -> str:
        return f"Grid({self.rows()})"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return Grid.of, (self.rows(),)
