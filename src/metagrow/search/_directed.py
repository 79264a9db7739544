"""Lambdas read off the output: when the wanted value is ``(map f xs)`` or ``(filter p xs)``
for a list ``xs`` already built, the train examples say what ``f`` (or ``p``) gives on each
element of ``xs``. Bottom-up search then only has to find a lambda body with those values
on the matching rows of its lambda context, instead of trying every lambda on every list.

Lambda bodies grow much more slowly than main-context programs (they are values of one
type, on a few dozen rows), so a ``map`` or ``filter`` with a body of six or seven
productions is found in the time the main context takes to reach programs of cost seven.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import final

from metagrow.lang import BOOL, Prim, TCon
from metagrow.search._rules import Rule, Signature

Vec = tuple[object, ...]


@final
class Spec:
    """What a lambda body must give: ``wants`` on the lambda-context rows ``rows``.
    ``complete`` when those rows cover every element of every train example's list; a
    body that fits an incomplete spec must still be checked by running the program."""

    __slots__ = ("complete", "pick", "rows", "wants")

    def __init__(self, rows: tuple[int, ...], wants: tuple[object, ...], complete: bool) -> None:
        self.rows = rows
        self.wants = wants
        self.complete = complete
        self.pick: Callable[[Vec], object] = (
            operator.itemgetter(*rows) if len(rows) > 1 else lambda v: (v[rows[0]],)
        )

    def fits(self, vec: Vec) -> bool:
        return self.pick(vec) == self.wants


def invertible(rule: Rule) -> str | None:
    """``"map"`` or ``"filter"`` for a rule of the list primitive of that name and type
    (``(a -> b) -> list(a) -> list(b)``, ``(a -> bool) -> list(a) -> list(a)``), else
    ``None``: the only higher-order productions whose lambda the output determines."""
    if not isinstance(rule.expr, Prim) or len(rule.args) != 2:
        return None
    sig, xs = rule.args
    if not isinstance(sig, Signature) or len(sig.params) != 1 or not _is_list(xs):
        return None
    assert isinstance(xs, TCon)
    if xs.args[0] != sig.params[0] or not _is_list(rule.result):
        return None
    if rule.expr.name == "map" and rule.result == TCon("list", (sig.result,)):
        return "map"
    if rule.expr.name == "filter" and sig.result == BOOL and rule.result == xs:
        return "filter"
    return None


def _is_list(t: object) -> bool:
    return isinstance(t, TCon) and t.name == "list" and len(t.args) == 1


def spec(
    kind: str, xs: Vec, target: Sequence[object], row_of: dict[tuple[int, object], int]
) -> Spec | None:
    """The values a lambda must give on each element of ``xs`` (one entry per train
    example) for ``kind`` of ``xs`` to be ``target``; ``None`` when no function does it, or
    when the lambda context covers fewer than half of the elements."""
    rows: list[int] = []
    wants: list[object] = []
    points = 0
    for i, (elements, out) in enumerate(zip(xs, target, strict=False)):
        if not isinstance(elements, tuple) or not isinstance(out, tuple):
            return None
        table = _table(kind, elements, out)
        if table is None:
            return None
        points += len(table)
        for x, y in table.items():
            row = row_of.get((i, x))
            if row is not None:
                rows.append(row)
                wants.append(y)
    if not rows or 2 * len(rows) < points:
        return None
    return Spec(tuple(rows), tuple(wants), len(rows) == points)


def _table(kind: str, elements: Vec, out: Vec) -> dict[object, object] | None:
    table: dict[object, object] = {}
    try:
        if kind == "map":
            if len(elements) != len(out):
                return None
            for x, y in zip(elements, out, strict=True):
                if table.setdefault(x, y) != y:
                    return None
            return table
        kept = set(out)
        if tuple(x for x in elements if x in kept) != out:
            return None
        return {x: x in kept for x in elements}
    except TypeError:  # an unhashable value
        return None
