"""Object selection read off a task's examples: the output is one part of the input, and
the examples show which part.

Parts come from several decompositions (single-colour objects, multicolour blobs, the
rectangles between separator lines, each colour's bounding box, equal square panels,
multicolour objects on black where another colour is commonest), each part either cut out
alone or as the window of the input it spans. A selector is a decomposition plus a
measure to maximise or minimise (size, box, colours, position, how often the shape or
colour recurs, holes, mirror symmetries, contact with the other parts); the first
selector that picks exactly the output in every train pair, and picks one part of every
test input, is kept. Where every output is one cell and no selector fits, the output may
be the colour of the part chosen (a part of one colour).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import final

import numpy as np

from metagrow.domains.grids._grid import Grid
from metagrow.domains.grids._objects import blobs, blobs_on, objects, objects8, pieces
from metagrow.domains.grids._paint import fill_holes
from metagrow.domains.grids._transforms import background, bounding_box, ground


@final
@dataclass(frozen=True, slots=True)
class Part:
    """A candidate output: the part's grid, and where it sits in the input."""

    grid: Grid
    top: int
    left: int
    colors: frozenset[int]


def _parts_of(
    masks: Sequence[Grid], g: Grid, window: bool, inside: bool = False, bg: int | None = None
) -> tuple[Part, ...]:
    """Each mask's bounding box, cut out of the mask or (``window``) of ``g``; ``inside``:
    of ``g`` within the box's outer ring (what a frame or four corner marks enclose). The
    masks are drawn on ``bg``, by default ``g``'s commonest colour."""
    bg = background(g.cells) if bg is None else bg
    out = []
    for m in masks:
        on = m.cells != bg
        if not on.any():
            continue
        top, bottom, left, right = bounding_box(on)
        if inside:
            top, bottom, left, right = top + 1, bottom - 1, left + 1, right - 1
            if top >= bottom or left >= right:
                continue
        source = g.cells if window or inside else m.cells
        cells = source[top:bottom, left:right]
        colors = frozenset(np.unique(m.cells[on]).tolist())
        out.append(Part(Grid(cells.copy()), top, left, colors))
    return tuple(out)


def _color_masks(g: Grid) -> tuple[Grid, ...]:
    bg = background(g.cells)
    return tuple(
        Grid(np.where(g.cells == k, g.cells, bg).astype(np.uint8))
        for k in np.unique(g.cells).tolist()
        if k != bg
    )


def _pieces(g: Grid) -> tuple[Part, ...]:
    try:
        return tuple(Part(p, 0, 0, frozenset()) for p in pieces(g))
    except ValueError:
        return ()


def _squares(g: Grid) -> tuple[Part, ...]:
    """The grid cut into equal squares along its long side, when that side is a whole
    multiple (at least two) of the short one."""
    c = g.cells
    h, w = c.shape
    side = min(h, w)
    if max(h, w) % side or h == w:
        return ()
    parts = []
    for k in range(max(h, w) // side):
        top, left = (k * side, 0) if h > w else (0, k * side)
        cells = c[top : top + side, left : left + side]
        colors = frozenset(np.unique(cells).tolist())
        parts.append(Part(Grid(cells.copy()), top, left, colors))
    return tuple(parts)


def _blobs_on_black(g: Grid) -> tuple[Part, ...]:
    """Multicolour objects on black wherever black is shown, even where another colour
    is the commonest (shapes that cover most of the grid); else on the commonest."""
    bg = ground(g.counts())
    masks = blobs_on(g, bg)
    return _parts_of(masks, g, window=False, bg=bg) if len(masks) <= MAX_PARTS else ()


MAX_PARTS = 64
"""Parts at most that a decomposition made for one selector offers."""

Decompose = Callable[[Grid], tuple[Part, ...]]
DECOMPOSITIONS: tuple[tuple[str, Decompose], ...] = (
    ("object", lambda g: _parts_of(objects(g), g, window=False)),
    ("object8", lambda g: _parts_of(objects8(g), g, window=False)),
    ("blob", lambda g: _parts_of(blobs(g), g, window=False)),
    ("blob_window", lambda g: _parts_of(blobs(g), g, window=True)),
    ("color_window", lambda g: _parts_of(_color_masks(g), g, window=True)),
    ("object_inside", lambda g: _parts_of(objects(g), g, window=False, inside=True)),
    ("color_inside", lambda g: _parts_of(_color_masks(g), g, window=False, inside=True)),
    ("piece", _pieces),
    ("square", _squares),
    ("blob_black", _blobs_on_black),
)


def _foreground(p: Part) -> int:
    c = p.grid.cells
    return int((c != background(c)).sum())


def _holes(p: Part) -> int:
    """Background cells enclosed by the part."""
    c = p.grid.cells
    return int((fill_holes(p.grid, (background(c) + 1) % 10).cells != c).sum())


def _symmetries(p: Part) -> int:
    """How many of the left-right, top-bottom and half-turn mirrors, and for a square
    the two diagonal ones, leave the part alone."""
    c = p.grid.cells
    mirrors = [c[:, ::-1], c[::-1], c[::-1, ::-1]]
    if c.shape[0] == c.shape[1]:
        mirrors += [c.T, c[::-1, ::-1].T]
    return sum(int(np.array_equal(c, m)) for m in mirrors)


@lru_cache(maxsize=4096)
def _cells_at(p: Part) -> frozenset[tuple[int, int]]:
    c = p.grid.cells
    rows, cols = np.nonzero(c != background(c))
    return frozenset(
        (p.top + r, p.left + q) for r, q in zip(rows.tolist(), cols.tolist(), strict=True)
    )


def _contacts(p: Part, parts: Sequence[Part]) -> int:
    """How many cells of the other parts touch this one (by sides or corners)."""
    mine = _cells_at(p)
    near = {(r + dr, q + dq) for r, q in mine for dr in (-1, 0, 1) for dq in (-1, 0, 1)}
    return sum(len(_cells_at(o) & near) for o in parts if o is not p)


Measure = Callable[[Part, Sequence[Part]], float]


def _color_cells(color: int) -> Measure:
    """How many cells of ``color`` the part holds."""
    return lambda p, _: int(p.grid.counts()[color])


MEASURES: tuple[tuple[str, Measure], ...] = (
    ("cells", lambda p, _: _foreground(p)),
    ("area", lambda p, _: p.grid.cells.size),
    ("colors", lambda p, _: len(np.unique(p.grid.cells))),
    ("shape_count", lambda p, ps: sum(q.grid == p.grid for q in ps)),
    ("color_count", lambda p, ps: sum(q.colors == p.colors for q in ps)),
    ("top", lambda p, _: p.top),
    ("left", lambda p, _: p.left),
    ("holes", lambda p, _: _holes(p)),
    ("symmetries", lambda p, _: _symmetries(p)),
    ("contacts", _contacts),
    *((f"color{c}", _color_cells(c)) for c in range(10)),
)

_DECOMPOSE = dict(DECOMPOSITIONS)
_MEASURE = dict(MEASURES)


@final
@dataclass(frozen=True, slots=True)
class Selector:
    """Pick the one part of a decomposition with the largest (or smallest) measure."""

    decomposition: str
    measure: str
    largest: bool
    color: bool = False
    """Answer the part's colour as one cell (parts of one colour only), not the part."""

    @property
    def name(self) -> str:
        most = "max" if self.largest else "min"
        return f"select_{self.decomposition}_{most}_{self.measure}" + (
            "_color" if self.color else ""
        )

    def __call__(self, g: Grid) -> Grid | None:
        parts = _DECOMPOSE[self.decomposition](g)
        if not parts:
            return None
        values = _values(_MEASURE[self.measure], parts)
        return _chosen(parts, values, self.largest, self.color)


def _values(measure: Measure, parts: Sequence[Part]) -> list[float]:
    return [measure(p, parts) for p in parts]


@lru_cache(maxsize=16)
def _swatch(colors: frozenset[int]) -> Grid | None:
    """One cell of the one colour in ``colors``; None for several."""
    return Grid(np.full((1, 1), min(colors), dtype=np.uint8)) if len(colors) == 1 else None


def _output_of(p: Part, color: bool) -> Grid | None:
    """What choosing ``p`` answers: the part, or (``color``) its colour as one cell."""
    return _swatch(p.colors) if color else p.grid


def _chosen(
    parts: Sequence[Part], values: Sequence[float], largest: bool, color: bool = False
) -> Grid | None:
    """What the one part with the best value shows (:func:`_output_of`), None if parts that
    show different things tie for it."""
    best = max(values) if largest else min(values)
    chosen = {_output_of(p, color) for p, v in zip(parts, values, strict=True) if v == best}
    return chosen.pop() if len(chosen) == 1 else None


SELECTORS: tuple[Selector, ...] = tuple(
    Selector(d, m, largest)
    for d, _ in DECOMPOSITIONS
    for m, _ in MEASURES
    for largest in (True, False)
)


def find_selector(pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid]) -> Selector | None:
    """The first selector (in :data:`SELECTORS`' order) that picks each train output and
    one part of each test input; where every output is one cell and none is a part,
    the first that picks a part of its colour (``color``). Each grid is cut up once per
    decomposition and each measure taken once per part; a decomposition none of whose
    parts shows some train output is passed over whole."""
    if not pairs or any(x.shape == y.shape for x, y in pairs):
        return None
    found = _first_selector(pairs, unseen, color=False)
    if found is None and all(y.shape == (1, 1) for _, y in pairs):
        found = _first_selector(pairs, unseen, color=True)
    return found


def _first_selector(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid], color: bool
) -> Selector | None:
    for decomposition, decompose in DECOMPOSITIONS:
        train = [decompose(x) for x, _ in pairs]
        if not all(
            y in {_output_of(p, color) for p in parts}
            for parts, (_, y) in zip(train, pairs, strict=True)
        ):
            continue
        tests = [decompose(g) for g in unseen]
        if not all(tests):
            continue
        for name, measure in MEASURES:
            seen = [_values(measure, parts) for parts in train]
            told: list[list[float]] | None = None
            for largest in (True, False):
                if any(
                    _chosen(parts, values, largest, color) != y
                    for parts, values, (_, y) in zip(train, seen, pairs, strict=True)
                ):
                    continue
                told = told or [_values(measure, parts) for parts in tests]
                if all(
                    _chosen(parts, values, largest, color) is not None
                    for parts, values in zip(tests, told, strict=True)
                ):
                    return Selector(decomposition, name, largest, color)
    return None


FORGET = (_cells_at.cache_clear,)
"""What clears the results this module's functions remember (``GridsDomain.forget``)."""
