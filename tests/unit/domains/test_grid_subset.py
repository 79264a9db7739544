"""Cell rules over the fewest features, and the fallbacks they become in a task grammar."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from metagrow.domains.grids import GRID, Grid, GridsDomain, _subset
from metagrow.domains.grids._subset import find_subset_rule
from metagrow.domains.grids._tree import raw_features
from metagrow.lang import Example, Task, arrow

G = Grid.of


def _scatter(seed: int, colors: tuple[int, ...]) -> tuple[Grid, Grid]:
    """Blocks and lone cells on black; the output drops the lone cells."""
    rng = np.random.default_rng(seed)
    x = np.zeros((9, 9), dtype=np.uint8)
    y = np.zeros((9, 9), dtype=np.uint8)
    for k, (r, c) in enumerate([(0, 0), (0, 5), (5, 1), (5, 6)]):
        color = colors[k % len(colors)]
        x[r : r + 2, c : c + 2] = y[r : r + 2, c : c + 2] = color
    for r, c in [(3, 3), (8, 8), (3, 8), (8, 4)]:
        x[r, c] = colors[int(rng.integers(len(colors)))]
    return Grid(x), Grid(y)


def test_the_fewest_features_that_explain_the_examples_carry_over() -> None:
    pairs = [_scatter(0, (1, 2)), _scatter(1, (2, 3))]
    test_x, test_y = _scatter(2, (4, 5))  # colours the examples never showed
    rule = find_subset_rule(pairs, [test_x])
    assert rule is not None and len(rule.columns) <= 2 and rule.relative
    assert all(rule(x) == y for x, y in pairs)
    assert rule(test_x) == test_y


def test_no_subset_rule_for_unchanged_or_reshaped_pairs() -> None:
    assert find_subset_rule([(G([[1, 2]]), G([[1, 2]]))], []) is None
    assert find_subset_rule([(G([[1, 2]]), G([[1], [2]]))], []) is None


def _mark(x: Grid) -> Grid:
    """Background cells with a 1 somewhere to their left and a 2 somewhere above turn 3."""
    c = x.cells.copy()
    for r, k in zip(*np.nonzero(x.cells == 0), strict=True):
        left = [v for v in x.cells[r, :k] if v][-1:] == [1]
        above = [v for v in x.cells[:r, k] if v][-1:] == [2]
        c[r, k] = 3 if left and above else 0
    return Grid(c)


def test_feature_rules_join_a_task_grammar_as_fallbacks() -> None:
    x1 = G([[0, 2, 0, 0], [1, 0, 0, 0], [0, 0, 2, 0], [0, 1, 0, 0]])
    x2 = G([[0, 0, 0, 2], [0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]])
    test = G([[0, 0, 2, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]])
    train = tuple(Example((x,), _mark(x)) for x in (x1, x2))
    task = Task("rays", arrow(GRID, GRID), train, (Example((test,)),))
    grids = GridsDomain()
    grammar = grids.task_grammar(task, grids.grammar())
    added = {n: p for n, p in grammar.primitives.items() if n not in grids.grammar().primitives}
    assert "rule_tree" in added and any(n.startswith("rule_features") for n in added)
    assert all(p.fallback for p in added.values())
    hurried = grids.task_grammar(task, grids.grammar(), seconds=1.0)
    assert "rule_tree" not in hurried.primitives  # no time to import scikit-learn
    rule = find_subset_rule([(ex.inputs[0], ex.output) for ex in train], [test])
    assert rule is not None and rule(test) == _mark(test)


def test_row_colours_are_a_feature() -> None:
    # Rows of one colour turn 5, the others 0: the count of colours in the cell's row.
    pairs = [
        (G([[4, 4, 4], [2, 3, 2], [2, 3, 3]]), G([[5, 5, 5], [0, 0, 0], [0, 0, 0]])),
        (G([[7, 3, 3], [6, 6, 6], [3, 7, 7]]), G([[0, 0, 0], [5, 5, 5], [0, 0, 0]])),
        (G([[2, 9, 2], [4, 4, 4], [9, 4, 2]]), G([[0, 0, 0], [5, 5, 5], [0, 0, 0]])),
    ]
    test = G([[4, 4, 4], [3, 3, 3], [1, 2, 1]])
    rule = find_subset_rule(pairs, [test])
    assert rule is not None and len(rule.columns) == 1
    assert rule(test) == G([[5, 5, 5], [5, 5, 5], [0, 0, 0]])


def _plainly(pairs: list[tuple[Grid, Grid]], test: Grid, most: int) -> tuple[object, ...] | None:
    """The rule the search should find among subsets of up to ``most`` features, found by
    trying every subset with a sort per table: the fewest features, then the fewest keys,
    the first subset in order on ties, absolute colours before "stays as it was"."""
    train = np.concatenate([raw_features(x.cells) for x, _ in pairs]) + 1
    unseen = raw_features(test.cells) + 1
    out = np.concatenate([y.cells.ravel() for _, y in pairs]).astype(np.int64)
    for size in range(1, most + 1):
        best: tuple[object, ...] | None = None
        for columns in itertools.combinations(range(train.shape[1]), size):
            keys = [tuple(row) for row in train[:, columns].tolist()]
            if not {tuple(row) for row in unseen[:, columns].tolist()} <= set(keys):
                continue
            for relative, colors in (
                (False, out),
                (True, np.where(out == train[:, 0] - 1, -1, out)),
            ):
                table: dict[tuple[int, ...], int] = {}
                pairs_fit = all(
                    table.setdefault(k, c) == c for k, c in zip(keys, colors.tolist(), strict=True)
                )
                if pairs_fit and (best is None or len(table) < best[2]):
                    best = columns, relative, len(table)
        if best is not None:
            return best
    return None


@pytest.mark.parametrize("table_cells", [1 << 20, 64])
def test_the_search_finds_the_rule_that_trying_every_subset_finds(
    table_cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On random grids whose outputs follow a rule of one or two features, also with
    tables so small that the search numbers by sorting and grows one feature at a time."""
    monkeypatch.setattr(_subset, "_MAX_TABLE", table_cells)
    rng = np.random.default_rng(5)
    found = 0
    for trial in range(12):
        xs = [rng.choice([0, 0, 1, 2], size=(5, 6)).astype(np.uint8) for _ in range(4)]
        if trial % 2:
            ys = [np.where(np.roll(x, 1, axis=1) == 1, 3, x) for x in xs]
        else:
            ys = [np.where((x == 0) & (np.arange(6) % 2 == 0), 4, x) for x in xs]
        pairs = [(Grid(x), Grid(y.astype(np.uint8))) for x, y in zip(xs[:3], ys[:3], strict=True)]
        expected = _plainly(pairs, Grid(xs[3]), 2)
        rule = find_subset_rule(pairs, [Grid(xs[3])], seconds=30.0)
        found += expected is not None
        if expected is None:
            assert rule is None or len(rule.columns) > 2
        else:
            assert rule is not None
            assert (rule.columns, rule.relative, len(rule.keys)) == expected
    assert found >= 8
