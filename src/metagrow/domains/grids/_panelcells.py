"""Panel rules read off a task's examples: lines of one colour cut the input into panels,
and the output has one cell per panel, whose colour a table over one property of the
panel gives ("a panel holding two cells is blue, the others black", "the fullest panel
shows its colour").

A panel is measured by what it holds on the background: its commonest colour, how many
cells it fills, that count's rank among the panels (from the fullest, or from the
emptiest), how many colours it shows, and how many panels show the same picture or the
same colour. A table maps each value of one property to a colour, or to the panel's own
colour where the outputs' colours follow the panels'. It is kept when every train panel
agrees with it and every test panel's value is in it; the shortest table wins, earlier
properties on ties.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, final

import numpy as np

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._objects import panels

PROPERTIES: Final = ("color", "cells", "rank_fullest", "rank_emptiest", "colors", "same_picture",
                     "same_color")  # fmt: skip
OWN: Final = -1
"""The table's entry for "the panel's own colour"."""


def _panels(c: Cells) -> tuple[tuple[int, int], list[tuple[int, ...]]] | None:
    """The panels' grid shape and each panel's properties in reading order, or ``None``
    where no lines of a colour other than the background cut the grid."""
    cut = panels(c)
    if cut is None or cut[1] == cut[2]:
        return None
    spans, _, bg = cut
    pictures = [c[r0:r1, c0:c1] for r0, r1, c0, c1 in spans]
    held = [p[p != bg] for p in pictures]
    colors = [int(np.bincount(h, minlength=10).argmax()) if h.size else bg for h in held]
    sizes = [int(h.size) for h in held]
    distinct = sorted(set(sizes))
    keys = [bytes(p.shape) + p.tobytes() for p in pictures]
    same_picture, same_color = Counter(keys), Counter(colors)
    found: list[tuple[int, ...]] = [
        (
            color,
            size,
            len(distinct) - 1 - distinct.index(size),
            distinct.index(size),
            len(np.unique(h)),
            same_picture[key],
            same_color[color],
        )
        for key, h, color, size in zip(keys, held, colors, sizes, strict=True)
    ]
    rows = len({(r0, r1) for r0, r1, _, _ in spans})
    return (rows, len(spans) // rows), found


@final
@dataclass(frozen=True, slots=True)
class PanelCellRule:
    """One output cell per panel, its colour the table's for one property of the panel."""

    column: int
    table: tuple[tuple[int, int], ...]

    @property
    def name(self) -> str:
        return f"rule_panelcells_{PROPERTIES[self.column]}"

    def __call__(self, g: Grid) -> Grid | None:
        """The panels' summary; ``None`` where ``g`` has no panels or a panel's value is
        not in the table."""
        read = _panels(g.cells)
        if read is None:
            return None
        shape, panels = read
        table = dict(self.table)
        out = []
        for p in panels:
            color = table.get(p[self.column])
            if color is None:
                return None
            out.append(p[0] if color == OWN else color)
        return Grid(np.array(out, dtype=np.uint8).reshape(shape))

    def describe(self) -> str:
        rows = "; ".join(f"{v} -> {'own' if k == OWN else k}" for v, k in self.table)
        return f"{self.name}: {rows}"


def find_panel_cells(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]
) -> PanelCellRule | None:
    """The shortest one-property table that gives every train output cell by cell from
    its input's panels and knows every panel of ``unseen``."""
    train: list[tuple[list[tuple[int, ...]], list[int]]] = []
    for x, y in pairs:
        read = _panels(x.cells)
        if read is None or read[0] != y.shape:
            return None
        train.append((read[1], y.cells.ravel().tolist()))
    tests = [_panels(g.cells) for g in unseen]
    if any(t is None for t in tests):
        return None
    best: PanelCellRule | None = None
    for column in range(len(PROPERTIES)):
        table = _table(train, column)
        if table is None or (best is not None and len(table) >= len(best.table)):
            continue
        if any(p[column] not in table for t in tests if t is not None for p in t[1]):
            continue
        best = PanelCellRule(column, tuple(sorted(table.items())))
    return best


def _table(
    train: Sequence[tuple[list[tuple[int, ...]], list[int]]], column: int
) -> dict[int, int] | None:
    """Each value's colour (or :data:`OWN`) that all its train panels agree with: a fixed
    colour where they all show one, else their own where each shows its own."""
    seen: dict[int, list[tuple[int, int]]] = {}
    for measured, cells in train:
        for p, out in zip(measured, cells, strict=True):
            seen.setdefault(p[column], []).append((p[0], out))
    table = {}
    for value, members in seen.items():
        outs = {out for _, out in members}
        if len(outs) == 1:
            table[value] = outs.pop()
        elif all(own == out for own, out in members):
            table[value] = OWN
        else:
            return None
    return table
