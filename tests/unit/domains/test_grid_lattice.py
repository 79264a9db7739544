"""Lattices: grids whose lines cut them into panels of one colour each, read as small
grids with one cell per panel."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import GRID, Grid, GridsDomain
from metagrow.domains.grids._lattice import LatticeRule, condensed, expanded, latticed
from metagrow.lang import Example, Task, arrow

ROWS = (2, 1, 3, 2, 1)
COLS = (1, 3, 2, 2, 1, 2)
LINE = 5


def _drawn(small: np.ndarray, rows: tuple[int, ...] = ROWS, cols: tuple[int, ...] = COLS) -> Grid:
    """``small`` drawn as a lattice: panels of the given heights and widths between
    lines of colour 5."""
    tall = np.repeat(small, rows, axis=0)
    big = np.repeat(tall, cols, axis=1)
    for axis, sizes in ((0, rows), (1, cols)):
        for at in reversed(np.cumsum(sizes)[:-1].tolist()):
            big = np.insert(big, at, LINE, axis=axis)
    return Grid(big.astype(np.uint8))


def _joined(small: np.ndarray) -> np.ndarray:
    """Each row's two cells of one colour joined by a line of that colour."""
    out = small.copy()
    for r in range(small.shape[0]):
        cells = np.flatnonzero(small[r])
        if len(cells) == 2:
            out[r, cells[0] : cells[1] + 1] = small[r, cells[0]]
    return out


def _small(rng: np.random.Generator) -> np.ndarray:
    small = np.zeros((len(ROWS), len(COLS)), dtype=np.uint8)
    for r in rng.choice(len(ROWS), size=3, replace=False).tolist():
        a, b = sorted(rng.choice(len(COLS), size=2, replace=False).tolist())
        small[r, a] = small[r, b] = int(rng.choice([1, 2, 3]))
    return small


def test_a_lattice_condenses_to_its_panels_and_expands_back() -> None:
    small = np.arange(30, dtype=np.uint8).reshape(5, 6) % 5  # no panel of the line colour
    big = _drawn(small).cells
    read = condensed(big)
    assert read is not None
    got, spans = read
    assert np.array_equal(got, small)
    assert [b - a for a, b in spans[0]] == list(ROWS)
    assert [b - a for a, b in spans[1]] == list(COLS)
    assert np.array_equal(expanded(got, big, spans), big)
    other = (small + 1) % 5
    assert np.array_equal(expanded(other, big, spans), _drawn(other).cells)


def test_a_panel_of_two_colours_or_a_grid_without_lines_is_no_lattice() -> None:
    big = _drawn(np.ones((5, 6), dtype=np.uint8)).cells.copy()
    big[0, 0] = 2  # the first panel shows 1 and 2
    assert condensed(big) is None
    assert condensed(np.ones((4, 4), dtype=np.uint8)) is None
    rule = LatticeRule(lambda g: g, "same_lattice")
    assert rule(Grid(np.ones((4, 4), dtype=np.uint8))) is None


def test_a_rule_on_the_small_grids_answers_on_a_lattice_it_never_saw() -> None:
    rng = np.random.default_rng(3)
    smalls = [_small(rng) for _ in range(4)]
    pairs = [(_drawn(s), _drawn(_joined(s))) for s in smalls[:3]]
    test = _drawn(smalls[3])
    task = Task(
        "lattice",
        arrow(GRID, GRID),
        tuple(Example((x,), y) for x, y in pairs),
        (Example((test,), _drawn(_joined(smalls[3]))),),
    )
    domain = GridsDomain()
    grammar = domain.task_grammar(task, domain.grammar(), 2.0)
    names = [n for n in grammar.primitives if n.endswith("_lattice")]
    assert names, "no rule read off the small grids"
    rule = grammar.primitives[names[0]].value
    assert rule(test) == _drawn(_joined(smalls[3]))


def test_latticed_refuses_outputs_whose_lines_moved() -> None:
    small = np.zeros((5, 6), dtype=np.uint8)
    shifted = _drawn(small, (1, 2, 3, 2, 1), COLS)  # other row spans than the input's
    pairs = [(_drawn(small), shifted)]
    assert latticed(lambda p, t: LatticeRule(lambda g: g, "x"), pairs, [_drawn(small)]) is None
