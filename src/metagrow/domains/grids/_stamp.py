"""Stamp rules read off a task's examples: every cell of a seed colour paints a fixed
pattern of colours around itself onto the background ("each red cell gets yellow
corners, each blue cell an orange cross").

For each colour and each of the eight offsets around a cell, the examples must agree on what
a seed cell of that colour paints at that offset: always the same colour wherever the
offset lands on background, or nothing. A stamp is kept when painting every seed of
every train input reproduces its output exactly (offsets it does not need are then
dropped) and every colour of the test inputs was seen, or the examples showed
bystanders. (Wider windows fitted small grids by accident on the training split and were
never right there.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import final

import numpy as np

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._transforms import background

Stamp = tuple[tuple[int, int, int], ...]
"""Offsets (rows, columns) from a seed cell and the colour painted there."""
_RADII = (1,)
"""Window radii tried, smallest first."""
_NOTHING = -1
_CLASH = -2


@final
@dataclass(frozen=True, slots=True)
class StampRule:
    """Each seed colour's stamp; colours without one paint nothing."""

    radius: int
    stamps: tuple[tuple[int, Stamp], ...]

    @property
    def name(self) -> str:
        return f"stamp{self.radius}"

    def __call__(self, g: Grid) -> Grid | None:
        """``g`` with every seed's stamp painted on its background cells; ``None`` if a
        colour of ``g`` was never seen, unless the examples showed bystanders (colours
        that paint nothing), which new colours are then taken to be."""
        c = g.cells
        bg = background(c)
        stamps = dict(self.stamps)
        bystanders = any(not stamp for stamp in stamps.values())
        if not bystanders and any(k != bg and k not in stamps for k in np.unique(c).tolist()):
            return None
        return Grid(_paint(c, bg, stamps))


def _paint(c: Cells, bg: int, stamps: dict[int, Stamp]) -> Cells:
    h, w = c.shape
    out = c.copy()
    for color, stamp in stamps.items():
        rows, cols = np.nonzero(c == color)
        for dr, dc, k in stamp:
            r, q = rows + dr, cols + dc
            inside = (r >= 0) & (r < h) & (q >= 0) & (q < w)
            r, q = r[inside], q[inside]
            free = c[r, q] == bg
            out[r[free], q[free]] = k
    return out


def find_stamp_rule(pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]) -> StampRule | None:
    """The smallest window whose stamps explain every same-shape pair in which only
    background cells change, and that knows every colour of ``unseen``."""
    if not pairs or any(x.shape != y.shape for x, y in pairs) or all(x == y for x, y in pairs):
        return None
    for x, y in pairs:
        bg = background(x.cells)
        if ((x.cells != y.cells) & (x.cells != bg)).any():
            return None
    for radius in _RADII:
        rule = _fit(pairs, radius)
        if rule is None:
            continue
        if all(rule(g) is not None for g in unseen):
            return rule
    return None


def _fit(pairs: Sequence[tuple[Grid, Grid]], radius: int) -> StampRule | None:
    seen: dict[int, dict[tuple[int, int], int]] = {}
    for x, y in pairs:
        c, out = x.cells, y.cells
        h, w = c.shape
        bg = background(c)
        for color in np.unique(c).tolist():
            if color == bg:
                continue
            table = seen.setdefault(color, {})
            rows, cols = np.nonzero(c == color)
            for dr in range(-radius, radius + 1):
                for dc in range(-radius, radius + 1):
                    if dr == dc == 0:
                        continue
                    r, q = rows + dr, cols + dc
                    inside = (r >= 0) & (r < h) & (q >= 0) & (q < w)
                    r, q = r[inside], q[inside]
                    free = c[r, q] == bg
                    painted = out[r[free], q[free]]
                    for k in np.unique(painted).tolist():
                        code = _NOTHING if k == bg else k
                        was = table.setdefault((dr, dc), code)
                        if was != code:
                            table[dr, dc] = _CLASH
    stamps = tuple(
        (color, tuple((dr, dc, k) for (dr, dc), k in sorted(table.items()) if k >= 0))
        for color, table in sorted(seen.items())
    )
    if not any(stamp for _, stamp in stamps):
        return None
    rule = StampRule(radius, stamps)
    if not all(rule(x) == y for x, y in pairs):
        return None
    return _pruned(rule, pairs)


def _pruned(rule: StampRule, pairs: Sequence[tuple[Grid, Grid]]) -> StampRule:
    """The rule without the offsets it does not need: a cell another seed painted can look
    like part of a bystander's stamp."""
    stamps = [(color, list(stamp)) for color, stamp in rule.stamps]
    for _, stamp in stamps:
        for entry in list(stamp):
            stamp.remove(entry)
            trial = StampRule(rule.radius, tuple((k, tuple(s)) for k, s in stamps))
            if not all(trial(x) == y for x, y in pairs):
                stamp.append(entry)
    return StampRule(rule.radius, tuple((k, tuple(sorted(s))) for k, s in stamps))
