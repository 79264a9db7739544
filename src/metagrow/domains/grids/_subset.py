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
    outputs = {False: out, True: np.where(out == train[:, 0], SAME, out)}
    deadline = time.perf_counter() + seconds
    covering: list[tuple[int, ...]] = [()]
    for _ in range(_MAX_FEATURES):
        best: SubsetRule | None = None
        known = set(covering)
        grown = []
        packed: tuple[int, ...] | None = None
        for columns in _supersets(covering, known, train.shape[1]):
            if time.perf_counter() > deadline:
                return best
            *base, j = columns
            if packed != tuple(base):  # supersets of one subset come one after another
                packed = tuple(base)
                train_base, test_base = _pack_columns(train, packed), _pack_columns(test, packed)
            keys = (train_base << _BITS) | (train[:, j] + 1)
            order = np.argsort(keys)
            ordered = keys[order]
            if table_index(ordered, (test_base << _BITS) | (test[:, j] + 1)) is None:
                continue  # nor does any superset: test cells it has never seen
            grown.append(columns)
            repeated = ordered[1:] == ordered[:-1]
            distinct = len(keys) - int(np.count_nonzero(repeated))
            for relative, colors in outputs.items():
                by_key = colors[order]
                if (repeated & (by_key[1:] != by_key[:-1])).any():
                    continue  # a key with two colours
                if best is None or distinct < len(best.keys):
                    table = color_table(keys, colors)
                    assert table is not None
                    best = SubsetRule(columns, table[0], table[1], relative)
        if best is not None:
            return best
        covering = grown
    return None


def _supersets(
    subsets: list[tuple[int, ...]], known: set[tuple[int, ...]], n: int
) -> Iterator[tuple[int, ...]]:
    """Subsets one larger whose every subset one smaller is ``known`` (Apriori's join)."""
    for base in subsets:
        for j in range(base[-1] + 1 if base else 0, n):
            grown = (*base, j)
            if all(sub in known for sub in itertools.combinations(grown, len(base))):
                yield grown
