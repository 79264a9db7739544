"""Map bodies ``(if c a b)`` read off the output: where the output is ``(map f xs)`` of a
kept list, the examples say what ``f`` gives on each element (a :class:`Spec`). A body
that gives those values on only some rows still says something: each kept body ``a`` is
right on a set of rows (a bit mask), each kept boolean body ``c`` is true on a set of
rows, and ``(if c a b)`` fits when ``a`` is right wherever ``c`` is true and ``b``
wherever it is false. So a conditional body is found by comparing masks, one pass over
the kept conditions per pair of levels, instead of growing the main context to the cost
of the whole ``map``: "an even element becomes its position, odd ones stay" is
``(map (lam (if (even? (index $0 $1)) $0 (index $0 $1))) (range (length $0)))``, a
body of cost 9 found from three bodies of cost 4 and less.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, final

from metagrow.lang import BOOL, Expr, Type, lambdas
from metagrow.search._bottomup_banks import Context, Recipe, build, wrap
from metagrow.search._rules import Rule, rule_name

if TYPE_CHECKING:
    from metagrow.search._directed import Spec


@final
class Branches:
    """The kept bodies of one lambda context as masks over one spec's rows, by level:
    ``right[(cost, type)]`` maps each mask of rows a body of that cost is right on to the
    first such body; ``true[cost]`` each mask of rows a boolean body is true on (and that
    is defined on every row) to the first such body."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.full = (1 << len(spec.rows)) - 1
        self.right: dict[tuple[int, Type], list[tuple[int, Recipe]]] = {}
        self.true: dict[int, list[tuple[int, Recipe]]] = {}

    def rights(self, lctx: Context, cost: int, t: Type) -> list[tuple[int, Recipe]]:
        """Masks of the rows where bodies of ``cost`` and type ``t`` give the wanted
        value, each with its first body; bodies right nowhere or everywhere left out."""
        key = (cost, t)
        if key not in self.right:
            masks: dict[int, Recipe] = {}
            pick, wants = self.spec.pick, self.spec.wants
            for recipe, vec in lctx.bank.at(cost, t):
                mask = 0
                for bit, (got, want) in enumerate(zip(pick(vec), wants, strict=True)):
                    if got == want:
                        mask |= 1 << bit
                if mask and mask != self.full:
                    masks.setdefault(mask, recipe)
            self.right[key] = list(masks.items())
        return self.right[key]

    def conditions(self, lctx: Context, cost: int) -> list[tuple[int, Recipe]]:
        """Masks of the rows where boolean bodies of ``cost`` are true, each with its first
        body; bodies that fail on a row or are constant on the rows left out."""
        if cost not in self.true:
            masks: dict[int, Recipe] = {}
            for recipe, vec in lctx.bank.at(cost, BOOL):
                mask = 0
                for bit, value in enumerate(self.spec.pick(vec)):
                    if value is True:
                        mask |= 1 << bit
                    elif value is not False:
                        break  # fails on a row, where the if would fail
                else:
                    if mask and mask != self.full:
                        masks.setdefault(mask, recipe)
            self.true[cost] = list(masks.items())
        return self.true[cost]


def covering(masks: list[tuple[int, Recipe]], rows: int) -> Recipe | None:
    """The first body whose mask holds every row of ``rows``."""
    for mask, recipe in masks:
        if mask & rows == rows:
            return recipe
    return None


def if_rules(rules: list[Rule]) -> dict[Type, Rule]:
    """The ``if`` productions by the type of their branches."""
    out: dict[Type, Rule] = {}
    for r in rules:
        if (
            rule_name(r) == "if"
            and len(r.args) == 3
            and r.args[0] == BOOL
            and r.args[1] == r.args[2] == r.result
        ):
            out.setdefault(r.result, r)
    return out


def conditionals(
    branches: Branches,
    lctx: Context,
    costs: tuple[int, int, int],
    if_rule: Rule,
    check: object,
) -> Iterator[Recipe]:
    """Bodies ``(if c a b)`` with ``c``, ``a`` and ``b`` of the given ``costs`` that give
    the spec's values on every one of its rows; ``check`` is called once per condition
    (the search's clock and program count)."""
    c_cost, a_cost, b_cost = costs
    t = if_rule.result
    conds = branches.conditions(lctx, c_cost)
    if not conds:
        return
    then, other = branches.rights(lctx, a_cost, t), branches.rights(lctx, b_cost, t)
    if not then or not other:
        return
    assert callable(check)
    for true, c in conds:
        check()
        a = covering(then, true)
        if a is None:
            continue
        b = covering(other, branches.full ^ true)
        if b is not None:
            yield (if_rule.expr, (c, a, b))


def map_of(rule: Rule, body: Recipe, xs: Recipe, n_args: int) -> Expr:
    """The program ``(map (lam body) xs)`` of ``rule``."""
    return lambdas(build((rule.expr, (wrap(body, 1), xs))), n_args)
