"""Cell rules read off a task's examples: each output cell as a function of features of
the same cell in the input (its colour, its neighbours, what it sees along its row and
column, its position modulo a period).

A rule is a lookup table from a cell's feature key to an output colour, fitted on every
train pair whose input and output have the same shape. Feature families are tried from
the simplest to the richest; a family is kept when its table never maps one key to two
colours and every key of every test input was seen in training, so the rule is never
asked about a situation the examples did not show. This covers ARC's colour mappings
and per-cell and neighbourhood rules with one mechanism.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._objects import component_labels, label_boxes
from metagrow.domains.grids._transforms import background, ground

Keys = npt.NDArray[np.int64]
EDGE = 10
"""The colour of a cell outside the grid, and of 'nothing seen' along a ray."""
_BASE = 11


def _pack(*parts: npt.NDArray[np.integer]) -> Keys:
    """One int64 key per cell from several small non-negative ints per cell."""
    key = np.zeros(parts[0].shape, dtype=np.int64)
    for p in parts:
        key = key * _BASE + p.astype(np.int64)
    return key


def _padded(cells: Cells) -> npt.NDArray[np.int64]:
    return np.pad(cells.astype(np.int64), 1, constant_values=EDGE)


def shifted(cells: Cells, offsets: Sequence[tuple[int, int]]) -> list[npt.NDArray[np.int64]]:
    h, w = cells.shape
    p = _padded(cells)
    return [p[1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w] for dr, dc in offsets]


N4 = ((-1, 0), (1, 0), (0, -1), (0, 1))
N8 = (*N4, (-1, -1), (-1, 1), (1, -1), (1, 1))


def _cell(cells: Cells) -> Keys:
    return _pack(cells)


def _count(offsets: Sequence[tuple[int, int]]) -> Callable[[Cells], Keys]:
    def keys(cells: Cells) -> Keys:
        bg = background(cells)
        around = sum((n != bg) & (n != EDGE) for n in shifted(cells, offsets))
        return _pack(cells, np.asarray(around))

    return keys


def _neighbours(offsets: Sequence[tuple[int, int]]) -> Callable[[Cells], Keys]:
    return lambda cells: _pack(cells, *shifted(cells, offsets))


def ray(cells: Cells, bg: int) -> npt.NDArray[np.int64]:
    """For each cell, the first non-background colour strictly to its left (or EDGE)."""
    h, w = cells.shape
    out = np.full((h, w), EDGE, dtype=np.int64)
    seen = np.full(h, EDGE, dtype=np.int64)
    for c in range(w):
        out[:, c] = seen
        col = cells[:, c].astype(np.int64)
        seen = np.where(col != bg, col, seen)
    return out


def _rays(cells: Cells) -> Keys:
    bg = background(cells)
    left = ray(cells, bg)
    right = ray(cells[:, ::-1], bg)[:, ::-1]
    up = ray(cells.T, bg).T
    down = ray(cells[::-1].T, bg).T[::-1]
    return _pack(cells, left, right, up, down)


def _diagonal_ray(cells: Cells, bg: int) -> npt.NDArray[np.int64]:
    """For each cell, the first non-background colour up and to its left (or EDGE)."""
    h, w = cells.shape
    out = np.full((h, w), EDGE, dtype=np.int64)
    for r in range(1, h):
        for c in range(1, w):
            above = int(cells[r - 1, c - 1])
            out[r, c] = above if above != bg else out[r - 1, c - 1]
    return out


def _diagonals(cells: Cells) -> Keys:
    bg = background(cells)
    rays = (
        _diagonal_ray(cells, bg),
        _diagonal_ray(cells[:, ::-1], bg)[:, ::-1],
        _diagonal_ray(cells[::-1], bg)[::-1],
        _diagonal_ray(cells[::-1, ::-1], bg)[::-1, ::-1],
    )
    return _pack(cells, *rays)


def _mirrored(flip: Callable[[Cells], Cells]) -> Callable[[Cells], Keys]:
    """The cell's colour and the colour of its mirror image."""
    return lambda cells: _pack(cells, flip(cells))


def _lines(cells: Cells) -> Keys:
    """The cell's colour and the sets of non-background colours in its row and column."""
    bg = background(cells)
    bits = np.where(cells != bg, 1 << cells.astype(np.int64), 0)
    rows = np.bitwise_or.reduce(bits, axis=1)[:, None] * np.ones_like(bits)
    cols = np.bitwise_or.reduce(bits, axis=0)[None, :] * np.ones_like(bits)
    key: Keys = (cells.astype(np.int64) << 20) | (rows << 10) | cols
    return key


def _period(k: int, far: bool = False) -> Callable[[Cells], Keys]:
    """The cell's colour and its row and column modulo ``k``, counted from the top left
    corner, or from the bottom right one (``far``: grids of different sides line up at
    that corner)."""

    def keys(cells: Cells) -> Keys:
        r, c = np.indices(cells.shape)
        if far:
            r, c = cells.shape[0] - 1 - r, cells.shape[1] - 1 - c
        return _pack(cells, np.asarray(r % k), np.asarray(c % k))

    return keys


def table_index(keys: Keys, wanted: Keys) -> Keys | None:
    """Where each of ``wanted`` stands in the sorted ``keys``; ``None`` if one is missing."""
    at = np.searchsorted(keys, wanted)
    at[at >= len(keys)] = 0
    return at if np.array_equal(keys[at], wanted) else None


def color_table(keys: Keys, colors: Keys) -> tuple[Keys, Keys] | None:
    """The distinct ``keys`` (sorted) and the colour each maps to, or ``None`` if a key
    maps to two colours."""
    both = np.unique((keys << 4) | colors)
    distinct = both >> 4
    if np.any(distinct[1:] == distinct[:-1]):
        return None
    return distinct, both & 15


ObjectFeature = Callable[[npt.NDArray[np.int64], int], npt.NDArray[np.int64]]
"""Per component (from the labels and the count of components), one small int."""


def object_sizes(labels: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    return np.bincount(labels[labels >= 0], minlength=n).astype(np.int64)


def size_rank(labels: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """0 for the largest components, 1 for the smallest, 2 for the rest."""
    sizes = object_sizes(labels, n)
    if n == 0:
        return sizes
    return np.where(sizes == sizes.max(), 0, np.where(sizes == sizes.min(), 1, 2))


def size_order(labels: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """Each component's place among the distinct sizes, largest first."""
    sizes = object_sizes(labels, n)
    distinct = np.unique(sizes)[::-1]
    return np.searchsorted(-distinct, -sizes).astype(np.int64)


def touches_border(labels: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    out = np.zeros(n, dtype=np.int64)
    out[edge[edge >= 0]] = 1
    return out


def _box(labels: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """Bounding-box height and width, packed (every label 0 to ``n - 1`` has cells)."""
    top, bottom, left, right = label_boxes(labels)
    assert len(top) == n
    box: npt.NDArray[np.int64] = (bottom - top + 1) * 32 + right - left + 1
    return box


def _shape(labels: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """A hash of the component's mask inside its bounding box (the same in every process,
    so that a table of them can be written down)."""
    out = np.zeros(n, dtype=np.int64)
    for k in range(n):
        rows, cols = np.nonzero(labels == k)
        box = labels[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1] == k
        out[k] = zlib.crc32(bytes(box.shape) + box.tobytes()) & 0xFFFFFF
    return out


def _objects(feature: ObjectFeature, diagonal: bool, by_color: bool) -> Callable[[Cells], Keys]:
    """The cell's colour and a feature of the object it belongs to (-1 off objects)."""

    def keys(cells: Cells) -> Keys:
        labels = component_labels(cells, diagonal, by_color)
        n = int(labels.max()) + 1
        values = np.append(feature(labels, n), -1)
        key: Keys = (cells.astype(np.int64) << 32) | (values[labels] & 0xFFFFFFFF)
        return key

    return keys


@final
@dataclass(frozen=True, slots=True)
class Family:
    """A named way to describe a cell by a key."""

    name: str
    keys: Callable[[Cells], Keys]
    relative: bool = False
    """Whether outputs are kept relative to the cell: "stays as it was" rather than a
    colour, so that a rule learned on some colours applies to others."""

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """A family is known by its name (see :func:`family_named`)."""
        return family_named, (self.name,)


def _role(cells: Cells, offsets: Sequence[tuple[int, int]]) -> Keys:
    """Whether the cell is background, and for each neighbour whether it is background,
    the cell's own colour, another colour, or off the grid: colours as roles, not values."""
    bg = background(cells)
    own = cells.astype(np.int64)
    parts = [(own == bg).astype(np.int64)]
    for n in shifted(cells, offsets):
        parts.append(np.where(n == EDGE, 3, np.where(n == bg, 0, np.where(n == own, 1, 2))))
    return _pack(*parts)


def _role_count(cells: Cells, offsets: Sequence[tuple[int, int]]) -> Keys:
    """Whether the cell is background, and how many neighbours share its colour or have
    another foreground colour."""
    bg = background(cells)
    own = cells.astype(np.int64)
    around = shifted(cells, offsets)
    same = sum((n == own) for n in around)
    other = sum((n != own) & (n != bg) & (n != EDGE) for n in around)
    return _pack((own == bg).astype(np.int64), np.asarray(same), np.asarray(other))


def _same_count(offsets: Sequence[tuple[int, int]]) -> Callable[[Cells], Keys]:
    """The cell's colour and, for a foreground cell, how many neighbours share it (a
    shape's corners, sides and inside, even where shapes cover most of the grid: the
    background is :func:`ground`'s, black when the grid shows black)."""

    def keys(cells: Cells) -> Keys:
        own = cells.astype(np.int64)
        same = sum(n == own for n in shifted(cells, offsets))
        bg = ground(np.bincount(cells.ravel(), minlength=10))
        return _pack(cells, np.where(cells == bg, 0, same))

    return keys


SAME = 10
"""A relative rule's output code for "the cell keeps its colour"."""


FAMILIES: tuple[Family, ...] = (
    Family("cell", _cell),
    Family("object_border", _objects(touches_border, diagonal=False, by_color=True)),
    Family("object_rank", _objects(size_rank, diagonal=False, by_color=True)),
    Family("object_size", _objects(object_sizes, diagonal=False, by_color=True)),
    Family("object_order", _objects(size_order, diagonal=False, by_color=True)),
    Family("blob_rank", _objects(size_rank, diagonal=True, by_color=False)),
    Family("blob_size", _objects(object_sizes, diagonal=True, by_color=False)),
    Family("object_box", _objects(_box, diagonal=False, by_color=True)),
    Family("object_shape", _objects(_shape, diagonal=True, by_color=True)),
    Family("n4count", _count(N4)),
    Family("n8count", _count(N8)),
    Family("same4", _same_count(N4)),
    Family("same8", _same_count(N8)),
    Family("n4", _neighbours(N4)),
    Family("period2", _period(2)),
    Family("period3", _period(3)),
    Family("period2_far", _period(2, far=True)),
    Family("period3_far", _period(3, far=True)),
    Family("rays", _rays),
    Family("diagonals", _diagonals),
    Family("mirror_h", _mirrored(lambda c: c[:, ::-1])),
    Family("mirror_v", _mirrored(lambda c: c[::-1])),
    Family("mirror_hv", _mirrored(lambda c: c[::-1, ::-1])),
    Family("mirror_t", _mirrored(lambda c: c.T if c.shape[0] == c.shape[1] else c * 0 + EDGE)),
    Family("mirrors", lambda c: _pack(c, c[:, ::-1], c[::-1], c[::-1, ::-1])),
    Family("lines", _lines),
    Family("n8", _neighbours(N8)),
    Family("roles4", lambda c: _role(c, N4), relative=True),
    Family("roles8", lambda c: _role(c, N8), relative=True),
    Family("role_count4", lambda c: _role_count(c, N4), relative=True),
    Family("role_count8", lambda c: _role_count(c, N8), relative=True),
)
"""Feature families from the simplest to the richest."""


def family_named(name: str) -> Family:
    """The feature family called ``name``."""
    for family in FAMILIES:
        if family.name == name:
            return family
    raise ValueError(f"no cell feature family is called {name!r}")


@final
@dataclass(frozen=True, slots=True)
class CellRule:
    """A fitted table: sorted keys of one family and the output colour for each."""

    family: Family
    keys: Keys
    colors: npt.NDArray[np.uint8]

    @property
    def name(self) -> str:
        return f"rule_{self.family.name}"

    def __call__(self, g: Grid) -> Grid | None:
        """``g`` with every cell replaced by the table's colour; ``None`` if ``g`` has a
        key the examples never showed."""
        at = table_index(self.keys, self.family.keys(g.cells).ravel())
        if at is None:
            return None
        out = self.colors[at].reshape(g.shape)
        return Grid(np.where(out == SAME, g.cells, out).astype(np.uint8))


def fit_rule(
    family: Family, pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]
) -> CellRule | None:
    """The family's table fitted on same-shape ``pairs``, or ``None`` if it maps one key to
    two colours or does not know every key of the ``unseen`` inputs."""
    if not pairs or any(x.shape != y.shape for x, y in pairs):
        return None
    keys = np.concatenate([family.keys(x.cells).ravel() for x, _ in pairs])
    colors = np.concatenate([_outputs(family, x, y) for x, y in pairs])
    order = np.argsort(keys, kind="stable")
    keys, colors = keys[order], colors[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    group = np.cumsum(first) - 1
    if np.any(colors != colors[first][group]):
        return None
    rule = CellRule(family, keys[first], colors[first])
    if any(rule(g) is None for g in unseen):
        return None
    return rule


def _outputs(family: Family, x: Grid, y: Grid) -> npt.NDArray[np.uint8]:
    out = y.cells.ravel()
    if family.relative:
        out = np.where(out == x.cells.ravel(), SAME, out).astype(np.uint8)
    return out


def find_rule(pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]) -> CellRule | None:
    """The simplest family whose rule fits ``pairs`` and covers ``unseen``, if any does
    and it changes at least one cell of the examples."""
    if all(x == y for x, y in pairs):
        return None
    for family in FAMILIES:
        rule = fit_rule(family, pairs, unseen)
        if rule is not None:
            return rule
    return None
