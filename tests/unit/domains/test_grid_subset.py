"""Cell rules over the fewest features, and the fallbacks they become in a task grammar."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import GRID, Grid, GridsDomain
from metagrow.domains.grids._subset import find_subset_rule
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
