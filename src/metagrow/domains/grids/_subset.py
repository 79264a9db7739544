"""A cell rule over the fewest features that explain a task: the middle ground between
one fixed feature family (``_fitted``) and a tree over all features (``_tree``).

Each cell is described by the tree's raw features (its colour, neighbours, counts, rays,
mirrors, position modulo 2 and 3, its object's size, rank and border contact). Subsets of
one, two, three, then four features are tried; a subset is kept when its table never
maps one key to two colours and knows every key of the test inputs, and among the
subsets of the smallest size that qualify, the one with the fewest keys (the shortest
table) wins. A subset that meets a test key it has never seen rules out all its
supersets, which keeps the search small (Apriori's pruning).
Outputs may be absolute colours or, like the role families, "stays as it was".
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._fitted import SAME, Keys, color_table, table_index
from metagrow.domains.grids._grid import Grid
from metagrow.domains.grids._tree import raw_features

_BITS = 10
"""Bits per feature in a packed key: features lie in -1..1022 (object sizes up to 900)."""
_MAX_FEATURES = 4
_MAX_CELLS = 6000
_SECONDS = 1.5
"""Time for trying subsets; the smallest sizes come first, so a cap only loses big ones."""


def _pack_columns(features: npt.NDArray[np.int64], columns: tuple[int, ...]) -> Keys:
    key = np.zeros(len(features), dtype=np.int64)
    for j in columns:
        key = (key << _BITS) | (features[:, j] + 1)
    return key


@final
@dataclass(frozen=True, slots=True)
class SubsetRule:
    """A table from the packed values of some feature ``columns`` to an output colour."""

    columns: tuple[int, ...]
    keys: Keys
    colors: npt.NDArray[np.int64]
    relative: bool

    @property
    def name(self) -> str:
        return f"rule_features{len(self.columns)}"

    def __call__(self, g: Grid) -> Grid | None:
        """``g`` with each cell looked up; ``None`` if a key was never seen."""
        at = table_index(self.keys, _pack_columns(raw_features(g.cells), self.columns))
        if at is None:
            return None
        out = self.colors[at].reshape(g.shape)
        if self.relative:
            out = np.where(out == SAME, g.cells, out)
        return Grid(out.astype(np.uint8))


def find_subset_rule(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid], seconds: float = _SECONDS
) -> SubsetRule | None:
    """The shortest table over the fewest features that fits every same-shape pair and
    knows every cell of ``unseen``, if one is found within ``seconds``."""
    if not pairs or any(x.shape != y.shape for x, y in pairs) or all(x == y for x, y in pairs):
        return None
    if sum(x.cells.size for x, _ in pairs) > _MAX_CELLS:
        return None
    train = np.concatenate([raw_features(x.cells) for x, _ in pairs])
    test = np.concatenate([raw_features(g.cells) for g in unseen] or [train[:0]])
    out = np.concatenate([y.cells.ravel() for _, y in pairs]).astype(np.int64)
    outputs = (out, np.where(out == train[:, 0], SAME, out))
    codes = _Codes(np.concatenate([train, test]), len(train))
    deadline = time.perf_counter() + seconds
    covering: list[tuple[int, ...]] = [()]
    for _ in range(_MAX_FEATURES):
        best: tuple[int, tuple[int, ...], bool] | None = None
        grown = []
        for base, last in _supersets(covering, train.shape[1]):
            if time.perf_counter() > deadline:
                break
            known, distinct, fits = codes.grown(base, last, outputs)
            for i, j in enumerate(last):
                if not known[i]:
                    continue  # nor does any superset: test cells it has never seen
                grown.append((*base, j))
                for relative in (False, True):
                    if fits[relative][i] and (best is None or distinct[i] < best[0]):
                        best = int(distinct[i]), (*base, j), relative
        if best is not None or time.perf_counter() > deadline:
            return None if best is None else _rule(train, outputs[best[2]], *best[1:])
        covering = grown
    return None


def _rule(
    train: npt.NDArray[np.int64],
    colors: npt.NDArray[np.int64],
    columns: tuple[int, ...],
    relative: bool,
) -> SubsetRule:
    table = color_table(_pack_columns(train, columns), colors)
    assert table is not None
    return SubsetRule(columns, table[0], table[1], relative)


_MAX_TABLE = 1 << 20
"""Cells of the direct-address tables (:class:`_Codes`) at most; bigger ones sort."""

Numbers = npt.NDArray[np.int64]


def _numbered(values: Numbers, size: int) -> tuple[Numbers, int]:
    """``values`` (each below ``size``) renumbered 0, 1, ... in increasing order, and how
    many distinct ones there are."""
    if size > _MAX_TABLE:
        distinct, numbers = np.unique(values, return_inverse=True)
        return numbers.astype(np.int64), len(distinct)
    shown = np.zeros(size, dtype=bool)
    shown[values] = True
    rank = np.cumsum(shown) - 1
    return rank[values], int(rank[-1]) + 1


@final
class _Codes:
    """Each cell's values of a subset of features as one number below the count of
    value tuples shown, so that the keys of a subset and any one more feature index flat
    tables: one table per subset grown by several features at once, in a few array
    passes and no sorting."""

    def __init__(self, features: Numbers, n_train: int) -> None:
        self.n_train = n_train
        numbered = [_numbered(features[:, j] + 1, 1 << _BITS) for j in range(features.shape[1])]
        self.codes = np.stack([n for n, _ in numbered], axis=1)
        self.sizes = np.array([size for _, size in numbered], dtype=np.int64)
        self.chain: list[tuple[tuple[int, ...], Numbers, int]] = [
            ((), np.zeros(len(features), dtype=np.int64), 1)
        ]

    def numbers(self, columns: tuple[int, ...]) -> tuple[Numbers, int]:
        """Each cell's number for the tuple of its ``columns`` values, and how many there
        are (the numbers of the longest prefix last asked for are reused)."""
        while self.chain[-1][0] != columns[: len(self.chain[-1][0])]:
            self.chain.pop()
        for j in columns[len(self.chain[-1][0]) :]:
            prefix, numbers, count = self.chain[-1]
            size = count * int(self.sizes[j])
            self.chain.append(
                ((*prefix, j), *_numbered(numbers * self.sizes[j] + self.codes[:, j], size))
            )
        return self.chain[-1][1:]

    def grown(
        self, base: tuple[int, ...], last: list[int], outputs: tuple[Numbers, Numbers]
    ) -> tuple[npt.NDArray[np.bool_], Numbers, tuple[npt.NDArray[np.bool_], ...]]:
        """For ``base`` grown by each feature of ``last``: whether the train cells show
        every test cell's key, how many keys they show, and whether no key has two colours
        in each of ``outputs``."""
        numbers, count = self.numbers(base)
        widths = count * self.sizes[last]
        if int(widths.sum()) > _MAX_TABLE and len(last) > 1:
            parts = [self.grown(base, [j], outputs) for j in last]
            return (
                np.concatenate([p[0] for p in parts]),
                np.concatenate([p[1] for p in parts]),
                tuple(np.concatenate([p[2][k] for p in parts]) for k in range(len(outputs))),
            )
        keys = numbers[:, None] * self.sizes[last] + self.codes[:, last]
        if int(widths.sum()) > _MAX_TABLE:  # one feature: number its keys first (sorting)
            numbered, size = _numbered(keys[:, 0], int(widths[0]))
            keys, widths = numbered[:, None], np.array([size], dtype=np.int64)
        starts = np.cumsum(widths) - widths
        keys = keys + starts
        train, test = keys[: self.n_train], keys[self.n_train :]
        shown = np.zeros(int(widths.sum()), dtype=bool)
        shown[train] = True
        known: npt.NDArray[np.bool_] = np.asarray(shown[test].all(axis=0))
        distinct = np.add.reduceat(shown, starts, dtype=np.int64)
        first = np.empty(len(shown), dtype=np.int64)
        fits = []
        for colors in outputs:
            first[train] = colors[:, None]
            fits.append((first[train] == colors[:, None]).all(axis=0))
        return known, distinct, tuple(fits)


def _supersets(
    subsets: list[tuple[int, ...]], n: int
) -> Iterator[tuple[tuple[int, ...], list[int]]]:
    """Each subset and the features that grow it into a subset one larger whose every
    subset one smaller is among ``subsets`` (Apriori's join), in increasing order."""
    known = set(subsets)
    for base in subsets:
        last = [
            j
            for j in range(base[-1] + 1 if base else 0, n)
            if all(sub in known for sub in itertools.combinations((*base, j), len(base)))
        ]
        if last:
            yield base, last
