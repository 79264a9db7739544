"""Summary rules: the input's colours listed in an order, or one colour's count drawn."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid
from metagrow.domains.grids._summary import find_summary_rule


def _grid(*rows: str) -> Grid:
    return Grid(np.array([[0 if v == "." else int(v) for v in row] for row in rows], np.uint8))


def test_a_colour_count_drawn_as_a_bar() -> None:
    pairs = [
        (_grid("3..", ".3.", "..."), _grid("33")),
        (_grid(".6.", "6.6", ".6."), _grid("6666")),
        (_grid("...", ".2.", "..."), _grid("2")),
    ]
    test_x = _grid("7.7", "7.7", "..7")
    rule = find_summary_rule(pairs, [test_x])
    assert rule is not None and rule.name == "summary_nonblack_rows_bar_cells"
    assert rule(test_x) == _grid("77777")  # black is no colour of the bar, though commonest here


def test_colours_listed_from_the_commonest_down() -> None:
    pairs = [
        (_grid("3.22", "..22", "1111", "1..."), _grid("1", "2", "3")),
        (_grid("8.44", "..44", "..4."), _grid("4", "8")),
    ]
    test_x = _grid("5...", "995.", "9995")
    rule = find_summary_rule(pairs, [test_x])
    assert rule is not None and rule.name == "summary_nonblack_most_column"
    assert rule(test_x) == _grid("9", "5")
    # two colours of as many cells: no order, no answer
    assert rule(_grid("12", "..")) is None


def test_no_summary_for_other_outputs() -> None:
    same_shape = [(_grid("12", ".."), _grid("21", ".."))]
    assert find_summary_rule(same_shape, []) is None
    unrelated = [
        (_grid("1..", ".2.", "..."), _grid("55", "55")),
        (_grid("3..", "...", "..4"), _grid("55", "55")),
    ]
    assert find_summary_rule(unrelated, []) is None
    # the bar fits the examples, but a test input of two colours has no single bar
    bars = [(_grid("3..", ".3."), _grid("33")), (_grid("6..", "6.6"), _grid("666"))]
    assert find_summary_rule(bars, [_grid("3..", ".6.")]) is None


def test_a_histogram_of_colour_counts() -> None:
    pairs = [
        (_grid("2111", "1133"), _grid("132", "13.", "1..", "1..", "1..")),
        (_grid("44", "48"), _grid("48", "4.", "4.")),
    ]
    test_x = _grid("655", "556")
    rule = find_summary_rule(pairs, [test_x])
    assert rule is not None and rule.name == "summary_nonblack_most_histogram_cells"
    assert rule(test_x) == _grid("56", "56", "5.", "5.")
