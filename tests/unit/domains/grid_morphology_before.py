"""The hand-written grid morphology that ``scipy.ndimage`` replaced, kept only as the
reference the replacements are checked against (tests) and timed against (benchmarks)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._transforms import background

Cells = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]

_N4 = ((1, 0), (-1, 0), (0, 1), (0, -1))
_N8 = (*_N4, (1, 1), (1, -1), (-1, 1), (-1, -1))


@lru_cache(maxsize=256)
def _neighbours(h: int, w: int, diagonal: bool) -> tuple[tuple[int, ...], ...]:
    steps = _N8 if diagonal else _N4
    return tuple(
        tuple((i + di) * w + j + dj for di, dj in steps if 0 <= i + di < h and 0 <= j + dj < w)
        for i in range(h)
        for j in range(w)
    )


def component_labels(
    c: Cells, diagonal: bool, by_color: bool, bg: int | None = None
) -> npt.NDArray[np.int64]:
    """Flood fill from each unlabelled cell in reading order."""
    bg = background(c) if bg is None else bg
    h, w = c.shape
    nbrs = _neighbours(h, w, diagonal)
    flat = c.ravel().tolist()
    label = [-1] * (h * w)
    n = 0
    for start, color in enumerate(flat):
        if color == bg or label[start] >= 0:
            continue
        label[start] = n
        stack = [start]
        while stack:
            for j in nbrs[stack.pop()]:
                if label[j] < 0 and flat[j] != bg and (not by_color or flat[j] == color):
                    label[j] = n
                    stack.append(j)
        n += 1
    return np.array(label, dtype=np.int64).reshape(h, w)


def _grow4(m: Mask) -> Mask:
    out = m.copy()
    out[1:] |= m[:-1]
    out[:-1] |= m[1:]
    out[:, 1:] |= m[:, :-1]
    out[:, :-1] |= m[:, 1:]
    return out


def holes(mask: Mask) -> Mask:
    """Cells outside ``mask`` that cannot reach the edge through cells outside it (by
    sides): grow the edge's free cells until nothing changes."""
    free = ~mask
    reach = np.zeros_like(mask)
    reach[0, :], reach[-1, :], reach[:, 0], reach[:, -1] = (
        free[0],
        free[-1],
        free[:, 0],
        free[:, -1],
    )
    while True:
        grown = _grow4(reach) & free
        if (grown == reach).all():
            return free & ~reach
        reach = grown
