"""Stacked-piece rules: each output cell from the colours of the input's pieces there."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import GRID, Grid, GridsDomain
from metagrow.domains.grids._stack import find_stack_rule
from metagrow.lang import Example, Task, arrow


def _overlay(seed: int, separator: bool) -> tuple[Grid, Grid]:
    """Three 4x4 pieces of colours 1, 2, 3 side by side; the output shows, at each cell,
    the first piece (in the order 3, 1, 2) that is not black there."""
    rng = np.random.default_rng(seed)
    parts = [np.where(rng.random((4, 4)) < 0.4, k, 0).astype(np.uint8) for k in (1, 2, 3)]
    out = np.zeros((4, 4), dtype=np.uint8)
    for k in (2, 1, 3):  # later ones win
        p = parts[k - 1]
        out[p != 0] = p[p != 0]
    if separator:
        line = np.full((4, 1), 5, dtype=np.uint8)
        x = np.hstack([parts[0], line, parts[1], line, parts[2]])
    else:
        x = np.hstack(parts)
    return Grid(x), Grid(out)


def test_a_priority_overlay_of_three_pieces_carries_over() -> None:
    for separator in (True, False):
        pairs = [_overlay(seed, separator) for seed in range(5)]
        test_x, test_y = _overlay(99, separator)
        rule = find_stack_rule(pairs, [test_x])
        assert rule is not None and rule.pieces == 3
        assert rule.name == ("stack_lines" if separator else "stack_parts1x3")
        assert all(rule(x) == y for x, y in pairs)
        assert rule(test_x) == test_y


def test_no_stack_rule_for_same_shape_pairs_or_unseen_tuples() -> None:
    x, y = _overlay(0, False)
    assert find_stack_rule([(x, x)], []) is None
    # one pair shows only some tuples of colours; a test input full of colour in every
    # piece was never seen
    full = Grid(np.hstack([np.full((4, 4), k, dtype=np.uint8) for k in (1, 2, 3)]))
    empty = Grid(np.zeros((4, 12), dtype=np.uint8))
    assert find_stack_rule([(empty, Grid(np.zeros((4, 4), dtype=np.uint8)))], [full]) is None
    rule = find_stack_rule([(x, y)], [])
    assert rule is not None and rule(Grid(np.zeros((4, 10), dtype=np.uint8))) is None


def test_a_stack_rule_joins_the_task_grammar_as_an_exact_primitive() -> None:
    pairs = [_overlay(seed, True) for seed in range(4)]
    test_x, _ = _overlay(7, True)
    train = tuple(Example((x,), y) for x, y in pairs)
    task = Task("overlay", arrow(GRID, GRID), train, (Example((test_x,)),))
    grids = GridsDomain()
    added = grids.task_grammar(task, grids.grammar()).primitives["stack_lines"]
    assert not added.fallback


def _halves_full_of_lines(seed: int) -> tuple[Grid, Grid]:
    """Two 4x4 pieces of colours 1 and 2 one above the other, a yellow line between;
    piece 2 has two full rows of 2, so it draws more full lines than the separator does.
    The output is 3 wherever either piece is not black."""
    rng = np.random.default_rng(seed)
    top = np.where(rng.random((4, 4)) < 0.5, 1, 0).astype(np.uint8)
    bottom = np.where(rng.random((4, 4)) < 0.5, 2, 0).astype(np.uint8)
    bottom[[0, 2]] = 2
    bottom[1, :2] = 2, 0  # a 2 off the full lines
    x = np.vstack([top, np.full((1, 4), 4, dtype=np.uint8), bottom])
    return Grid(x), Grid(np.where((top != 0) | (bottom != 0), 3, 0).astype(np.uint8))


def test_the_separator_is_the_colour_that_draws_nothing_but_lines() -> None:
    pairs = [_halves_full_of_lines(seed) for seed in range(4)]
    test_x, test_y = _halves_full_of_lines(9)
    assert sum((x.cells == 2).all(axis=1).sum() > 1 for x, _ in pairs) >= 3
    rule = find_stack_rule(pairs, [test_x])
    assert rule is not None and rule.name == "stack_lines"
    assert rule(test_x) == test_y
