"""The digits language: list primitives that have soft (differentiable) meanings, plus
two of its own for order over lists."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from metagrow.domains.lists import list_primitives
from metagrow.lang import BOOL, INT, T0, Primitive, arrow, tlist

LIST_NAMES = (
    "0",
    "1",
    "+",
    "sum",
    "max",
    "length",
    "map",
    "filter",
    "fold",
    "eq?",
    "gt?",
    "not",
)
"""Primitives borrowed from the lists domain."""


def _chain(
    relation: Callable[[object], Callable[[object], object]], xs: tuple[object, ...]
) -> bool:
    return all(relation(a)(b) for a, b in pairwise(xs))


def _le(a: int, b: int) -> bool:
    return a <= b


def digit_primitives() -> tuple[Primitive, ...]:
    """The digits domain's base library, in a fixed order."""
    borrowed = {p.name: p for p in list_primitives()}
    own = (
        Primitive("le?", arrow(INT, INT, BOOL), _le),
        Primitive("chain?", arrow(arrow(T0, T0, BOOL), tlist(T0), BOOL), _chain),
    )
    return (*(borrowed[name] for name in LIST_NAMES), *own)
