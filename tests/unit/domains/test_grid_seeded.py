"""Lines a few cells begin: stripes repeated from seeds on the edges, lines completed by
analogy with a full one."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid
from metagrow.domains.grids._compose import find_compositions
from metagrow.domains.grids._compose_table import operations
from metagrow.domains.grids._seeded import by_analogy, seed_stripes


def _rows(*lines: str) -> np.ndarray:
    return np.array([[int(c) for c in line] for line in lines], dtype=np.uint8)


def test_seeds_on_the_top_and_bottom_edges_start_columns_repeated_at_their_spacing() -> None:
    a = np.zeros((4, 9), dtype=np.uint8)
    a[0, 2], a[3, 4] = 2, 8
    got = seed_stripes(a)
    assert got is not None
    assert got[:, 2].tolist() == [2] * 4 and got[:, 4].tolist() == [8] * 4
    assert got[:, 6].tolist() == [2] * 4 and got[:, 8].tolist() == [8] * 4
    assert not got[:, [0, 1, 3, 5, 7]].any()  # nothing before the first seed or between
    # on the left and right edges they start rows; the transposed grid gives the same
    assert np.array_equal(seed_stripes(np.ascontiguousarray(a.T)), got.T)


def test_seeds_that_are_not_stripe_starts_give_nothing() -> None:
    inside = np.zeros((5, 5), dtype=np.uint8)
    inside[2, 1], inside[2, 3] = 1, 2  # off the edges
    assert seed_stripes(inside) is None
    uneven = np.zeros((4, 9), dtype=np.uint8)
    uneven[0, 1], uneven[0, 2], uneven[3, 6] = 1, 2, 3  # spacings 1 and 4
    assert seed_stripes(uneven) is None
    mixed = np.zeros((5, 5), dtype=np.uint8)
    mixed[0, 2], mixed[2, 0] = 1, 2  # one starts a column, one a row
    assert seed_stripes(mixed) is None
    assert seed_stripes(np.zeros((3, 3), dtype=np.uint8)) is None


def test_a_begun_row_goes_on_like_the_full_row_with_its_colours_renamed() -> None:
    a = _rows("00000000", "33233233", "00000000", "88400000", "00000000", "11600000")
    got = by_analogy(True)(a)
    assert got is not None
    assert got[3].tolist() == [8, 8, 4, 8, 8, 4, 8, 8]
    assert got[5].tolist() == [1, 1, 6, 1, 1, 6, 1, 1]  # 3 -> 1, 2 -> 6
    assert np.array_equal(by_analogy(False)(np.ascontiguousarray(a.T)), got.T)


def test_no_analogy_without_a_full_line_or_with_a_start_that_renames_a_colour_twice() -> None:
    no_full = _rows("33233000", "88400000")
    assert by_analogy(True)(no_full) is None
    twice = _rows("33233233", "84000000")  # 3 -> 8 and 3 -> 4
    assert by_analogy(True)(twice) is None
    unnamed = _rows("32133213", "88000000")  # the start names 3 and 2, not 1
    assert by_analogy(True)(unnamed) is None
    nothing_begun = _rows("33233233", "00000000")
    assert by_analogy(True)(nothing_begun) is None


def test_composition_is_offered_and_finds_the_stripes_only_where_they_are_a_right_step() -> None:
    def task(cols: tuple[int, int], width: int) -> tuple[Grid, Grid]:
        a = np.zeros((5, width), dtype=np.uint8)
        a[0, cols[0]], a[4, cols[1]] = 3, 4
        got = seed_stripes(a)
        assert got is not None
        return Grid(a), Grid(got)

    pairs = [task((1, 3), 10), task((2, 5), 12)]
    test_x, test_y = task((0, 4), 13)
    names = {op.name for op in operations([x.cells for x, _ in pairs], [y.cells for _, y in pairs])}
    assert "seedstripes" in names and "analogyrows" not in names
    found = find_compositions(pairs, [test_x], 2.0)
    assert found.exact and found.exact[0].name == "compose_seedstripes"
    assert found.exact[0](test_x) == test_y
    flipped = [(Grid(np.ascontiguousarray(y.cells[:, ::-1])), y) for x, y in pairs]
    assert "seedstripes" not in {
        op.name for op in operations([x.cells for x, _ in flipped], [y.cells for _, y in flipped])
    }
