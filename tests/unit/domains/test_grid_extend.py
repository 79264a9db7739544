"""Pattern extension: the input's repeating pattern continued over a bigger canvas."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid
from metagrow.domains.grids._extend import canvas_shape, find_extension


def _stripes(h: int, w: int, colors: tuple[int, ...], shift: int = 0) -> np.ndarray:
    r, c = np.indices((h, w))
    return np.array(colors, dtype=np.uint8)[(r + c + shift) % len(colors)]


def test_diagonal_stripes_go_on_over_twice_the_width_with_colours_mapped() -> None:
    def pair(h: int, colors: tuple[int, ...]) -> tuple[Grid, Grid]:
        x = _stripes(h, 4, colors)
        y = np.where(_stripes(h, 8, colors) == colors[0], 5, _stripes(h, 8, colors))
        return Grid(x), Grid(y.astype(np.uint8))

    pairs = [pair(3, (1, 2, 3)), pair(4, (1, 3, 2))]
    test_x, test_y = pair(5, (1, 2, 3))
    rule = find_extension(pairs, [test_x])
    assert rule is not None and rule.shape.kind == "times"
    assert rule(test_x) == test_y
    assert find_extension(pairs, [Grid(_stripes(3, 4, (7, 8)))]) is None  # unseen colours


def test_the_canvas_shape_is_a_multiple_an_addition_or_fixed() -> None:
    g = Grid.of
    assert canvas_shape([(g([[1, 2]]), g([[1, 2, 1, 2]]))]) is not None
    plus = canvas_shape([(g([[1], [2]]), g([[1], [2], [1]])), (g([[1]]), g([[1], [1]]))])
    assert plus is not None and plus.kind == "plus" and plus((4, 2)) == (5, 2)
    fixed = canvas_shape([(g([[1]]), g([[1, 1], [1, 1]])), (g([[1, 2]]), g([[1, 2], [1, 2]]))])
    assert fixed is not None and fixed.kind == "fixed"
    assert canvas_shape([(g([[1]]), g([[1, 1]])), (g([[1, 2]]), g([[1], [2]]))]) is None
