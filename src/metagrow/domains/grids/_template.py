"""Template completion read off a task's examples: a multicolour object of the input is a
template, and wherever some of its colours appear alone in its arrangement, the rest of
it is painted around them ("each lone red cell gets the blue frame the full red-and-blue
object has").

A template is an object of two colours or more (cells joined by sides or corners). A
placement of a template, turned or mirrored and scaled up by a whole factor, matches
where each of its colours is either all there (every cell of that colour in the template
lies on a cell of that colour) or all missing (every such cell lies on background), some
colour is there and some missing, and the cells that are there make whole objects of the
input (nothing else touches them). The missing colours are painted. A placement whose
cells are claimed by placements that would paint something else is ambiguous and paints
nothing. The examples choose how a template may turn (not at all, by quarter turns, or
any of the eight symmetries of the square) and whether it may scale; the first choice
that reproduces every train output, and paints something on every test input, is kept.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._grid import Cells, Grid
from metagrow.domains.grids._label import Labels, label_components
from metagrow.domains.grids._transforms import background

_TEMPLATES: Final = 6
"""Templates tried per grid, the largest first."""
_MAX_SCALE: Final = 4
_MAX_CELLS: Final = 100
"""Templates of more cells are not copied: they are the picture, not a part of it."""
_TURNS: Final = {"fixed": (0,), "turned": (0, 1, 2, 3), "mirrored": tuple(range(8))}
"""Symmetries each choice allows: 0-3 quarter turns, 4-7 those after a mirror."""

Paint = tuple[tuple[int, int, int], ...]
"""Cells painted by one placement: row, column, colour."""


@final
@dataclass(frozen=True, slots=True)
class _Placement:
    symmetry: int
    scale: int
    anchor: tuple[int, ...]
    """The colours found in place."""
    matched: frozenset[int]
    """The flat indices of the input cells the placement found in place."""
    paint: Paint


@final
@dataclass(frozen=True, slots=True)
class TemplateRule:
    """Completes every partial copy of the input's templates that ``turns`` and
    ``scaled`` allow; with ``turns == "by_colour"``, ``symmetries`` names the one
    symmetry each set of colours found in place takes (-1: those paint nothing)."""

    turns: str
    scaled: bool
    symmetries: tuple[tuple[tuple[int, ...], int], ...] = ()

    @property
    def name(self) -> str:
        return (
            "complete_template"
            + ("" if self.turns == "fixed" else "_" + self.turns)
            + ("_scaled" if self.scaled else "")
        )

    def __call__(self, g: Grid) -> Grid | None:
        """``g`` completed; ``None`` when a rule by colour meets colours found in place
        that the examples never showed."""
        out = self.completed(g.cells, _placements(g.cells))
        return None if out is None else Grid(out)

    def completed(self, c: Cells, placements: Sequence[_Placement]) -> Cells | None:
        if self.turns == "by_colour":
            known = dict(self.symmetries)
            if any(p.anchor not in known for p in placements):
                return None
        return self.complete(c, placements)

    def complete(self, c: Cells, placements: Sequence[_Placement]) -> Cells:
        """``c`` with the placements this rule allows painted (unknown colours in place,
        for a rule by colour, paint nothing)."""
        chosen = [p for p in placements if self.scaled or p.scale == 1]
        if self.turns == "by_colour":
            known = dict(self.symmetries)
            chosen = [p for p in chosen if known.get(p.anchor, -1) == p.symmetry]
        else:
            allowed = _TURNS[self.turns]
            chosen = [p for p in chosen if p.symmetry in allowed]
        out = c.copy()
        for paint in _unambiguous(chosen):
            for r, q, k in paint:
                out[r, q] = k
        return out


def _by_colour(
    pairs: Sequence[tuple[Grid, Grid]], found: Sequence[Sequence[_Placement]], scaled: bool
) -> TemplateRule:
    """The rule by colour whose symmetry for each set of colours found in place is the
    first that paints only what the outputs show wherever those colours are found."""
    fitting: dict[tuple[int, ...], set[int]] = {}
    for (_, y), placements in zip(pairs, found, strict=True):
        by_cells: dict[tuple[tuple[int, ...], frozenset[int]], set[int]] = {}
        for p in placements:
            if not scaled and p.scale != 1:
                continue
            right = by_cells.setdefault((p.anchor, p.matched), set())
            if all(y.cells[r, q] == k for r, q, k in p.paint):
                right.add(p.symmetry)
        for (anchor, _), right in by_cells.items():
            fitting[anchor] = fitting.get(anchor, right) & right
    table = tuple((a, min(s, default=-1)) for a, s in sorted(fitting.items()))
    return TemplateRule("by_colour", scaled, table)


def _unambiguous(placements: Sequence[_Placement]) -> list[Paint]:
    """The paint of each set of matched cells whose placements agree, or of which one
    paints all the others paint; the largest matched sets first. A placement that
    shares a cell with a larger one paints nothing."""
    by_cells: dict[frozenset[int], set[Paint]] = {}
    for p in placements:
        by_cells.setdefault(p.matched, set()).add(p.paint)
    taken: set[int] = set()
    paints: list[Paint] = []
    for matched in sorted(by_cells, key=lambda m: (-len(m), sorted(m))):
        if matched & taken:
            continue
        options = by_cells[matched]
        widest = max(options, key=len)
        if all(set(o) <= set(widest) for o in options):
            paints.append(widest)
        taken |= matched
    return paints


def _placements(c: Cells) -> list[_Placement]:
    """Every matching placement of every template of ``c``, under each of the eight
    symmetries (a symmetric template matches under several: a rule by colour needs
    them all) and every scale that fits."""
    bg = background(c)
    labels, count = label_components(c != bg, diagonal=True)
    if count < 2:
        return []
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    sizes[0] = 0
    templates: list[npt.NDArray[np.int16]] = []
    seen: set[bytes] = set()
    for i in np.argsort(-sizes[1:], kind="stable").tolist():
        label = i + 1
        if len(templates) >= _TEMPLATES or sizes[label] > _MAX_CELLS or sizes[label] < 2:
            continue
        rows, cols = np.nonzero(labels == label)
        box = (slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1))
        patch = np.where(labels[box] == label, c[box].astype(np.int16), -1)
        if len(np.unique(patch[patch >= 0])) < 2:
            continue
        key = patch.tobytes() + bytes(patch.shape)
        if key not in seen:
            seen.add(key)
            templates.append(patch)
    found: list[_Placement] = []
    for patch in templates:
        for symmetry in range(8):
            turned = np.rot90(patch if symmetry < 4 else patch[:, ::-1], symmetry % 4)
            for scale in range(1, _MAX_SCALE + 1):
                variant = np.kron(turned, np.ones((scale, scale), dtype=np.int16))
                if variant.shape[0] > c.shape[0] or variant.shape[1] > c.shape[1]:
                    break
                found += _matches(c, bg, labels, sizes, variant, symmetry, scale)
    return found


def _matches(
    c: Cells,
    bg: int,
    labels: Labels,
    sizes: npt.NDArray[np.intp],
    variant: npt.NDArray[np.int16],
    symmetry: int,
    scale: int,
) -> list[_Placement]:
    h, w = c.shape
    vh, vw = variant.shape
    rr, cc = np.nonzero(variant >= 0)
    colors = variant[rr, cc]
    grid_tops, grid_lefts = np.meshgrid(np.arange(h - vh + 1), np.arange(w - vw + 1), indexing="ij")
    tops, lefts = grid_tops.ravel(), grid_lefts.ravel()
    r = tops[:, None] + rr[None, :]
    q = lefts[:, None] + cc[None, :]
    seen = c[r, q]
    there = seen == colors[None, :]
    missing = seen == bg
    valid = np.ones(len(tops), dtype=bool)
    some_there = np.zeros(len(tops), dtype=bool)
    some_missing = np.zeros(len(tops), dtype=bool)
    for k in np.unique(colors).tolist():
        of_k = colors == k
        all_there = there[:, of_k].all(axis=1)
        all_missing = missing[:, of_k].all(axis=1)
        valid &= all_there | all_missing
        some_there |= all_there
        some_missing |= all_missing
    valid &= some_there & some_missing
    found: list[_Placement] = []
    for i in np.flatnonzero(valid).tolist():
        here = there[i]
        mr, mq = r[i][here], q[i][here]
        touched = np.unique(labels[mr, mq])
        if int(sizes[touched].sum()) != len(mr):
            continue  # the cells found in place are part of something bigger
        pr, pq = r[i][~here], q[i][~here]
        paint = tuple(zip(pr.tolist(), pq.tolist(), colors[~here].tolist(), strict=True))
        matched = frozenset((mr * w + mq).tolist())
        anchor = tuple(np.unique(colors[here]).tolist())
        found.append(_Placement(symmetry, scale, anchor, matched, paint))
    return found


def find_template_rule(
    pairs: Sequence[tuple[Grid, Grid]], unseen: Sequence[Grid], seconds: float = 1.0
) -> TemplateRule | None:
    """The first choice of turns and scaling whose completion maps every train input to
    its output and paints something on every input of ``unseen``, when each output is
    its input with only background cells painted; ``None`` otherwise or past
    ``seconds``."""
    if not pairs or any(x.shape != y.shape for x, y in pairs) or all(x == y for x, y in pairs):
        return None
    for x, y in pairs:
        if ((x.cells != y.cells) & (x.cells != background(x.cells))).any():
            return None
    deadline = time.perf_counter() + seconds
    found: list[list[_Placement]] = []
    for g in [*(x for x, _ in pairs), *unseen]:
        if time.perf_counter() > deadline:
            return None
        found.append(_placements(g.cells))
    train, test = found[: len(pairs)], found[len(pairs) :]
    for scaled in (False, True):
        rules = [TemplateRule(turns, scaled) for turns in _TURNS]
        for rule in [*rules, _by_colour(pairs, train, scaled)]:
            if all(
                np.array_equal(rule.complete(x.cells, p), y.cells)
                for (x, y), p in zip(pairs, train, strict=True)
            ) and all(
                (out := rule.completed(g.cells, p)) is not None and not np.array_equal(out, g.cells)
                for g, p in zip(unseen, test, strict=True)
            ):
                return rule
    return None
