"""Part selection read off examples: ``find_selector`` cuts each grid up once per
decomposition and passes over decompositions that cannot give an output, and must still
return the first selector, in :data:`SELECTORS`' order, that tried one by one fits."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from metagrow.domains.grids import Grid
from metagrow.domains.grids._select import SELECTORS, Selector, find_selector


def _scene(rng: np.random.Generator) -> Grid:
    """A black grid with a few small blocks of a few colours."""
    h, w = (int(v) for v in rng.integers(5, 10, size=2))
    c = np.zeros((h, w), dtype=np.uint8)
    for _ in range(int(rng.integers(2, 6))):
        top, left = int(rng.integers(0, h - 1)), int(rng.integers(0, w - 1))
        bh, bw = (int(v) for v in rng.integers(1, 4, size=2))
        c[top : top + bh, left : left + bw] = int(rng.integers(1, 5))
        c[int(rng.integers(0, h)), int(rng.integers(0, w))] = 0
    return Grid(c)


def _one_by_one(pairs: Sequence[tuple[Grid, Grid]], tests: Sequence[Grid]) -> Selector | None:
    return next(
        (
            s
            for s in SELECTORS
            if all(s(x) == y for x, y in pairs) and all(s(g) is not None for g in tests)
        ),
        None,
    )


def _answering(inputs: Sequence[Grid], start: int) -> Selector | None:
    """The first selector from ``start`` on (round the list) that picks a part other
    than the whole grid from every input."""
    for k in range(len(SELECTORS)):
        s = SELECTORS[(start + k) % len(SELECTORS)]
        picked = [s(x) for x in inputs]
        if all(y is not None and y.shape != x.shape for x, y in zip(inputs, picked, strict=True)):
            return s
    return None


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, len(SELECTORS) - 1))
def test_the_first_selector_that_fits_is_found(seed: int, start: int) -> None:
    rng = np.random.default_rng(seed)
    inputs = [_scene(rng) for _ in range(3)]
    maker = _answering(inputs, start)
    assume(maker is not None)
    assert maker is not None
    pairs = [(x, y) for x in inputs[:2] if (y := maker(x)) is not None]
    found = find_selector(pairs, inputs[2:])
    assert found == _one_by_one(pairs, inputs[2:])
    assert found is not None  # the selector that made the outputs fits, or an earlier one
    assert all(found(x) == y for x, y in pairs)
