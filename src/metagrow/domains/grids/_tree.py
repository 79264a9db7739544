"""A decision tree over many cell features at once, the fallback when no single feature
family (``_fitted``) explains a task.

Each cell is described by its colour, its eight neighbours, counts of foreground
neighbours, the first colour seen along each ray, its mirror images, its position modulo 2
and 3, and the size, size rank and border contact of its object. A tree (scikit-learn's,
seeded) that reproduces every train output exactly is kept; it is often wrong on new
inputs, so the grammar offers it at a low weight, after the programs that search finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._fitted import (
    EDGE,
    N4,
    N8,
    object_sizes,
    ray,
    shifted,
    size_rank,
    touches_border,
)
from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._objects import component_labels
from metagrow.domains.grids._transforms import background

Features = npt.NDArray[np.int64]
_MAX_CELLS = 6000
"""More train cells than this (about seven 30x30 grids) and the tree is not tried: fitting
time grows with them and such tasks are rarely local."""


def raw_features(cells: Cells) -> Features:
    """One row of small non-negative-or--1 integer features per cell, in reading order:
    colour first, then neighbours, counts, rays, mirrors, positions modulo 2 and 3,
    whether background, object size, rank and border contact, the colours of its row and
    column, and its distance to the grid's edge (rings)."""
    bg = background(cells)
    columns: list[npt.NDArray[np.int64]] = [cells.astype(np.int64)]
    columns += shifted(cells, N8)
    for offsets in (N4, N8):
        around = sum((n != bg) & (n != EDGE) for n in shifted(cells, offsets))
        columns.append(np.asarray(around, dtype=np.int64))
    columns += [
        ray(cells, bg),
        ray(cells[:, ::-1], bg)[:, ::-1],
        ray(cells.T, bg).T,
        ray(cells[::-1].T, bg).T[::-1],
    ]
    columns += [a.astype(np.int64) for a in (cells[:, ::-1], cells[::-1], cells[::-1, ::-1])]
    r, c = np.indices(cells.shape)
    columns += [np.asarray(v % k) for v in (r, c) for k in (2, 3)]
    columns.append((cells == bg).astype(np.int64))
    for diagonal, by_color in ((False, True), (True, False)):
        labels = component_labels(cells, diagonal, by_color)
        n = int(labels.max()) + 1
        for measure in (object_sizes, size_rank, touches_border):
            columns.append(np.append(measure(labels, n), -1)[labels])
    columns += _line_colors(cells, bg)
    h, w = cells.shape
    columns.append(np.minimum(np.minimum(r, h - 1 - r), np.minimum(c, w - 1 - c)))
    return np.stack([np.asarray(a).ravel() for a in columns], axis=1)


def _line_colors(cells: Cells, bg: int) -> list[npt.NDArray[np.int64]]:
    """The set of foreground colours in the cell's row and in its column (as bits), and
    how many colours each holds (background included)."""
    bits = np.where(cells != bg, 1 << cells.astype(np.int64), 0)
    ones = np.ones(cells.shape, dtype=np.int64)
    row_set = np.bitwise_or.reduce(bits, axis=1)[:, None] * ones
    col_set = np.bitwise_or.reduce(bits, axis=0)[None, :] * ones
    every = 1 << cells.astype(np.int64)
    row_n = np.array([bin(v).count("1") for v in np.bitwise_or.reduce(every, axis=1)])
    col_n = np.array([bin(v).count("1") for v in np.bitwise_or.reduce(every, axis=0)])
    return [row_set, col_set, row_n[:, None] * ones, col_n[None, :] * ones]


def features(cells: Cells) -> Features:
    """The raw features, with colour columns also one-hot."""
    raw = raw_features(cells)
    # Colour columns one-hot as well, so the tree can ask "is this neighbour red?".
    onehot = [(raw[:, :9] == k).astype(np.int64) for k in range(11)]
    return np.concatenate([raw, *onehot], axis=1)


@final
@dataclass(frozen=True, slots=True, eq=False)
class TreeRule:
    """A fitted tree as arrays, one entry per node: the children (-1 at a leaf), the
    feature and threshold of the test (``feature <= threshold`` goes left), and the
    colour a leaf gives. A cell walks from the root as scikit-learn's ``predict`` does."""

    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    feature: npt.NDArray[np.int64]
    threshold: npt.NDArray[np.float64]
    color: npt.NDArray[np.uint8]

    def __call__(self, g: Grid) -> Grid:
        x = features(g.cells)
        cells = np.arange(len(x))
        node = np.zeros(len(x), dtype=np.int64)
        inner = self.left[node] >= 0
        while inner.any():
            value = x[cells, np.maximum(self.feature[node], 0)]
            below = value <= self.threshold[node]
            node = np.where(inner, np.where(below, self.left[node], self.right[node]), node)
            inner = self.left[node] >= 0
        return Grid(self.color[node].reshape(g.shape))


def fit_tree(pairs: Sequence[tuple[Grid, Grid]], seed: int = 0) -> TreeRule | None:
    """A tree reproducing every same-shape pair exactly, or ``None``."""
    if not pairs or any(x.shape != y.shape for x, y in pairs) or all(x == y for x, y in pairs):
        return None
    if sum(x.cells.size for x, _ in pairs) > _MAX_CELLS:
        return None
    from sklearn.tree import DecisionTreeClassifier

    x = np.concatenate([features(g.cells) for g, _ in pairs])
    y = np.concatenate([out.cells.ravel() for _, out in pairs])
    tree = DecisionTreeClassifier(criterion="entropy", random_state=seed).fit(x, y)
    if np.any(tree.predict(x) != y):
        return None
    nodes = tree.tree_
    leaf_class = np.argmax(nodes.value[:, 0, :], axis=1)
    return TreeRule(
        nodes.children_left.astype(np.int64),
        nodes.children_right.astype(np.int64),
        nodes.feature.astype(np.int64),
        nodes.threshold.astype(np.float64),
        np.asarray(tree.classes_[leaf_class], dtype=np.uint8),
    )
