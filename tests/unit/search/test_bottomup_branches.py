"""Map bodies ``(if c a b)`` found from the output: masks of the rows each kept body is
right on, and of the rows each kept condition holds on."""

from __future__ import annotations

import pytest
from tests.unit.search.test_bottomup_parts import make_task, solves

from metagrow.domains.lists import ListsDomain
from metagrow.lang import BOOL, INT, Prim, Var, parse_type
from metagrow.search._bottomup_banks import Context
from metagrow.search._branches import Branches, conditionals, covering, if_rules
from metagrow.search._directed import Spec
from metagrow.search._lambdas import FAILED
from metagrow.search._rules import Rule, rules, universe


def _context(bodies: dict[int, list[tuple[str, tuple[object, ...]]]], rows: int) -> Context:
    """A lambda context of ``rows`` rows whose bank keeps the given bodies by cost (the
    recipes are named primitives, enough to tell them apart)."""
    ctx = Context((INT,), [(r,) for r in range(rows)], [0] * rows)
    for cost, entries in bodies.items():
        for name, vec in entries:
            t = BOOL if all(v is True or v is False or v is FAILED for v in vec) else INT
            ctx.bank.add(cost, t, Prim(name), vec)
    return ctx


def _if_rule(lists: ListsDomain) -> Rule:
    grammar = lists.grammar()
    request = parse_type("list(int) -> list(int)")
    return if_rules(rules(grammar, universe(request, grammar), lists.limits()))[INT]


def test_masks_say_where_each_body_is_right() -> None:
    spec = Spec((0, 1, 2, 3), (5, 6, 7, 8), True)
    ctx = _context({1: [("a", (5, 0, 7, 0)), ("b", (0, 6, 0, 8)), ("same", (5, 6, 7, 8))]}, 4)
    branches = Branches(spec)
    # right everywhere is no branch: such a body is a solution by itself
    assert branches.rights(ctx, 1, INT) == [(0b0101, Prim("a")), (0b1010, Prim("b"))]
    assert covering(branches.rights(ctx, 1, INT), 0b0001) == Prim("a")
    assert covering(branches.rights(ctx, 1, INT), 0b0011) is None


def test_a_condition_that_fails_on_a_row_or_never_changes_is_no_condition() -> None:
    spec = Spec((0, 1, 2), (1, 2, 3), True)
    ctx = _context(
        {1: [("odd", (True, False, True)), ("bad", (True, FAILED, False)), ("all", (True,) * 3)]},
        3,
    )
    assert Branches(spec).conditions(ctx, 1) == [(0b101, Prim("odd"))]


def test_conditionals_pair_a_condition_with_branches_right_where_it_sends_them(
    lists: ListsDomain,
) -> None:
    spec = Spec((0, 1, 2, 3), (5, 6, 7, 8), True)
    ctx = _context(
        {
            1: [("a", (5, 0, 7, 9)), ("b", (0, 6, 0, 8))],
            2: [("c", (True, False, True, False)), ("wrong", (True, True, False, False))],
        },
        4,
    )
    if_rule = _if_rule(lists)
    found = list(conditionals(Branches(spec), ctx, (2, 1, 1), if_rule, lambda: None))
    assert found == [(if_rule.expr, (Prim("c"), Prim("a"), Prim("b")))]
    # no condition of cost 1, and a's mask does not cover what "wrong" sends to it
    assert list(conditionals(Branches(spec), ctx, (1, 1, 1), if_rule, lambda: None)) == []


@pytest.mark.parametrize(
    "source",
    [
        "(lam (map (lam (if (even? (index $0 $1)) $0 (index $0 $1))) (range (length $0))))",
        "(lam (map (lam (if (gt? $0 4) (- $0 1) (* $0 $0))) $0))",
    ],
)
def test_reaches_maps_of_conditional_bodies(lists: ListsDomain, source: str) -> None:
    # Without the conditional bodies, neither is found in 400,000 programs.
    solves(lists, make_task(source), 200_000)


def test_variables_are_leaves_of_the_bodies() -> None:
    spec = Spec((0, 1), (0, 1), True)
    ctx = Context((INT,), [(0,), (1,)], [0, 0])
    ctx.bank.add(1, INT, Var(0), (0, 1))
    assert Branches(spec).rights(ctx, 1, INT) == []  # right everywhere: not a branch
