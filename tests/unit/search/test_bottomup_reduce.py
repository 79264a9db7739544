"""Int outputs found as reductions of kept lists: ``(sum (map f xs))``, ``(max ...)``,
``(min ...)``, ``(length (filter p xs))``, and sums of products of two kept bodies."""

from __future__ import annotations

import pytest
from tests.unit.search.test_bottomup_parts import INPUTS, PAIRS

from metagrow.domains.lists import ListsDomain
from metagrow.lang import INT, Example, Program, Task, parse, parse_type
from metagrow.search import BottomUpEnumerator, Budget, solve
from metagrow.search._bottomup_banks import Context
from metagrow.search._reduce import _Bag


def _task(source: str, request: str) -> Task:
    program = Program(parse(source), ListsDomain().grammar().primitives)
    given = PAIRS if request.count("->") == 2 else [(xs,) for xs in INPUTS]
    examples = tuple(Example(args, program.run(args)) for args in given)
    return Task(source, parse_type(request), examples[:-1], examples[-1:])


@pytest.mark.parametrize(
    ("source", "type_text", "programs"),
    [
        # without the reductions, neither is found in 400,000 programs
        (
            "(lam (sum (map (lam (* $0 $0)) (filter (lam (even? $0)) $0))))",
            "list(int) -> int",
            200_000,
        ),
        (
            "(lam (lam (sum (map (lam (* (index $0 $1) (index $0 $2))) (range (length $0))))))",
            "list(int) -> list(int) -> int",
            400_000,
        ),
    ],
)
def test_reaches_sums_of_maps(
    lists: ListsDomain, source: str, type_text: str, programs: int
) -> None:
    task = _task(source, type_text)
    budget = Budget(
        60, programs=programs, run_limits=lists.limits()
    )  # a busy machine cannot fail it
    result = solve(task, lists.grammar(), BottomUpEnumerator(), budget)
    assert result.solved and result.program is not None, source
    assert result.predictions[0][:1] == (task.test[0].output,), str(result.program)


def test_a_bag_counts_each_elements_row_per_train_example() -> None:
    # rows: example 0 with $0 = 1, 2; example 1 with $0 = 1; then a test row
    ctx = Context((INT,), [(1,), (2,), (1,), (7,)], [0, 0, 1, 2])
    row_of = {(0, 1): 0, (0, 2): 1, (1, 1): 2}
    bag = _Bag.of(((1, 2, 1), (1,), (9,)), row_of, ctx, 2)
    assert bag is not None
    assert bag.counts.tolist() == [[2.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    assert [r.tolist() for r in bag.rows] == [[0, 1], [2]] and bag.full
    assert _Bag.of(((1, 5), (1,)), row_of, ctx, 2) is None  # 5 has no row
    empty = _Bag.of(((1,), ()), row_of, ctx, 2)
    assert empty is not None and not empty.full  # no max of an empty list
