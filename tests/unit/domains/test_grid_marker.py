"""Marker recolouring: placeholder cells take the colour seen from them."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid
from metagrow.domains.grids._marker import find_marker_rule


def _grid(*rows: str) -> Grid:
    return Grid(np.array([[0 if v == "." else int(v) for v in row] for row in rows], np.uint8))


def test_grey_cells_take_their_rows_mark() -> None:
    pairs = [
        (_grid("1.55.", "2..55", "3...."), _grid("1.11.", "2..22", "3....")),
        (_grid("4.5.5", "6.55."), _grid("4.4.4", "6.66.")),
    ]
    test_x = _grid("7..5", "8.55", "9555")
    rule = find_marker_rule(pairs, [test_x])
    assert rule is not None and rule.name == "marker_left"
    assert rule(test_x) == _grid("7..7", "8.88", "9999")


def test_grey_shapes_take_the_mark_above_them_whole() -> None:
    # the shape under 2 spans a column with no mark above: it still takes 2 whole
    pairs = [
        (
            _grid("2...3", ".....", "555..", ".5..5", "....5"),
            _grid("2...3", ".....", "222..", ".2..3", "....3"),
        ),
        (_grid(".4.6.", ".....", "55.5.", ".5.55"), _grid(".4.6.", ".....", "44.6.", ".4.66")),
    ]
    test_x = _grid("1..8.", ".....", "555..", "...55")
    rule = find_marker_rule(pairs, [test_x])
    assert rule is not None and rule.name == "marker_up_objects"
    assert rule(test_x) == _grid("1..8.", ".....", "111..", "...88")


def test_the_nearest_mark_and_a_tie_between_two() -> None:
    pairs = [
        (_grid("1....", ".....", "..5..", "....."), _grid("1....", ".....", "..1..", ".....")),
        (_grid(".....", ".5...", ".....", "....3"), _grid(".....", ".3...", ".....", "....3")),
    ]
    test_x = _grid("4....", ".....", "...5.", ".....")
    rule = find_marker_rule(pairs, [test_x])
    assert rule is not None and rule.name == "marker_nearest"
    assert rule(test_x) == _grid("4....", ".....", "...4.", ".....")
    assert rule(_grid("1.5.2")) is None  # as near to blue as to red


def test_no_rule_when_changed_cells_had_two_colours() -> None:
    two = [(_grid("1.5", "2.6"), _grid("1.1", "2.2"))]
    assert find_marker_rule(two, []) is None
