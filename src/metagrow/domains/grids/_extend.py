"""Pattern extension read off a task's examples: the output is a bigger canvas over which
the input's repeating pattern goes on ("continue the stripes to fill 10 by 10"), with
its colours possibly mapped to others.

The pattern is the input's smallest proper period (a tile or diagonal stripes, as for
the mosaic repair); the canvas' shape follows the examples (a fixed multiple of the
input's, a fixed number of rows and columns more, or one fixed shape), and the colour
map is read off them. A rule is kept when it reproduces every train output and knows
every colour of the test inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import final

import numpy as np

from metagrow.domains.grids._grid import MAX_SIDE, Grid
from metagrow.domains.grids._repair import extend_period

Shape = tuple[int, int]


@final
@dataclass(frozen=True, slots=True)
class CanvasShape:
    """The output's shape from the input's: ``times`` it, ``plus`` it, or ``fixed``."""

    kind: str
    rows: int
    cols: int

    def __call__(self, shape: Shape) -> Shape:
        h, w = shape
        if self.kind == "times":
            return h * self.rows, w * self.cols
        if self.kind == "plus":
            return h + self.rows, w + self.cols
        return self.rows, self.cols


def canvas_shape(pairs: Sequence[tuple[Grid, Grid]]) -> CanvasShape | None:
    """The first of (a fixed multiple, a fixed addition, a fixed shape) that gives every
    train output's shape from its input's."""
    (h, w), (oh, ow) = pairs[0][0].shape, pairs[0][1].shape
    options = [CanvasShape("plus", oh - h, ow - w), CanvasShape("fixed", oh, ow)]
    if oh % h == 0 and ow % w == 0:
        options.insert(0, CanvasShape("times", oh // h, ow // w))
    for option in options:
        if all(option(x.shape) == y.shape for x, y in pairs):
            return option
    return None


@final
@dataclass(frozen=True, slots=True)
class Extension:
    """The input's pattern over a canvas of ``shape``, colours mapped by ``colors``."""

    shape: CanvasShape
    colors: tuple[int, ...]

    @property
    def name(self) -> str:
        return "extend_period"

    def __call__(self, g: Grid) -> Grid | None:
        h, w = self.shape(g.shape)
        if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
            return None
        out = extend_period(g.cells, (h, w))
        if out is None:
            return None
        mapped = np.array(self.colors)[out]
        if (mapped < 0).any():
            return None
        return Grid(mapped.astype(np.uint8))


def find_extension(pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]) -> Extension | None:
    """The extension that reproduces every train output (some bigger than their inputs)
    and extends every test input with colours it knows, if there is one."""
    if not pairs or not any(y.shape[0] * y.shape[1] > x.shape[0] * x.shape[1] for x, y in pairs):
        return None
    shape = canvas_shape(pairs)
    if shape is None:
        return None
    colors = [-1] * 10
    for x, y in pairs:
        out = extend_period(x.cells, y.shape)
        if out is None:
            return None
        for a, b in set(zip(out.ravel().tolist(), y.cells.ravel().tolist(), strict=True)):
            if colors[a] not in (-1, b):
                return None
            colors[a] = b
    rule = Extension(shape, tuple(colors))
    if all(rule(g) is not None for g in unseen):
        return rule
    return None
