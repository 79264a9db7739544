"""Colours renamed by their role (``_palette``): a task whose examples use other colours
for the same parts reads as one task to composition search."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from metagrow.domains.grids import Grid
from metagrow.domains.grids._compose import find_compositions
from metagrow.domains.grids._fitted import find_rule
from metagrow.domains.grids._palette import Palette, inverse, renamed


def _two_colours(seed: int, many: int, few: int) -> tuple[Grid, Grid]:
    """Black with many cells of one colour and few of another; the output swaps the two."""
    rng = np.random.default_rng(seed)
    x = np.zeros((6, 7), dtype=np.uint8)
    cells = rng.permutation(42)
    x.flat[cells[:14]] = many
    x.flat[cells[14:18]] = few
    y = np.where(x == many, few, np.where(x == few, many, 0)).astype(np.uint8)
    return Grid(x), Grid(y)


def test_a_swap_of_colours_that_change_between_examples_is_found_renamed() -> None:
    pairs = [_two_colours(0, 3, 4), _two_colours(1, 6, 2), _two_colours(2, 1, 8)]
    test, answer = _two_colours(3, 5, 7)
    found = find_compositions(pairs, [test], 1.0)
    assert found.exact, "no chain fits the renamed grids"
    rule = found.exact[0]
    assert rule.name.startswith("compose_") and rule.name.endswith("_renamed")
    assert rule(test) == answer
    for x, y in pairs:
        assert rule(x) == y


def test_a_cell_table_read_off_renamed_grids_answers_in_the_tests_colours() -> None:
    pairs = [_two_colours(0, 3, 4), _two_colours(1, 6, 2), _two_colours(2, 1, 8)]
    test, answer = _two_colours(3, 5, 7)
    assert find_rule(pairs, [test]) is None, "no one table of colours fits them as they are"
    rule = renamed(find_rule, pairs, [test])
    assert rule is not None and rule.name == "rule_cell_renamed"
    assert rule(test) == answer
    same = [_two_colours(0, 3, 4), _two_colours(1, 3, 4)]
    assert renamed(find_rule, same, [_two_colours(2, 3, 4)[0]]) is None


def test_the_same_task_in_the_same_colours_needs_no_renaming() -> None:
    pairs = [_two_colours(0, 3, 4), _two_colours(1, 3, 4)]
    grids = [(x.cells, y.cells) for x, y in pairs]
    assert Palette.read(grids, [_two_colours(2, 3, 4)[0].cells]) is None
    assert Palette.read(grids, [_two_colours(2, 6, 4)[0].cells]) is not None


def test_roles_the_examples_agree_on_keep_their_colour() -> None:
    """Black is in every grid, grey (5) is drawn by every output and in no input."""
    x1 = np.array([[0, 3, 3], [0, 0, 1]], dtype=np.uint8)
    x2 = np.array([[0, 2, 2], [0, 0, 7]], dtype=np.uint8)
    y1, y2 = np.where(x1 == 0, 5, x1), np.where(x2 == 0, 5, x2)
    y1[0, 0] = y2[0, 0] = 0
    palette = Palette.read([(x1, y1), (x2, y2)], [])
    assert palette is not None
    assert palette.fixed == frozenset({0, 5})
    t1, t2 = palette.table(x1), palette.table(x2)
    assert (t1[0], t1[5]) == (0, 5)
    assert t1[3] == t2[2] == 1, "the commoner colour of each input takes the first free name"
    assert t1[1] == t2[7] == 2


@given(
    arrays(np.uint8, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.integers(0, 9)),
    st.frozensets(st.integers(0, 9)),
)
def test_a_table_renames_every_colour_once_and_names_back(
    a: np.ndarray, fixed: frozenset[int]
) -> None:
    table = Palette(fixed).table(a)
    assert sorted(table.tolist()) == list(range(10))
    assert all(table[c] == c for c in fixed)
    assert np.array_equal(inverse(table)[table[a]], a)
