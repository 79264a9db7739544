"""Symmetry completion: the picture made symmetric about the centre it shows."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid
from metagrow.domains.grids._symmetry import find_symmetry_rule


def _grid(*rows: str) -> Grid:
    return Grid(np.array([[0 if v == "." else int(v) for v in row] for row in rows], np.uint8))


def test_a_mirror_axis_off_the_grid_centre_is_found_and_completed() -> None:
    pairs = [
        (
            _grid("......", ".122..", ".1..1.", "......", "......"),
            _grid("......", ".1221.", ".1..1.", "......", "......"),
        ),
        (
            _grid(".......", ".......", "..3..3.", "..344..", "......."),
            _grid(".......", ".......", "..3..3.", "..3443.", "......."),
        ),
    ]
    test_x = _grid("......", "......", "65.6..", "6.....", "......")
    rule = find_symmetry_rule(pairs, [test_x])
    assert rule is not None and rule.name == "symmetrize_mirrorlr"
    assert rule(test_x) == _grid("......", "......", "6556..", "6..6..", "......")


def test_a_four_fold_rosette_painted_in_one_colour() -> None:
    # the missing arm of a plus around a green (3) centre is painted red (2)
    pairs = [
        (
            _grid(".......", "...1...", "...1...", ".113...", "...1...", "...1...", "......."),
            _grid(".......", "...1...", "...1...", ".11322.", "...1...", "...1...", "......."),
        ),
    ]
    test_x = _grid("........", "....1...", "....1...", "....311.", "....1...", "....1...")
    rule = find_symmetry_rule(pairs, [test_x])
    assert rule is not None and rule.name.endswith("_paint2")
    assert rule(test_x) == _grid(
        "........", "....1...", "....1...", "..22311.", "....1...", "....1..."
    )


def test_no_symmetry_when_cells_change_or_nothing_is_missing() -> None:
    x = _grid("......", ".12...", ".1....")
    recoloured = _grid("......", ".1331.", ".1..1.")  # a coloured cell changes
    assert find_symmetry_rule([(x, recoloured)], []) is None
    fits = [(x, _grid("......", ".1221.", ".1..1."))]
    already = _grid("......", ".1221.", ".1..1.")
    assert find_symmetry_rule(fits, [already]) is None
