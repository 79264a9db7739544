"""The largest solid rectangle of each colour, and the two composition operations on it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from metagrow.domains.grids import Grid
from metagrow.domains.grids._compose import find_compositions
from metagrow.domains.grids._rectangles import (
    largest_clearing,
    largest_rectangle,
    largest_solid,
)


def _by_brute_force(a: np.ndarray, wanted: np.ndarray) -> int:
    """The most cells in a rectangle of one wanted colour with both sides over one."""
    h, w = a.shape
    best = 0
    for top in range(h):
        for bottom in range(top + 1, h):
            for left in range(w):
                for right in range(left + 1, w):
                    block = a[top : bottom + 1, left : right + 1]
                    if wanted[block[0, 0]] and (block == block[0, 0]).all():
                        best = max(best, block.size)
    return best


grids = st.integers(1, 3).flatmap(
    lambda colours: arrays(
        np.uint8, st.tuples(st.integers(1, 8), st.integers(1, 8)), elements=st.integers(0, colours)
    )
)
wanted_colours = arrays(np.bool_, 10)


@settings(max_examples=200, deadline=None)
@given(grids, wanted_colours)
def test_the_largest_rectangle_of_the_wanted_colours_is_found(
    a: np.ndarray, wanted: np.ndarray
) -> None:
    got = largest_rectangle(a, wanted)
    expected = _by_brute_force(a, wanted)
    if expected == 0:
        assert got is None
        return
    assert got is not None and got.cells == expected
    block = a[got.top : got.bottom + 1, got.left : got.right + 1]
    assert block.size == expected and (block == block[0, 0]).all() and wanted[block[0, 0]]


def test_a_line_is_no_rectangle() -> None:
    a = np.zeros((3, 6), dtype=np.uint8)
    a[1, :] = 4
    assert largest_rectangle(a, np.ones(10, dtype=bool)) is None
    assert largest_solid(a) is None


def _noisy(rng: np.random.Generator, block: tuple[int, int, int]) -> tuple[Grid, Grid]:
    """A grid of dense noise with one solid block, and the block alone."""
    a = np.where(rng.random((12, 12)) < 0.5, rng.integers(1, 10, size=(12, 12)), 0)
    a = a.astype(np.uint8)
    h, w, colour = block
    top, left = rng.integers(0, 12 - h), rng.integers(0, 12 - w)
    a[top : top + h, left : left + w] = colour
    out = np.zeros_like(a)
    out[top : top + h, left : left + w] = colour
    return Grid(a), Grid(out)


def test_composition_keeps_the_largest_solid_block_alone() -> None:
    rng = np.random.default_rng(5)
    examples = [_noisy(rng, block) for block in ((3, 3, 2), (2, 5, 6), (4, 2, 7), (3, 4, 1))]
    found = find_compositions(examples[:3], [examples[3][0]], 2.0)
    assert found.exact and found.exact[0].name == "compose_solidrect"
    assert found.exact[0](examples[3][0]) == examples[3][1]


def test_the_largest_clearing_is_painted() -> None:
    a = np.ones((5, 7), dtype=np.uint8)
    a[4, :] = 0  # a line of 7: no rectangle
    a[0:2, 1:4] = 0  # 2 by 3
    a[1:3, 5:7] = 0  # 2 by 2
    out = largest_clearing(6)(a)
    assert out is not None
    expected = a.copy()
    expected[0:2, 1:4] = 6
    assert np.array_equal(out, expected)
