"""Classification rules read off a task's examples: the outputs are a few fixed grids,
and one property of the whole input (how many colours or objects it has, its main
colour, whether it is symmetric, the shape its cells draw) says which.

A property is kept when its table never maps one value to two outputs, is shorter than
the list of train pairs (some value recurs, so the table generalises rather than
memorises), and knows the value of every test input; the shortest table wins, earlier
properties on ties.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np

from metagrow.domains.grids._grid import Grid
from metagrow.domains.grids._objects import blobs, objects, objects8
from metagrow.domains.grids._transforms import background, bounding_box


def _colors(g: Grid) -> int:
    c = g.cells
    return len(np.unique(c[c != background(c)]))


def _cells(g: Grid) -> int:
    c = g.cells
    return int((c != background(c)).sum())


def _main(g: Grid) -> int:
    c = g.cells
    counts = np.bincount(c.ravel(), minlength=10)
    counts[background(c)] = 0
    return int(counts.argmax()) if counts.any() else -1


def _least(g: Grid) -> int:
    counts = np.bincount(g.cells.ravel(), minlength=10).astype(np.float64)
    counts[counts == 0] = np.inf
    return int(counts.argmin())


def _symmetries(g: Grid) -> tuple[bool, bool, bool]:
    c = g.cells
    square = c.shape[0] == c.shape[1]
    return (
        bool((c == c[:, ::-1]).all()),
        bool((c == c[::-1]).all()),
        square and bool((c == c.T).all()),
    )


def _shape(g: Grid) -> bytes:
    c = g.cells
    on = c != background(c)
    if not on.any():
        return b""
    top, bottom, left, right = bounding_box(on)
    mask: bytes = on[top:bottom, left:right].tobytes()
    return bytes((bottom - top, right - left)) + mask


Property = Callable[[Grid], Hashable]
PROPERTIES: tuple[tuple[str, Property], ...] = (
    ("colors", _colors),
    ("objects", lambda g: len(objects(g))),
    ("objects8", lambda g: len(objects8(g))),
    ("blobs", lambda g: len(blobs(g))),
    ("main_color", _main),
    ("least_color", _least),
    ("symmetry", _symmetries),
    ("cells", _cells),
    ("shape", _shape),
)
_PROPERTY = dict(PROPERTIES)


@final
@dataclass(frozen=True, slots=True)
class ClassRule:
    """The output chosen by one property of the input."""

    prop: str
    table: tuple[tuple[Hashable, Grid], ...]

    @property
    def name(self) -> str:
        return f"classify_{self.prop}"

    def __call__(self, g: Grid) -> Grid | None:
        return dict(self.table).get(_PROPERTY[self.prop](g))


def find_class_rule(pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]) -> ClassRule | None:
    """The property with the shortest table that picks every train output, repeats a value,
    and knows every test input's value."""
    outputs = {y for _, y in pairs}
    if len(outputs) < 2 or len(outputs) == len(pairs):
        return None
    best: ClassRule | None = None
    for name, prop in PROPERTIES:
        table: dict[Hashable, Grid] = {}
        for x, y in pairs:
            if table.setdefault(prop(x), y) != y:
                break
        else:
            if len(table) >= len(pairs) or any(prop(g) not in table for g in unseen):
                continue
            if best is None or len(table) < len(best.table):
                best = ClassRule(name, tuple(table.items()))
    return best
