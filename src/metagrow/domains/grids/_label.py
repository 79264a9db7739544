"""Connected components with numpy alone: what ``scipy.ndimage.label`` computes for the
2D masks of ARC grids, for programs exported to run without scipy.

The interpreter labels with scipy, 3-6x faster (``ndimage`` below, set when scipy
imports); an exported module copies these functions and ``ndimage = None`` but not the
import, so it takes the numpy path. tests/unit/domains/test_grid_label.py checks that
both paths give the same labels.

The interpreter loads the one compiled module of scipy's that labels (what
``scipy.ndimage.label`` calls) and not ``scipy.ndimage`` itself: importing that package
takes 0.2-0.3 s (its array-API layer brings numpy.f2py and scipy.special along), a
fifth of a whole ``metagrow solve`` on an ARC file, which labels nothing else.

Each cell starts labelled with its own reading-order index; every round takes the
smallest label among a cell's neighbours and then the label of that label (pointer
jumping), until nothing changes. A component ends labelled with the index of its first
cell in reading order, so numbering the distinct labels in order numbers components in
the order a raster scan first meets them, as ``ndimage.label`` does.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any, final

import numpy as np
import numpy.typing as npt

CellMask = npt.NDArray[np.bool_]
Labels = npt.NDArray[np.int32]


@final
class CompiledLabel:
    """``scipy.ndimage.label`` for a boolean mask, by the compiled function it calls."""

    def __init__(self, module: ModuleType) -> None:
        self._label = module._label

    def label(self, mask: npt.NDArray[np.bool_], structure: CellMask) -> tuple[Labels, int]:
        """Components of ``mask`` joined as ``structure`` (3 wide on every axis) says,
        numbered 1, 2, ... in reading order of their first cell; and their count."""
        out = np.zeros(mask.shape, dtype=np.int32)
        if not mask.size:
            return out, 0
        return out, int(self._label(mask, structure, out))


def _scipy_label() -> Any:
    """scipy's labelling loaded from its compiled module alone, checked on one mask;
    ``scipy.ndimage`` itself where that module cannot be found or does not label as
    expected (another scipy); ImportError without scipy."""
    package = importlib.util.find_spec("scipy")
    if package is None or package.origin is None:
        raise ImportError("scipy is not installed")
    with contextlib.suppress(ImportError, OSError, AttributeError, TypeError, ValueError):
        folder = Path(package.origin).parent / "ndimage"
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = folder / f"_ni_label{suffix}"
            if not path.exists():
                continue
            spec = importlib.util.spec_from_file_location("scipy.ndimage._ni_label", path)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            compiled = CompiledLabel(module)
            mask = np.array([[1, 0, 1], [1, 0, 0], [0, 1, 1]], dtype=np.bool_)
            labels, n = compiled.label(mask, CROSS)
            if n == 3 and labels.tolist() == [[1, 0, 2], [1, 0, 0], [0, 3, 3]]:
                return compiled
    import scipy.ndimage

    return scipy.ndimage


SIDES = ((-1, 0), (1, 0), (0, -1), (0, 1))
CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=np.bool_)
"""Neighbours by sides, as ``ndimage.label`` takes them."""
CORNERS = ((-1, -1), (-1, 1), (1, -1), (1, 1))

ndimage: Any = None
"""What labels like ``scipy.ndimage.label`` where scipy is installed (the interpreter's
fast path), else None."""
with contextlib.suppress(ImportError):  # scipy comes with metagrow; an export has none
    ndimage = _scipy_label()


def label_components(
    mask: CellMask, diagonal: bool = False, colors: npt.NDArray[np.uint8] | None = None
) -> tuple[Labels, int]:
    """Components of ``mask`` (cells joined by sides, or also corners when ``diagonal``;
    only cells of one colour when ``colors`` are given) numbered 1, 2, ... in reading
    order of their first cell, 0 off the mask; and their count."""
    h, w = mask.shape
    big = h * w
    offsets = (*SIDES, *CORNERS) if diagonal else SIDES
    index = np.arange(big, dtype=np.int64).reshape(h, w)
    joined: list[npt.NDArray[np.bool_]] | None = None
    if colors is not None:
        padded_colors = np.pad(colors.astype(np.int16), 1, constant_values=-1)
        joined = [
            padded_colors[1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w] == colors for dr, dc in offsets
        ]
    # Start each cell at the first cell of its run along the row: one round fewer per cell.
    starts = mask.copy()
    starts[:, 1:] &= ~(mask[:, :-1] if joined is None else mask[:, :-1] & joined[2][:, 1:])
    current = np.maximum.accumulate(np.where(starts, index, 0), axis=1)
    current[~mask] = big
    padded = np.full((h + 2, w + 2), big, dtype=np.int64)
    while True:
        padded[1:-1, 1:-1] = current
        low = current.copy()
        for i, (dr, dc) in enumerate(offsets):
            near = padded[1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w]
            np.minimum(low, near if joined is None else np.where(joined[i], near, big), out=low)
        low[~mask] = big
        low = np.minimum(low, np.append(low.ravel(), big)[low])
        if np.array_equal(low, current):
            break
        current = low
    roots = np.flatnonzero(current.ravel() == index.ravel())
    number = np.zeros(big + 1, dtype=np.int32)
    number[roots] = np.arange(1, len(roots) + 1, dtype=np.int32)
    labels: Labels = number[current]
    return labels, len(roots)


def with_holes_filled(mask: CellMask) -> CellMask:
    """``mask`` with the cells outside it that cannot reach the edge through cells
    outside it (by sides) added, as ``ndimage.binary_fill_holes`` does."""
    outside, _ = label_components(~mask)
    edge = np.concatenate([outside[0], outside[-1], outside[:, 0], outside[:, -1]])
    reaches = np.isin(outside, edge[edge > 0])
    filled: CellMask = mask | ~reaches
    return filled
