"""Trying candidate rules on a task's grids: the first that reproduces every train output
and changes every grid it has not seen (a rule that leaves a test input as it is
predicts nothing), within a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np

from metagrow.domains.grids._grid import Cells, Grid

R = TypeVar("R")


def first_fitting(
    rules: Iterable[R],
    apply: Callable[[R, Cells], Cells | None],
    pairs: Sequence[tuple[Grid, Grid]],
    unseen: Sequence[Grid],
    deadline: float,
) -> R | None:
    """The first of ``rules`` whose ``apply`` gives every train output of ``pairs`` and
    changes every grid of ``unseen``; ``None`` if none does before ``deadline`` (a
    ``time.perf_counter`` instant)."""
    for rule in rules:
        if time.perf_counter() > deadline:
            return None
        if all(
            (out := apply(rule, x.cells)) is not None and np.array_equal(out, y.cells)
            for x, y in pairs
        ) and all(
            (out := apply(rule, g.cells)) is not None and not np.array_equal(out, g.cells)
            for g in unseen
        ):
            return rule
    return None
