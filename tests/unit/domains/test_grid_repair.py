"""Mosaic repair read off a task's examples."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import GRID, Grid, GridsDomain
from metagrow.domains.grids._repair import fill_mirror, fill_period, find_repair
from metagrow.lang import Example, Task, arrow
from metagrow.search import BottomUpEnumerator, Budget, solve

G = Grid.of


def _mosaic(h: int, w: int, tile: list[list[int]]) -> np.ndarray:
    t = np.array(tile, dtype=np.uint8)
    return np.tile(t, (h // t.shape[0] + 1, w // t.shape[1] + 1))[:h, :w]


def _hide(cells: np.ndarray, top: int, left: int, h: int, w: int, color: int = 0) -> Grid:
    c = cells.copy()
    c[top : top + h, left : left + w] = color
    return Grid(c)


TILE = [[1, 2, 3], [2, 3, 1]]


def test_period_fill_restores_a_tiled_picture() -> None:
    full = _mosaic(8, 9, TILE)
    hidden = _hide(full, 2, 3, 3, 2)
    out = fill_period(hidden.cells, 0)
    assert out is not None and np.array_equal(out, full)
    assert fill_period(full, 0) is None  # nothing hidden


def test_period_fill_refuses_a_tile_cell_it_never_saw() -> None:
    full = _mosaic(4, 4, [[1, 2], [3, 4]])
    hidden = full.copy()
    hidden[::2, ::2] = 0  # every copy of the tile's top-left cell
    assert fill_period(hidden, 0) is None
    hidden[0, 0] = 1
    out = fill_period(hidden, 0)
    assert out is not None and np.array_equal(out, full)


def test_period_fill_restores_diagonal_stripes_from_a_few_cells() -> None:
    r, c = np.indices((7, 7))
    stripes = np.array([2, 8, 3], dtype=np.uint8)[(r + c) % 3]
    corner = np.where(r + c < 3, stripes, 0).astype(np.uint8)  # six cells, three colours
    out = fill_period(corner, 0)
    assert out is not None and np.array_equal(out, stripes)
    other = np.array([4, 1, 6, 5], dtype=np.uint8)[(r - c) % 4]
    band = np.where(abs(r + c - 6) <= 1, other, 0).astype(np.uint8)
    out = fill_period(band, 0)
    assert out is not None and np.array_equal(out, other)


def test_mirror_fill_restores_a_symmetric_picture() -> None:
    half = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=np.uint8)
    full = np.hstack([half, half[:, ::-1]])
    out = fill_mirror(_hide(full, 0, 4, 2, 2).cells, 0)
    assert out is not None and np.array_equal(out, full)


def test_repair_is_read_off_the_examples_and_solves_the_test() -> None:
    tile = [[4, 5], [6, 4]]
    fulls = [_mosaic(6, 6, tile), _mosaic(7, 5, [[1, 2, 2], [3, 1, 2]]), _mosaic(8, 8, tile)]
    boxes = [(1, 1, 2, 3), (3, 0, 3, 2), (2, 4, 3, 3)]
    inputs = [_hide(f, *b) for f, b in zip(fulls, boxes, strict=True)]
    train = tuple(Example((x,), Grid(f)) for x, f in zip(inputs[:2], fulls[:2], strict=True))
    test = (Example((inputs[2],), Grid(fulls[2])),)
    repair = find_repair([(ex.inputs[0], ex.output) for ex in train], [inputs[2]])
    assert repair is not None and repair.name == "repair_period" and repair.hidden == 0
    # The patch alone, when the outputs are what the patch covered.
    patches = [(x, Grid(f[t : t + h, lf : lf + w])) for x, f, (t, lf, h, w)
               in zip(inputs, fulls, boxes, strict=True)]  # fmt: skip
    patch = find_repair(patches[:2], [inputs[2]])
    assert patch is not None and patch.patch and patch(inputs[2]) == patches[2][1]
    task = Task("mosaic", arrow(GRID, GRID), train, test)
    grids = GridsDomain()
    grammar = grids.task_grammar(task, grids.grammar())
    result = solve(task, grammar, BottomUpEnumerator(), Budget(5.0), attempts=1)
    assert str(result.program) == "(lam (repair_period $0))"
    assert result.predictions[0][0] == Grid(fulls[2])


def test_no_repair_when_the_changed_cells_are_not_one_hidden_colour() -> None:
    x = G([[1, 0], [0, 1]])
    assert find_repair([(x, G([[2, 0], [0, 1]]))], []) is None
    assert find_repair([(x, x)], []) is None


def _shape_under_patch(shape: int, patch: int, at: tuple[int, int], left: int) -> tuple[Grid, Grid]:
    """A mirror-symmetric shape of colour ``shape`` on black with its top left at ``at``,
    a 3x2 patch of colour ``patch`` over part of it ``left`` columns in; the output is
    the shape whole."""
    half = np.array([[1, 0, 1], [1, 1, 1], [0, 1, 0], [1, 1, 0]], dtype=np.uint8) * shape
    full = np.zeros((8, 10), dtype=np.uint8)
    r, k = at
    full[r : r + 4, k : k + 6] = np.hstack([half, half[:, ::-1]])
    return _hide(full, r, k + left, 3, 2, patch), Grid(full)


def test_a_repair_is_read_off_colours_renamed_by_role() -> None:
    """The patch and the shape take other colours in every example: no one colour is
    hidden, but by role (the rarer colour over the commoner) one is."""
    pairs = [_shape_under_patch(2, 3, (1, 1), 0), _shape_under_patch(6, 1, (3, 2), 4)]
    test_x, test_y = _shape_under_patch(4, 7, (2, 3), 1)
    assert find_repair(pairs, [test_x]) is None
    task = Task(
        "patched",
        arrow(GRID, GRID),
        tuple(Example((x,), y) for x, y in pairs),
        (Example((test_x,), test_y),),
    )
    grids = GridsDomain()
    grammar = grids.task_grammar(task, grids.grammar(), seconds=1.0)
    found = [p for n, p in grammar.primitives.items() if n.endswith("_renamed")]
    assert [p.name for p in found] == ["repair_mirror_renamed"]
    result = solve(task, grammar, BottomUpEnumerator(), Budget(3.0), attempts=1)
    assert result.predictions[0][0] == test_y
