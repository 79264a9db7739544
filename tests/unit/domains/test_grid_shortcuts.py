"""The grid core's shortcuts (issue 25) give what the plain computation gives: bounding boxes
read off lists, masked writes in place of ``np.where``, a crop that is the whole grid
returning the grid, and transforms that remember their results by argument value, which
must tell apart grids of one content in two shapes (their hashes are the bytes' alone)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.domains.test_grid_core import cells

from metagrow.domains.grids import Grid
from metagrow.domains.grids import _paint as pt
from metagrow.domains.grids import _transforms as tf
from metagrow.domains.grids._grid import Cells


def plain_box(mask: Cells) -> tuple[int, int, int, int] | None:
    rows, cols = np.nonzero(mask)
    if not rows.size:
        return None
    return int(rows.min()), int(rows.max()) + 1, int(cols.min()), int(cols.max()) + 1


@settings(max_examples=200, deadline=None)
@given(cells(max_side=9, colors=3))
def test_crop_and_bounding_box_are_the_plain_ones(c: Cells) -> None:
    bg = tf.background(c)
    box = plain_box(c != bg)
    g = Grid(c)
    if box is None:
        for fails in (lambda: tf.bounding_box(c != bg), lambda: tf.crop(Grid(c.copy()))):
            try:
                fails()
            except ValueError:
                continue
            raise AssertionError("a grid of one colour has nothing to crop to")
        return
    top, bottom, left, right = box
    assert tf.bounding_box(c != bg) == box
    cropped = tf.crop(g)
    assert cropped == Grid(c[top:bottom, left:right].copy())
    assert cropped.counts().tolist() == np.bincount(cropped.cells.ravel(), minlength=10).tolist()
    if (bottom - top, right - left) == c.shape:
        assert tf.crop.__wrapped__(g) is g  # the whole grid: itself, no copy


@settings(max_examples=200, deadline=None)
@given(cells(max_side=8), st.integers(0, 9), st.integers(0, 9))
def test_colour_changes_are_the_plain_ones(c: Cells, color: int, new: int) -> None:
    g, bg = Grid(c), tf.background(c)
    assert tf.paint_fg(g, color) == Grid(np.where(c != bg, np.uint8(color), c))
    assert tf.keep(g, color) == Grid(np.where(c == color, c, np.uint8(bg)))
    assert tf.recolor(g, color, new) == Grid(np.where(c == color, np.uint8(new), c))
    assert not g.cells.flags.writeable  # the argument's cells are not written to
    assert g == Grid(c.copy())


REMEMBERED = (
    tf.crop,
    tf.dedup,
    pt.connect,
    pt.connect_h,
    pt.connect_v,
    pt.connect_diag,
)
REMEMBERED_WITH_COLOR = (pt.surround, pt._symmetrized)


def answer(f: object, *args: object) -> object:
    """What ``f`` gives, or the error type it raises."""
    assert callable(f)
    try:
        return f(*args)
    except ValueError:
        return ValueError


@settings(max_examples=100, deadline=None)
@given(cells(max_side=6, colors=3), st.integers(0, 9))
def test_remembered_transforms_answer_equal_grids_as_a_fresh_computation(
    c: Cells, color: int
) -> None:
    """Asked again with an equal grid (another object), with the same bytes in the other
    shape, or with another colour, each gives what its function computes afresh."""
    same_bytes_other_shape = c.reshape(c.shape[::-1]).copy()
    for arg in (c, c.copy(), same_bytes_other_shape, c.copy()):
        for f in REMEMBERED:
            assert answer(f, Grid(arg.copy())) == answer(f.__wrapped__, Grid(arg.copy()))
        for f in REMEMBERED_WITH_COLOR:
            for k in (color, (color + 1) % 10, 2):
                got = answer(f, Grid(arg.copy()), k)
                assert got == answer(f.__wrapped__, Grid(arg.copy()), k)


def test_same_bytes_in_two_shapes_are_two_grids_to_a_remembered_transform() -> None:
    tall = Grid(np.array([[1, 0], [0, 0], [0, 0]], dtype=np.uint8))
    wide = Grid(np.array([[1, 0, 0], [0, 0, 0]], dtype=np.uint8))
    assert tall.key() == wide.key() and tall != wide
    assert tf.crop(tall) == tf.crop(wide) == Grid.of([[1]])
    assert pt.connect_v(tall).shape == (3, 2) and pt.connect_v(wide).shape == (2, 3)
    assert tf.paint_fg(tall, 5) == Grid.of([[5, 0], [0, 0], [0, 0]])
    assert tf.paint_fg(wide, 5) == Grid.of([[5, 0, 0], [0, 0, 0]])


@settings(max_examples=150, deadline=None)
@given(cells(max_side=8, colors=3))
def test_symmetries_and_gravity_are_the_plain_ones_with_their_counts(c: Cells) -> None:
    """Cells moved, not changed: the result shares its argument's counts once known."""
    bg = tf.background(c)
    plain = {
        tf.rot90: np.rot90(c, -1),
        tf.rot180: np.rot90(c, 2),
        tf.rot270: np.rot90(c, 1),
        tf.flip_h: c[:, ::-1],
        tf.flip_v: c[::-1],
        tf.transpose: c.T,
        tf.antitranspose: np.rot90(c, 2).T,
        tf.fall_down: np.take_along_axis(c, np.argsort(c != bg, axis=0, kind="stable"), 0),
        tf.fall_up: np.take_along_axis(c, np.argsort(c == bg, axis=0, kind="stable"), 0),
        tf.fall_left: np.take_along_axis(c, np.argsort(c == bg, axis=1, kind="stable"), 1),
        tf.fall_right: np.take_along_axis(c, np.argsort(c != bg, axis=1, kind="stable"), 1),
    }
    counted = Grid(c.copy())
    counted.counts()
    for f, want in plain.items():
        for g in (Grid(c.copy()), counted):
            got = f(g)
            assert got == Grid(np.ascontiguousarray(want)), f.__name__
            assert got.counts().tolist() == np.bincount(want.ravel(), minlength=10).tolist()


def plain_grid(cells: Cells) -> object:
    """``Grid`` of the cells, or ValueError where ``Grid`` refuses them (empty, over 30)."""
    try:
        return Grid(np.ascontiguousarray(cells))
    except ValueError:
        return ValueError


@settings(max_examples=150, deadline=None)
@given(cells(max_side=16, colors=3), cells(max_side=16, colors=3), st.integers(1, 4))
def test_sizes_are_the_plain_ones_and_fail_where_they_did(a: Cells, b: Cells, k: int) -> None:
    h, w = a.shape
    ga, gb = Grid(a), Grid(b)
    assert answer(tf.left_half, ga) == plain_grid(a[:, : w // 2])
    assert answer(tf.right_half, ga) == plain_grid(a[:, w - w // 2 :])
    assert answer(tf.top_half, ga) == plain_grid(a[: h // 2])
    assert answer(tf.bottom_half, ga) == plain_grid(a[h - h // 2 :])
    assert answer(tf.upscale, ga, k) == plain_grid(np.kron(a, np.ones((k, k), dtype=np.uint8)))
    assert answer(tf.mirror4, ga) == plain_grid(
        np.block([[a, a[:, ::-1]], [a[::-1], a[::-1, ::-1]]])
    )
    tall = np.vstack((a, b)) if a.shape[1] == b.shape[1] else None
    wide = np.hstack((a, b)) if a.shape[0] == b.shape[0] else None
    assert answer(tf.vconcat, ga, gb) == (ValueError if tall is None else plain_grid(tall))
    assert answer(tf.hconcat, ga, gb) == (ValueError if wide is None else plain_grid(wide))


SYMMETRIES = {
    tf.rot90: lambda c: np.rot90(c, -1),
    tf.rot180: lambda c: np.rot90(c, 2),
    tf.rot270: lambda c: np.rot90(c, 1),
    tf.flip_h: lambda c: c[:, ::-1],
    tf.flip_v: lambda c: c[::-1],
    tf.transpose: lambda c: c.T,
    tf.antitranspose: lambda c: np.rot90(c, 2).T,
}


@settings(max_examples=60, deadline=None)
@given(cells(max_side=5, colors=3), st.lists(st.sampled_from(list(SYMMETRIES)), max_size=4))
def test_chains_of_turns_and_mirrors_are_the_plain_ones(c: Cells, chain: list[object]) -> None:
    """Each chain gives what numpy's turns and flips give, whichever grids of the chain's
    start were made before; a chain back to the start gives the start itself."""
    start = Grid(c.copy())
    made = [f(start) for f in SYMMETRIES]  # noqa: F841 (kept alive: found again below)
    g, want, probe = start, c, np.arange(6).reshape(2, 3)  # (which move the chain makes)
    for f in chain:
        assert callable(f)
        g, want, probe = f(g), SYMMETRIES[f](want), SYMMETRIES[f](probe)
        assert g == Grid(np.ascontiguousarray(want))
        assert g.counts().tolist() == np.bincount(want.ravel(), minlength=10).tolist()
    if probe.shape == (2, 3) and (probe == np.arange(6).reshape(2, 3)).all():
        assert g is start  # every cell back in its place


def test_a_grid_made_again_by_another_chain_is_the_same_object() -> None:
    g = Grid.of([[1, 2, 3], [4, 5, 6]])
    assert tf.rot90(tf.rot270(g)) is g
    assert tf.flip_h(tf.flip_h(g)) is g
    turned = tf.rot180(g)
    assert tf.flip_h(tf.flip_v(g)) is turned
    assert tf.rot90(tf.rot90(tf.flip_h(tf.flip_h(g)))) is turned
    assert tf.transpose(tf.rot90(g)) is tf.flip_v(g)
    del turned  # held weakly: made again when asked for after it is gone
    again = tf.rot180(g)
    assert again == Grid.of([[6, 5, 4], [3, 2, 1]])


def plain_dedup(c: Cells) -> Cells:
    rows = [i for i in range(c.shape[0]) if i == 0 or (c[i] != c[i - 1]).any()]
    c = c[rows]
    cols = [j for j in range(c.shape[1]) if j == 0 or (c[:, j] != c[:, j - 1]).any()]
    return c[:, cols]


@settings(max_examples=150, deadline=None)
@given(cells(max_side=8, colors=3), cells(max_side=8, colors=2), st.integers(0, 9))
def test_unchanged_results_and_one_colour_grids_are_the_plain_ones(
    c: Cells, top: Cells, color: int
) -> None:
    """Where nothing changes the argument comes back, and a grid of one colour is the same
    object however it is made; the values are numpy's either way."""
    g = Grid(c)
    h, w = c.shape
    assert tf.dedup.__wrapped__(g) == Grid(np.ascontiguousarray(plain_dedup(c)))
    for n, m in ((1, 1), (1, 2), (2, 1)):
        assert answer(tf.tile, g, n, m) == plain_grid(np.tile(c, (n, m)))
    assert tf.upscale(g, 1) == g
    assert tf.fill(g, color) == Grid(np.full((h, w), color, dtype=np.uint8))
    assert tf.fill(g, color) is tf.canvas(h, w, color) is tf.fill(Grid(c.copy()), color)
    assert tf.fill(g, color).counts().tolist() == [h * w if k == color else 0 for k in range(10)]
    base = Grid(c.copy())
    on_top = Grid(np.resize(top, c.shape).astype(np.uint8))
    t = on_top.cells
    assert pt.overlay(base, on_top) == Grid(np.where(t != tf.background(t), t, c))


@settings(max_examples=150, deadline=None)
@given(cells(max_side=6, colors=2), cells(max_side=6, colors=2), st.integers(0, 9))
def test_cell_logic_is_the_plain_one(a: Cells, b: Cells, color: int) -> None:
    b = np.resize(b, a.shape).astype(np.uint8)
    x, y = a != 0, b != 0
    for f, want in (
        (tf.cell_and, x & y),
        (tf.cell_or, x | y),
        (tf.cell_xor, x ^ y),
        (tf.cell_nor, ~(x | y)),
    ):
        got = f(Grid(a.copy()), Grid(b.copy()), color)
        assert got == Grid(np.where(want, np.uint8(color), np.uint8(0)))
        assert got.counts().tolist() == np.bincount(got.cells.ravel(), minlength=10).tolist()
