"""Marker recolouring read off a task's examples: the cells of one placeholder colour take
the colour of a marker that the input relates them to ("each grey block takes the colour
of the mark above it", "each grey cell takes its row's colour", "each grey shape takes
the colour of the nearest coloured cell").

The placeholder is the one colour that every changed cell of every train pair had (the
background is the commonest other colour). Its
cells are recoloured one by one, or an object at a time (cells joined by sides), with the
colour seen from them: the first colour other than the background and the placeholder
along one direction (up, down, left, right) or along any of the four when they agree, or
the colour of the nearest such cell (by steps along rows and columns; cells of two
colours equally near leave no answer). A unit that sees nothing keeps its colour. The
first source and unit (directions before nearness, cells before objects) that reproduces
every train output and changes every test input is kept.
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
from metagrow.domains.grids._label import label_components
from metagrow.domains.grids._trial import first_fitting

Seen = npt.NDArray[np.int64]
"""Per cell, the colour seen from it, or -1 for none (and -2 for a tie)."""
_NONE: Final = -1
_TIE: Final = -2
_SOURCES: Final = ("up", "down", "left", "right", "any", "nearest")
_STEPS: Final = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}


def _looking(c: Cells, bg: int, placeholder: int, step: tuple[int, int]) -> Seen:
    """For each cell, the first colour other than ``bg`` and ``placeholder`` strictly
    beyond it along ``step``."""
    dr, dc = step
    h, w = c.shape
    seen = np.full((h, w), _NONE, dtype=np.int64)
    if dr:
        order = range(h - 1, -1, -1) if dr > 0 else range(h)
        previous = np.full(w, _NONE, dtype=np.int64)
        for r in order:
            seen[r] = previous
            row = c[r].astype(np.int64)
            marker = (row != bg) & (row != placeholder)
            previous = np.where(marker, row, previous)
    else:
        order = range(w - 1, -1, -1) if dc > 0 else range(w)
        previous = np.full(h, _NONE, dtype=np.int64)
        for q in order:
            seen[:, q] = previous
            col = c[:, q].astype(np.int64)
            marker = (col != bg) & (col != placeholder)
            previous = np.where(marker, col, previous)
    return seen


def _any(views: Sequence[Seen]) -> Seen:
    """The one colour the views see, ``_TIE`` when they see two."""
    out = np.full(views[0].shape, _NONE, dtype=np.int64)
    for v in views:
        clash = (out >= 0) & (v >= 0) & (out != v)
        out = np.where(out < 0, v, out)
        out[clash] = _TIE
    return out


def _nearest(c: Cells, bg: int, placeholder: int) -> Seen:
    """For each cell, the colour of the nearest marker by steps along rows and columns,
    ``_TIE`` when markers of two colours are equally near."""
    h, w = c.shape
    mr, mq = np.nonzero((c != bg) & (c != placeholder))
    if len(mr) == 0 or len(mr) > 300:
        return np.full((h, w), _NONE, dtype=np.int64)
    colours = c[mr, mq].astype(np.int64)
    rows, cols = np.mgrid[0:h, 0:w]
    distance = np.abs(rows[..., None] - mr) + np.abs(cols[..., None] - mq)
    nearest = distance.min(axis=2)
    at = distance == nearest[..., None]
    first = colours[at.argmax(axis=2)]
    ties = (at & (colours != first[..., None])).any(axis=2)
    return np.where(ties, _TIE, first)


def _seen(c: Cells, bg: int, placeholder: int, source: str) -> Seen:
    if source == "nearest":
        return _nearest(c, bg, placeholder)
    if source == "any":
        return _any([_looking(c, bg, placeholder, step) for step in _STEPS.values()])
    return _looking(c, bg, placeholder, _STEPS[source])


@final
@dataclass(frozen=True, slots=True)
class MarkerRule:
    """Cells of ``placeholder`` take the colour ``source`` sees from them, one by one or
    an object at a time."""

    placeholder: int
    source: str
    objects: bool

    @property
    def name(self) -> str:
        return f"marker_{self.source}" + ("_objects" if self.objects else "")

    def __call__(self, g: Grid) -> Grid | None:
        out = self.recolour(g.cells)
        return None if out is None else Grid(out)

    def recolour(self, c: Cells) -> Cells | None:
        """``c`` recoloured; ``None`` when a unit sees two colours."""
        counts = np.bincount(c.ravel(), minlength=10)
        counts[self.placeholder] = -1
        bg = int(counts.argmax())  # the commonest other colour: placeholders may abound
        mask = c == self.placeholder
        seen = _seen(c, bg, self.placeholder, self.source)
        if self.objects:
            labels, count = label_components(mask)
            for label in range(1, count + 1):
                inside = labels == label
                colours = set(seen[inside].tolist()) - {_NONE}
                if len(colours) > 1 or _TIE in colours:
                    return None
                seen[inside] = colours.pop() if colours else _NONE
        if (seen[mask] == _TIE).any():
            return None
        out = c.copy()
        paint = mask & (seen >= 0)
        out[paint] = seen[paint]
        return out


def find_marker_rule(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid], seconds: float = 1.0
) -> MarkerRule | None:
    """The first source and unit whose recolouring maps every train input to its output
    and changes every input of ``unseen``, when every changed cell had one placeholder
    colour; ``None`` otherwise or past ``seconds``."""
    if not pairs or any(x.shape != y.shape for x, y in pairs) or all(x == y for x, y in pairs):
        return None
    was: set[int] = set()
    for x, y in pairs:
        was |= set(np.unique(x.cells[x.cells != y.cells]).tolist())
    if len(was) != 1:
        return None
    placeholder = was.pop()
    rules = (
        MarkerRule(placeholder, source, objects)
        for objects, source in itertools.product((False, True), _SOURCES)
    )
    deadline = time.perf_counter() + seconds
    return first_fitting(rules, MarkerRule.recolour, pairs, unseen, deadline)
