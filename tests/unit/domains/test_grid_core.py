"""The fast grid core (issue 25): a grid's key, hash and colour counts are computed on first
use and agree with the content however the grid was made; the vectorised primitives give
what a plain cell-by-cell scan gives."""

from __future__ import annotations

import pickle

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from metagrow.domains.grids import Grid
from metagrow.domains.grids import _objects as ob
from metagrow.domains.grids import _paint as pt
from metagrow.domains.grids import _transforms as tf
from metagrow.domains.grids._grid import Cells


@st.composite
def cells(draw: st.DrawFn, max_side: int = 8, colors: int = 4) -> Cells:
    h = draw(st.integers(1, max_side))
    w = draw(st.integers(1, max_side))
    palette = draw(st.lists(st.integers(0, 9), min_size=1, max_size=colors, unique=True))
    flat = draw(st.lists(st.sampled_from(palette), min_size=h * w, max_size=h * w))
    return np.array(flat, dtype=np.uint8).reshape(h, w)


def made_every_way(c: Cells) -> list[Grid]:
    """The same content through every constructor, contiguous or not, hashed first or not."""
    hashed_first = Grid(c.copy())
    hash(hashed_first)
    return [
        Grid(c.copy()),
        Grid(c.astype(np.int64)),
        Grid.of(c.tolist()),
        Grid.made(c.copy()),
        Grid.made(np.ascontiguousarray(c.T).T),  # a view with other strides
        Grid.made(c[::-1].copy()[::-1]),
        pickle.loads(pickle.dumps(Grid(c.copy()))),
        hashed_first,
    ]


@settings(max_examples=150, deadline=None)
@given(cells(max_side=3, colors=2), cells(max_side=3, colors=2))
def test_grids_are_equal_and_hash_alike_exactly_when_their_cells_are(a: Cells, b: Cells) -> None:
    same = a.shape == b.shape and bool((a == b).all())
    for x in made_every_way(a):
        for y in made_every_way(b):
            assert (x == y) is same
            assert (x != y) is not same
            if same:
                assert hash(x) == hash(y)
    assert len({*made_every_way(a), *made_every_way(b)}) == (1 if same else 2)


@settings(max_examples=150, deadline=None)
@given(cells())
def test_cached_counts_and_background_are_the_cells(c: Cells) -> None:
    want = np.bincount(c.ravel(), minlength=10)
    for g in made_every_way(c):
        assert g.background() == int(want.argmax()) == g.background()  # computed, then kept
        assert g.counts().tolist() == want.tolist()
        assert not g.counts().flags.writeable and not g.cells.flags.writeable
        assert g.key() == c.tobytes()


@settings(max_examples=100, deadline=None)
@given(cells(max_side=10, colors=4))
def test_objects_counts_are_their_cells(c: Cells) -> None:
    g = Grid(c)
    for found in (ob.objects(g), ob.objects8(g), ob.blobs(g)):
        for o in found:
            assert o.counts().tolist() == np.bincount(o.cells.ravel(), minlength=10).tolist()
            assert o == Grid(o.cells.copy())


@settings(max_examples=100, deadline=None)
@given(cells(max_side=6), st.integers(0, 9), st.integers(0, 9))
def test_shortcuts_give_the_grid_a_full_computation_gives(c: Cells, old: int, new: int) -> None:
    """recolor, fill_holes and symmetrize return their argument when nothing changes."""
    g = Grid(c)
    assert tf.recolor(g, old, new) == Grid(np.where(c == old, np.uint8(new), c))
    assert pt.fill_holes(g, new) == Grid(
        np.where(pt.holes(c != tf.background(c)), np.uint8(new), c)
    )
    if not (c == old).any():
        assert pt.symmetrize(g, old) is g


# -- lines, drawn cell by cell ------------------------------------------------------------


def scan_rows(c: Cells, bg: int, out: Cells) -> None:
    """Between two cells of one colour with only background between them in a row, that
    colour."""
    for i, row in enumerate(c.tolist()):
        last = -1
        for j, v in enumerate(row):
            if v == bg:
                continue
            if last >= 0 and row[last] == v and j - last > 1:
                out[i, last + 1 : j] = v
            last = j


def connected_by_scan(c: Cells, rows: bool, cols: bool) -> Cells:
    bg = tf.background(c)
    out = c.copy()
    if rows:
        scan_rows(c, bg, out)
    if cols:
        turned = out.T.copy()
        scan_rows(c.T, bg, turned)
        out = turned.T
    return out


def diagonals_by_scan(c: Cells) -> Cells:
    bg = tf.background(c)
    out = c.copy()
    h, w = c.shape
    for flipped in (False, True):
        src = c[:, ::-1] if flipped else c
        dst = out[:, ::-1] if flipped else out
        for k in range(-h + 1, w):
            line = np.diagonal(src, k)
            drawn = line[None, :].copy()
            scan_rows(line[None, :], bg, drawn)
            at = np.arange(len(line))
            rows, cols = at + max(-k, 0), at + max(k, 0)
            dst[rows, cols] = np.where(drawn[0] != bg, drawn[0], dst[rows, cols])
    return out


@settings(max_examples=200, deadline=None)
@given(cells(max_side=9, colors=3))
def test_lines_are_drawn_as_a_scan_draws_them(c: Cells) -> None:
    g = Grid(c)
    assert pt.connect(g) == Grid(connected_by_scan(c, True, True))
    assert pt.connect_h(g) == Grid(connected_by_scan(c, True, False))
    assert pt.connect_v(g) == Grid(connected_by_scan(c, False, True))
    assert pt.connect_diag(g) == Grid(diagonals_by_scan(c))


def mirror_axis_by_scan(known: npt.NDArray[np.bool_], c: Cells) -> int | None:
    w = c.shape[1]
    best, best_pairs = None, 0
    for s in range(w // 2, 2 * w - 2 - w // 2 + 1):
        lo, hi = max(0, s - (w - 1)), min(w - 1, s)
        if hi <= lo:
            continue
        js = np.arange(lo, hi + 1)
        both = known[:, js] & known[:, s - js]
        if (c[:, js][both] != c[:, s - js][both]).any():
            continue
        if int(both.sum()) > best_pairs:
            best, best_pairs = s, int(both.sum())
    return best


@settings(max_examples=300, deadline=None)
@given(cells(max_side=9, colors=3), st.data())
def test_mirror_axes_are_found_as_a_scan_finds_them(c: Cells, data: st.DataObject) -> None:
    mirrored = np.hstack((c, c[:, ::-1]))[:, : data.draw(st.integers(1, 2 * c.shape[1]))]
    for grid in (c, mirrored):
        known = grid != data.draw(st.integers(0, 9))
        assert pt._mirror_axis(known, grid) == mirror_axis_by_scan(known, grid)
