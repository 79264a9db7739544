"""Stamp rules: each seed colour paints a fixed pattern around its cells."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid
from metagrow.domains.grids._stamp import find_stamp_rule

CORNERS = ((-1, -1), (-1, 1), (1, -1), (1, 1))
CROSS = ((-1, 0), (1, 0), (0, -1), (0, 1))
STAMPS = {2: (CORNERS, 4), 1: (CROSS, 7)}


def _stamped(seeds: list[tuple[int, int, int]], size: int = 9) -> tuple[Grid, Grid]:
    """Red seeds (2) get yellow (4) corners, blue seeds (1) an orange (7) cross; grey (5)
    cells are bystanders."""
    x = np.zeros((size, size), dtype=np.uint8)
    for r, c, k in seeds:
        x[r, c] = k
    y = x.copy()
    for r, c, k in seeds:
        offsets, paint = STAMPS.get(k, ((), 0))
        for dr, dc in offsets:
            if 0 <= r + dr < size and 0 <= c + dc < size and x[r + dr, c + dc] == 0:
                y[r + dr, c + dc] = paint
    return Grid(x), Grid(y)


def test_stamps_around_seed_colours_carry_over() -> None:
    pairs = [
        _stamped([(1, 1, 2), (5, 6, 1), (8, 0, 5)]),
        _stamped([(0, 4, 1), (6, 2, 2), (3, 7, 2)]),
    ]
    # a colour never shown (6) is taken for a bystander, as grey was
    test_x, test_y = _stamped([(4, 4, 2), (1, 7, 1), (7, 1, 1), (0, 0, 5), (8, 8, 6)])
    rule = find_stamp_rule(pairs, [test_x])
    assert rule is not None and rule.name == "stamp1"
    assert all(rule(x) == y for x, y in pairs)
    assert rule(test_x) == test_y


def test_no_stamp_for_a_new_colour_or_a_change_off_the_background() -> None:
    pairs = [_stamped([(1, 1, 2), (5, 6, 1)])]
    new_colour, _ = _stamped([(4, 4, 3)])
    assert find_stamp_rule(pairs, [new_colour]) is None
    x, y = pairs[0]
    recoloured = y.cells.copy()
    recoloured[1, 1] = 6  # a seed itself changes: not a stamp
    assert find_stamp_rule([(x, Grid(recoloured))], []) is None
