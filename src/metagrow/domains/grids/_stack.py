"""Stacked-piece rules read off a task's examples: the input is several pictures of the
output's shape side by side (split by separator lines, or into equal parts), and each
output cell is a table over the colours the pieces hold at that cell.

This covers ARC's logical combinations of halves (and, or, xor, nor, with any colours)
and overlays of three or four pieces in a fixed order of priority with one mechanism.
A split is kept when every train input splits into pieces of its output's shape, the
table never maps one tuple of colours to two, and every test cell's tuple was seen;
the split with the fewest pieces, then the shortest table, wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np

from metagrow.domains.grids._fitted import Keys, color_table, table_index
from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._objects import pieces

_MAX_PIECES = 9
"""Keys pack four bits per piece into an int64, with the output colour below them."""


def _separated(g: Grid) -> list[Cells] | None:
    try:
        return [p.cells for p in pieces(g)]
    except ValueError:
        return None


def _equal_parts(rows: int, cols: int) -> Callable[[Grid], list[Cells] | None]:
    def split(g: Grid) -> list[Cells] | None:
        h, w = g.shape
        if h % rows or w % cols:
            return None
        ph, pw = h // rows, w // cols
        c = g.cells
        return [
            c[i * ph : (i + 1) * ph, j * pw : (j + 1) * pw]
            for i in range(rows)
            for j in range(cols)
        ]

    return split


SPLITS: tuple[tuple[str, Callable[[Grid], list[Cells] | None]], ...] = (
    ("lines", _separated),
    *((f"parts{r}x{c}", _equal_parts(r, c)) for r, c in ((1, 2), (2, 1), (1, 3), (3, 1), (2, 2))),
)
_SPLIT = dict(SPLITS)


def _keys(parts: Sequence[Cells]) -> Keys:
    key = np.zeros(parts[0].size, dtype=np.int64)
    for p in parts:
        key = (key << 4) | p.ravel().astype(np.int64)
    return key


@final
@dataclass(frozen=True, slots=True)
class StackRule:
    """A split into pieces and a table from the pieces' colours at a cell to its colour."""

    split: str
    pieces: int
    keys: Keys
    colors: Keys

    @property
    def name(self) -> str:
        return f"stack_{self.split}"

    def __call__(self, g: Grid) -> Grid | None:
        """The output for ``g``; ``None`` if it does not split alike or a tuple is new."""
        parts = _SPLIT[self.split](g)
        if not parts or len(parts) != self.pieces:
            return None
        if any(p.shape != parts[0].shape for p in parts):
            return None
        at = table_index(self.keys, _keys(parts))
        if at is None:
            return None
        return Grid(self.colors[at].reshape(parts[0].shape).astype(np.uint8))


def find_stack_rule(pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]) -> StackRule | None:
    """The split with the fewest pieces, then the shortest table, that explains every pair
    and knows every cell of ``unseen``."""
    if not pairs or all(x.shape == y.shape for x, y in pairs):
        return None
    best: tuple[tuple[int, int], StackRule] | None = None
    for name, split in SPLITS:
        fitted = _fit(pairs, unseen, name, split)
        if fitted is not None and (best is None or fitted[0] < best[0]):
            best = fitted
    return best[1] if best else None


def _fit(
    pairs: Sequence[tuple[Grid, Grid]],
    unseen: Sequence[Grid],
    name: str,
    split: Callable[[Grid], list[Cells] | None],
) -> tuple[tuple[int, int], StackRule] | None:
    keys, colors, n = [], [], None
    for x, y in pairs:
        parts = split(x)
        if not parts or not 2 <= len(parts) <= _MAX_PIECES:
            return None
        if any(p.shape != y.shape for p in parts):
            return None
        if n is not None and len(parts) != n:
            return None
        n = len(parts)
        keys.append(_keys(parts))
        colors.append(y.cells.ravel().astype(np.int64))
    table = color_table(np.concatenate(keys), np.concatenate(colors))
    if table is None:
        return None
    distinct, mapped = table
    for g in unseen:
        parts = split(g)
        if not parts or len(parts) != n or any(p.shape != parts[0].shape for p in parts):
            return None
        if table_index(distinct, _keys(parts)) is None:
            return None
    assert n is not None
    return (n, len(distinct)), StackRule(name, n, distinct, mapped)
