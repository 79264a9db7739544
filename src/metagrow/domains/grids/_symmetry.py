"""Symmetry completion read off a task's examples: the input's picture is made symmetric
about an axis or a centre that the picture itself shows ("complete the pattern to its
mirror image", "turn it into a four-fold rosette").

For a group of symmetries (a mirror left-right or up-down, both, a half turn, quarter
turns, all eight symmetries of the square), the centre is where the input's colours agree
with their images best: for a group with the half turn, the centre of the half turn that
pairs the most cells of one colour (other than a cell with itself) and no cells of two
colours, and for one mirror the axis that does so (on a tie, the one nearest the middle
of the picture's box; still tied, no answer); failing that, the centre of the box of one
colour's cells, a colour every train input shows. Every background cell that an image of
a coloured cell lands on takes that cell's colour, or one colour the examples paint
with. The first group (largest first), centre and paint that reproduce every train output
and change every test input are kept.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._transforms import background
from metagrow.domains.grids._trial import first_fitting

Ints = npt.NDArray[np.int64]
_SAME: Final = -1
"""Paint each image with its source cell's colour."""
_AGREE: Final = -1
"""Centre the symmetry where the picture agrees with its image best."""
_GROUPS: Final = ("square", "turns", "mirror2", "halfturn", "mirrorlr", "mirrorud")
"""Largest first: a larger group that reproduces every output is the stronger evidence."""
_NEEDS: Final = {
    "mirrorlr": ("lr",),
    "mirrorud": ("ud",),
    "mirror2": ("lr", "ud", "half"),
    "halfturn": ("half",),
    "turns": ("quarter", "half", "threequarter"),
    "square": ("lr", "ud", "half", "quarter", "threequarter", "diagonal", "antidiagonal"),
}
"""Each group's symmetries other than the identity."""


def _pair_counts(c: Cells, bg: int, axis: int) -> tuple[Ints, Ints]:
    """For each doubled axis position across ``axis`` (columns for 1), how many pairs of
    mirrored coloured cells agree in colour and how many disagree."""
    lines = c if axis == 1 else c.T
    size = lines.shape[1]
    agree = np.zeros(2 * size - 1, dtype=np.int64)
    clash = np.zeros(2 * size - 1, dtype=np.int64)
    for line in lines:
        at = np.flatnonzero(line != bg)
        if not len(at):
            continue
        colours = line[at]
        other = ~np.eye(len(at), dtype=bool).ravel()  # a cell on the axis shows nothing
        same = (colours[:, None] == colours[None, :]).ravel()
        where = (at[:, None] + at[None, :]).ravel()
        agree += np.bincount(where[same & other], minlength=2 * size - 1)
        clash += np.bincount(where[~same & other], minlength=2 * size - 1)
    return agree, clash


def _unique_best(score: Ints | npt.NDArray[np.float64], distance: Ints) -> int | None:
    """Where ``score`` peaks above zero, the nearest to the picture's centre (smallest
    ``distance``) on a tie; ``None`` if no peak or still tied."""
    top = score.max()
    if top <= 0:
        return None
    peaks = np.flatnonzero(score == top)
    near = distance[peaks]
    if int((near == near.min()).sum()) > 1:
        return None
    return int(peaks[near.argmin()])


def _best_axis(c: Cells, bg: int, axis: int) -> int | None:
    agree, clash = _pair_counts(c, bg, axis)
    at = np.flatnonzero((c != bg).any(axis=1 - axis))
    if not len(at):
        return None
    middle = int(at.min() + at.max())
    return _unique_best(np.where(clash == 0, agree, -1), np.abs(np.arange(len(agree)) - middle))


def _best_centre(c: Cells, bg: int) -> tuple[int, int] | None:
    """The doubled centre of the half turn that pairs the most coloured cells of one
    colour and none of two."""
    rows, cols = np.nonzero(c != bg)
    colours = c[rows, cols]
    if len(rows) > 400 or not len(rows):
        return None
    other = ~np.eye(len(rows), dtype=bool)
    same = (colours[:, None] == colours[None, :]) & other
    a = (rows[:, None] + rows[None, :]).ravel()
    b = (cols[:, None] + cols[None, :]).ravel()
    h, w = c.shape
    index = a * (2 * w) + b
    agree = np.bincount(index, weights=same.ravel(), minlength=4 * h * w)
    clash = np.bincount(index, weights=(~same & other).ravel(), minlength=4 * h * w)
    centre_a, centre_b = int(rows.min() + rows.max()), int(cols.min() + cols.max())
    cells = np.arange(4 * h * w)
    distance = np.abs(cells // (2 * w) - centre_a) + np.abs(cells % (2 * w) - centre_b)
    best = _unique_best(np.where(clash == 0, agree, -1), distance)
    return None if best is None else (best // (2 * w), best % (2 * w))


def _images(kind: str, rows: Ints, cols: Ints, a: int, b: int) -> tuple[Ints, Ints] | None:
    """Where each cell goes under ``kind`` about the doubled centre ``(a, b)``; ``None``
    when a quarter turn about it leaves the grid's lattice."""
    if kind == "lr":
        return rows, b - cols
    if kind == "ud":
        return a - rows, cols
    if kind == "half":
        return a - rows, b - cols
    if (a + b) % 2:
        return None
    s, d = (a + b) // 2, (a - b) // 2
    if kind == "quarter":
        return s - cols, rows - d
    if kind == "threequarter":
        return cols + d, s - rows
    if kind == "diagonal":
        return cols + d, rows - d
    return s - cols, s - rows  # antidiagonal


@final
@dataclass(frozen=True, slots=True)
class SymmetryRule:
    """Completes each grid to ``group`` about the centre its picture shows, painting with
    ``paint`` (or each source cell's colour)."""

    group: str
    paint: int = _SAME
    centre: int = _AGREE
    """The colour whose cells' box is centred on the centre, or the centre of agreement."""

    @property
    def name(self) -> str:
        about = "" if self.centre == _AGREE else f"_about{self.centre}"
        return f"symmetrize_{self.group}{about}" + (
            "" if self.paint == _SAME else f"_paint{self.paint}"
        )

    def __call__(self, g: Grid) -> Grid | None:
        out = self.complete(g.cells)
        return None if out is None else Grid(out)

    def complete(self, c: Cells) -> Cells | None:
        bg = background(c)
        kinds = _NEEDS[self.group]
        a = b = 0
        if self.centre != _AGREE:
            rows, cols = np.nonzero(c == self.centre)
            if self.centre == bg or not len(rows):
                return None
            a, b = int(rows.min() + rows.max()), int(cols.min() + cols.max())
        elif "half" in kinds:
            centre = _best_centre(c, bg)
            if centre is None:
                return None
            a, b = centre
        else:
            if "lr" in kinds:
                found = _best_axis(c, bg, 1)
                if found is None:
                    return None
                b = found
            if "ud" in kinds:
                found = _best_axis(c, bg, 0)
                if found is None:
                    return None
                a = found
        rows, cols = np.nonzero(c != bg)
        colours = c[rows, cols]
        h, w = c.shape
        out = c.copy()
        for kind in kinds:
            images = _images(kind, rows.astype(np.int64), cols.astype(np.int64), a, b)
            if images is None:
                return None
            r, q = images
            inside = (r >= 0) & (r < h) & (q >= 0) & (q < w)
            r, q, k = r[inside], q[inside], colours[inside]
            free = c[r, q] == bg
            out[r[free], q[free]] = k[free] if self.paint == _SAME else self.paint
        return out


def find_symmetry_rule(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid], seconds: float = 1.0
) -> SymmetryRule | None:
    """The first group and paint whose completion maps every train input to its output
    and changes every input of ``unseen``, when each output is its input with only
    background cells painted; ``None`` otherwise or past ``seconds``."""
    if not pairs or any(x.shape != y.shape for x, y in pairs) or all(x == y for x, y in pairs):
        return None
    painted: set[int] = set()
    for x, y in pairs:
        changed = x.cells != y.cells
        if (changed & (x.cells != background(x.cells))).any():
            return None
        painted |= set(np.unique(y.cells[changed]).tolist())
    paints = [_SAME, *sorted(painted)] if len(painted) == 1 else [_SAME]
    shown = set.intersection(*(set(np.unique(x.cells).tolist()) for x, _ in pairs))
    rules = (
        SymmetryRule(group, paint, centre)
        for centre, group, paint in itertools.product([_AGREE, *sorted(shown)], _GROUPS, paints)
    )
    deadline = time.perf_counter() + seconds
    return first_fitting(rules, SymmetryRule.complete, pairs, unseen, deadline)
