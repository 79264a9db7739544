"""Lines a few cells begin: stripes started by seeds on a grid's edges and repeated at the
seeds' spacing (:func:`seed_stripes`), and lines begun with a few cells completed by
analogy with a whole line (:func:`by_analogy`). Both are operations of composition
search offered where they make a right first step (``_compose_table._situational``)."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids._compose_ops import Apply
from metagrow.domains.grids._grid import Cells
from metagrow.domains.grids._transforms import background

MAX_SEEDS = 4


def seed_stripes(a: Cells) -> Cells | None:
    """Full lines through each foreground cell (the seeds), repeated past them at the
    seeds' spacing to the grid's far side, in the seeds' colours in turn: columns where
    every seed is on the top or bottom edge, rows where every seed is on the left or
    right one. None unless there are 2 to :data:`MAX_SEEDS` seeds, on one axis's edges
    only, evenly spaced."""
    h, w = a.shape
    seeds = np.argwhere(a != background(a))
    if not 2 <= len(seeds) <= MAX_SEEDS:
        return None
    rows, cols = seeds[:, 0], seeds[:, 1]
    on_ends = bool(((rows == 0) | (rows == h - 1)).all())
    on_sides = bool(((cols == 0) | (cols == w - 1)).all())
    if on_ends == on_sides:
        return None
    t = a if on_sides else a.T
    at = rows if on_sides else cols
    order = np.argsort(at, kind="stable")
    at = at[order]
    colours = a[rows[order], cols[order]]
    steps = np.diff(at)
    if steps[0] == 0 or (steps != steps[0]).any():
        return None
    out = t.copy()
    for k, line in enumerate(range(int(at[0]), t.shape[0], int(steps[0]))):
        out[line, :] = colours[k % len(colours)]
    return out if on_sides else np.ascontiguousarray(out.T)


def by_analogy(across: bool) -> Apply:
    """Rows (or, ``across`` false, columns) begun with a few cells completed like the
    first full one: a line whose foreground cells are a run from its start takes the
    full line's pattern with each colour renamed as its start renames it ("a row
    beginning 8 8 4 below the full row 3 3 2 3 3 2 goes on 8 4 8 8 4"). A full line has
    no background cell. None where there is no full line, no begun one, or a begun one
    whose start renames one colour two ways or does not name every colour it needs."""

    def complete(a: Cells) -> Cells | None:
        t = a if across else a.T
        bg = background(t)
        filled = t != bg
        full = np.flatnonzero(filled.all(axis=1))
        if len(full) == 0:
            return None
        pattern = t[full[0]]
        out = t.copy()
        begun = False
        for r in np.flatnonzero(filled.any(axis=1) & ~filled.all(axis=1)).tolist():
            run = int(filled[r].argmin())
            if run == 0 or filled[r, run:].any():
                continue
            table = np.full(10, -1, dtype=np.int16)
            for source, colour in zip(pattern[:run].tolist(), t[r, :run].tolist(), strict=True):
                if table[source] not in (-1, colour):
                    return None
                table[source] = colour
            rest = table[pattern[run:]]
            if (rest < 0).any():
                return None
            out[r, run:] = rest
            begun = True
        if not begun:
            return None
        return out if across else np.ascontiguousarray(out.T)

    return complete
