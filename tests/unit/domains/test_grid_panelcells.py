"""Panel rules: one output cell per panel of the input, its colour read off a table over
one property of the panel."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid
from metagrow.domains.grids._panelcells import OWN, find_panel_cells


def _board(counts: list[int], rng: np.random.Generator, color: int = 6) -> np.ndarray:
    """A 3x3 board of 3x3 panels between lines of 8, panel ``p`` holding ``counts[p]``
    cells of ``color`` at random places."""
    x = np.zeros((11, 11), dtype=np.uint8)
    x[3, :] = x[7, :] = x[:, 3] = x[:, 7] = 8
    for p, n in enumerate(counts):
        top, left = 4 * (p // 3), 4 * (p % 3)
        for k in rng.choice(9, size=n, replace=False):
            x[top + k // 3, left + k % 3] = color
    return x


def _pair(counts: list[int], rng: np.random.Generator) -> tuple[Grid, Grid]:
    """A panel holding two cells is blue in the output, the others black."""
    y = np.array([1 if n == 2 else 0 for n in counts], dtype=np.uint8).reshape(3, 3)
    return Grid(_board(counts, rng)), Grid(y)


def test_a_panels_cell_count_says_its_cells_colour() -> None:
    rng = np.random.default_rng(3)
    pairs = [
        _pair([1, 2, 1, 1, 1, 2, 1, 1, 1], rng),
        _pair([2, 1, 1, 1, 2, 1, 1, 1, 1], rng),
        _pair([1, 1, 1, 1, 1, 1, 2, 1, 2], rng),
    ]
    test_x, test_y = _pair([1, 1, 2, 2, 1, 1, 1, 1, 2], rng)
    rule = find_panel_cells(pairs, [test_x])
    assert rule is not None and rule.name == "rule_panelcells_cells"
    assert dict(rule.table) == {1: 0, 2: 1}
    assert all(rule(x) == y for x, y in pairs)
    assert rule(test_x) == test_y
    unseen = Grid(_board([3, 1, 1, 1, 1, 1, 1, 1, 1], rng))
    other = find_panel_cells(pairs, [unseen])  # three cells: not in the count's table
    assert other is not None and other.name == "rule_panelcells_rank_fullest"


def test_the_fullest_panel_shows_its_own_colour() -> None:
    rng = np.random.default_rng(4)
    pairs = []
    for color, counts in ((2, [1, 3, 0, 1, 0, 0, 2, 0, 1]), (4, [0, 1, 1, 2, 0, 4, 0, 1, 0])):
        x = _board(counts, rng, color)
        most = max(counts)
        y = np.array([color if n == most else 0 for n in counts], dtype=np.uint8)
        pairs.append((Grid(x), Grid(y.reshape(3, 3))))
    rule = find_panel_cells(pairs, [Grid(_board([2, 0, 1, 0, 0, 0, 0, 1, 0], rng, 7))])
    assert rule is not None and rule.name == "rule_panelcells_rank_fullest"
    assert dict(rule.table)[0] == OWN
    got = rule(Grid(_board([2, 0, 1, 0, 0, 0, 0, 1, 0], rng, 7)))
    assert got is not None and got.cells.tolist() == [[7, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_a_grid_without_lines_has_no_panel_rule() -> None:
    x = Grid(np.zeros((5, 5), dtype=np.uint8))
    assert find_panel_cells([(x, Grid(np.zeros((1, 1), dtype=np.uint8)))], [x]) is None
