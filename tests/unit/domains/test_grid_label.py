"""Connected components in numpy alone give what scipy.ndimage gives, numbering included."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import ndimage

from metagrow.domains.grids._label import label_components, with_holes_filled

_CROSS = ndimage.generate_binary_structure(2, 1)
_SQUARE = ndimage.generate_binary_structure(2, 2)


@pytest.mark.parametrize("seed", range(4))
def test_components_and_holes_match_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(150):
        h, w = rng.integers(1, 31, 2)
        mask = rng.random((h, w)) < rng.random()
        for diagonal in (False, True):
            want, n = ndimage.label(mask, _SQUARE if diagonal else _CROSS)
            got, k = label_components(mask, diagonal)
            assert k == n and np.array_equal(got, want)
        assert np.array_equal(with_holes_filled(mask), ndimage.binary_fill_holes(mask))


def test_components_of_one_colour_are_numbered_by_their_first_cell() -> None:
    colors = np.array([[1, 1, 2], [2, 1, 2], [2, 2, 1]], dtype=np.uint8)
    mask = np.ones(colors.shape, dtype=np.bool_)
    by_sides, n = label_components(mask, False, colors)
    assert n == 4 and by_sides.tolist() == [[1, 1, 2], [3, 1, 2], [3, 3, 4]]
    by_corners, n = label_components(mask, True, colors)
    assert n == 2 and by_corners.tolist() == [[1, 1, 2], [2, 1, 2], [2, 2, 1]]


@pytest.mark.parametrize("seed", range(3))
def test_the_interpreter_and_an_export_label_objects_alike(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """component_labels with scipy (the interpreter) and without (an exported module)."""
    from metagrow.domains.grids import _objects

    rng = np.random.default_rng(seed)
    grids = [
        rng.choice(rng.integers(1, 10, 4).astype(np.uint8), size=tuple(rng.integers(1, 16, 2)))
        for _ in range(120)
    ]
    cases = [(g, d, b) for g in grids for d in (False, True) for b in (False, True)]
    with_scipy = [_objects.component_labels(g, d, b) for g, d, b in cases]
    monkeypatch.setattr(_objects, "ndimage", None)
    for (g, d, b), want in zip(cases, with_scipy, strict=True):
        assert np.array_equal(_objects.component_labels(g, d, b), want), (g, d, b)


@pytest.mark.parametrize("seed", range(2))
def test_the_compiled_labelling_is_scipys(seed: int) -> None:
    """The interpreter's labelling (scipy's compiled module loaded alone) numbers
    components as ``ndimage.label`` does, on strided masks and stacks of planes too."""
    from metagrow.domains.grids._label import CompiledLabel
    from metagrow.domains.grids._label import ndimage as fast

    assert isinstance(fast, CompiledLabel)
    planar = np.stack([np.zeros_like(_SQUARE), _SQUARE, np.zeros_like(_SQUARE)])
    rng = np.random.default_rng(seed)
    for _ in range(100):
        mask = rng.random(tuple(rng.integers(1, 31, 2))) < rng.random()
        for m, structure in ((mask, _CROSS), (mask[:, ::2], _SQUARE), (mask.T, _CROSS)):
            want, n = ndimage.label(m, structure)
            got, k = fast.label(m, structure)
            assert k == n and np.array_equal(got, want)
        planes = rng.random((3, *mask.shape)) < 0.4
        want, n = ndimage.label(planes, planar)
        got, k = fast.label(planes, planar)
        assert k == n and np.array_equal(got, want)
    empty = np.zeros((0, 3), dtype=np.bool_)
    assert fast.label(empty, _CROSS)[1] == 0


def test_the_grids_domain_starts_without_scipy_ndimage() -> None:
    """Importing scipy.ndimage takes 0.2-0.3 s, a fifth of ``metagrow solve``'s start-up
    on an ARC file: the grids domain labels without it."""
    code = (
        "import sys, metagrow.domains.grids._objects as o; "
        "o.component_labels(__import__('numpy').eye(3, dtype='uint8'), False, True); "
        "print('scipy.ndimage' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"
