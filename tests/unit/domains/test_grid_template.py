"""Template completion: the rest of a multicolour object painted around its colours
found alone in its arrangement."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid
from metagrow.domains.grids._template import find_template_rule


def _grid(*rows: str) -> Grid:
    return Grid(np.array([[0 if v == "." else int(v) for v in row] for row in rows], np.uint8))


# A plus of azure (8) around magenta (6): a lone magenta cell gets the azure arms, a ring
# of azure arms gets the magenta centre.
PLUS_IN = _grid(
    ".8.......",
    "868......",
    ".8.......",
    ".........",
    "......6..",
    ".........",
    "..8......",
    ".8.8.....",
    "..8......",
)
PLUS_OUT = _grid(
    ".8.......",
    "868......",
    ".8.......",
    "......8..",
    ".....868.",
    "......8..",
    "..8......",
    ".868.....",
    "..8......",
)
PLUS_IN2 = _grid(
    "........",
    "....8...",
    "...868..",
    "....8...",
    "........",
    ".6......",
    "........",
    "........",
)
PLUS_OUT2 = _grid(
    "........",
    "....8...",
    "...868..",
    "....8...",
    ".8......",
    "868.....",
    ".8......",
    "........",
)


def test_a_fixed_template_completes_lone_parts() -> None:
    test_x = _grid(".8.....", "868....", ".8.....", ".......", "....8..", "...8.8.", "....8..")
    rule = find_template_rule([(PLUS_IN, PLUS_OUT), (PLUS_IN2, PLUS_OUT2)], [test_x])
    assert rule is not None and rule.name == "complete_template"
    assert rule(test_x) == _grid(
        ".8.....", "868....", ".8.....", ".......", "....8..", "...868.", "....8.."
    )
    # without a template in the grid nothing is painted; a new grid's own template is
    # copied
    no_template = _grid("..8....", ".8.8...", "..8....", ".....6.", ".......")
    assert rule(no_template) == no_template
    arrow = _grid("8......", "68.....", "8......", ".......", "....6..", ".......")
    assert rule(arrow) == _grid("8......", "68.....", "8......", "....8..", "....68.", "....8..")


# A blue (1) cell in the corner of a red (2) L: L's turned any way get their blue corner.
L_PAIRS = [
    (
        _grid("22.......", "21.......", ".........", ".......2.", "......22.",
              ".........", "..2......", "..22.....", "........."),
        _grid("22.......", "21.......", ".........", "......12.", "......22.",
              ".........", "..21.....", "..22.....", "........."),
    ),
    (
        _grid("......22", "......21", "........", "........", ".22.....", "..2....."),
        _grid("......22", "......21", "........", "........", ".22.....", ".12....."),
    ),
]  # fmt: skip


def test_turned_templates_complete_parts_in_any_quarter_turn() -> None:
    test_x = _grid("22......", "21......", "........", "........", ".....2..", ".....22.")
    rule = find_template_rule(L_PAIRS, [test_x])
    assert rule is not None and rule.name == "complete_template_turned"
    assert rule(test_x) == _grid(
        "22......", "21......", "........", "........", ".....21.", ".....22."
    )


def test_no_rule_when_the_copy_takes_other_colours_or_a_cell_changes() -> None:
    recoloured = PLUS_OUT.cells.copy()
    recoloured[3:6, 5:8] = np.where(recoloured[3:6, 5:8] == 8, 3, recoloured[3:6, 5:8])
    assert find_template_rule([(PLUS_IN, Grid(recoloured))], []) is None
    moved = PLUS_OUT.cells.copy()
    moved[0, 1] = 0  # a template cell erased: not only background painted
    assert find_template_rule([(PLUS_IN, Grid(moved))], []) is None
    nothing_to_do = _grid("868", "...", "...")
    assert find_template_rule([(PLUS_IN, PLUS_OUT)], [nothing_to_do]) is None


def _corners(size: int, marks: list[tuple[int, int, int]]) -> Grid:
    """Red (2) and yellow (4) corner templates in a corner, and the given marks."""
    c = np.zeros((size, size), dtype=np.uint8)
    c[0, 0], c[0, 1], c[1, 0] = 2, 1, 1
    c[size - 2, size - 2], c[size - 2, size - 1], c[size - 1, size - 2] = 4, 5, 5
    for r, q, k in marks:
        c[r, q] = k
    return Grid(c)


def test_each_colour_found_alone_takes_its_own_symmetry() -> None:
    # a lone red cell gets its template's mirror image, a lone yellow one the template
    pairs = [
        (
            _corners(10, [(4, 2, 2), (4, 6, 4)]),
            _corners(10, [(4, 2, 2), (4, 1, 1), (5, 2, 1), (4, 6, 4), (4, 7, 5), (5, 6, 5)]),
        ),
        (
            _corners(9, [(5, 5, 2), (2, 2, 4)]),
            _corners(9, [(5, 5, 2), (5, 4, 1), (6, 5, 1), (2, 2, 4), (2, 3, 5), (3, 2, 5)]),
        ),
    ]
    test_x = _corners(11, [(3, 7, 2), (7, 3, 4)])
    rule = find_template_rule(pairs, [test_x])
    assert rule is not None and rule.name == "complete_template_by_colour"
    assert rule(test_x) == _corners(
        11, [(3, 7, 2), (3, 6, 1), (4, 7, 1), (7, 3, 4), (7, 4, 5), (8, 3, 5)]
    )
    # a colour found alone that the examples never showed: no answer
    assert rule(_corners(11, [(3, 7, 1), (4, 6, 1)])) is None
