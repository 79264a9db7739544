"""Lambda bodies that count the elements of a list related to the lambda's parameter:
``(length (filter (lam p) ys))`` with ``p`` reading both parameters, as a ``map`` body, as
a ``filter`` body against a constant, and inside an int output's ``(length (filter ...))``."""

from __future__ import annotations

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Program, Task, parse, parse_type
from metagrow.search import BottomUpEnumerator, Budget, solve

WITH_REPEATS = [
    (3, 1, 3, 4),
    (5, 5, 2),
    (1, 2, 3, 2, 0),
    (7, 0, 7, 7, 2),
    (4, 4, 4, 1),
    (2, 6, 2, 6, 9),
    (1, 9, 5, 3),
    (6, 6),
    (8, 1, 8),
]


def _task(source: str, request: str) -> Task:
    program = Program(parse(source), ListsDomain().grammar().primitives)
    examples = tuple(Example((xs,), program.run((xs,))) for xs in WITH_REPEATS)
    return Task(source, parse_type(request), examples[:-1], examples[-1:])


@pytest.mark.parametrize(
    ("source", "request_text"),
    [
        # each element's rank: how many elements are smaller
        ("(lam (map (lam (length (filter (lam (gt? $1 $0)) $1))) $0))", "list(int) -> list(int)"),
        # the elements that occur more than once
        (
            "(lam (filter (lam (gt? (length (filter (lam (eq? $0 $1)) $1)) 1)) $0))",
            "list(int) -> list(int)",
        ),
        # how many elements occur once
        (
            "(lam (length (filter (lam (eq? (length (filter (lam (eq? $0 $1)) $1)) 1)) $0)))",
            "list(int) -> int",
        ),
        # how many distinct values (of those below 10) the list holds
        (
            "(lam (length (filter (lam (gt? (length (filter (lam (eq? $0 $1)) $1)) 0))"
            " (range (+ 5 5)))))",
            "list(int) -> int",
        ),
    ],
)
def test_reaches_bodies_that_count_related_elements(
    lists: ListsDomain, source: str, request_text: str
) -> None:
    # measured: each is found in 150,000 programs; without the counting bodies none is in
    # 400,000 (the third: a wrong cheap program fits with fewer examples)
    task = _task(source, request_text)
    budget = Budget(60, programs=200_000, run_limits=lists.limits())
    result = solve(task, lists.grammar(), BottomUpEnumerator(), budget)
    assert result.solved and result.program is not None, source
    assert "(length (filter (lam" in str(result.program)
    program = Program(result.program, lists.grammar().primitives)
    for xs in [(9, 9, 1, 2, 1, 1), (0, 5, 3, 5), (2,), (4, 1, 4, 1, 4)]:
        assert program.run((xs,)) == Program(parse(source), lists.grammar().primitives).run((xs,))
