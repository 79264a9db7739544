"""Int outputs found as reductions of kept lists: ``(sum (map f xs))``, ``(max ...)``,
``(min ...)``, ``(length (filter p xs))``, and sums of products of two kept bodies."""

from __future__ import annotations

import pytest
from tests.unit.search.test_bottomup_parts import INPUTS, PAIRS, make_task

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Prim, Program, Task, Var, parse, parse_type
from metagrow.search import BottomUpEnumerator, Budget, solve
from metagrow.search._bottomup_banks import LAM
from metagrow.search._reduce import Bag, Frame, _only_own


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


def test_a_bag_counts_each_elements_row_per_row_of_the_frame() -> None:
    # the frame: rows 0 and 1 of some context, of examples 0 and 1, and a row 2 of a
    # test example; the lambda context's rows: example 0 with $0 = 1, 2, example 1 with 1
    row_of = {(0, 1): 0, (0, 2): 1, (1, 1): 2}
    frame = Frame((0, 1), [0, 1, 2], (0, 0), 1)
    bag = Bag.of(((1, 2, 1), (1,), (9,)), frame, row_of, 3)
    assert bag is not None
    assert bag.counts.tolist() == [[2.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    assert [r.tolist() for r in bag.rows] == [[0, 1], [2]] and bag.full
    assert Bag.of(((1, 5), (1,)), frame, row_of, 3) is None  # 5 has no row
    two_rows_of_example_0 = Frame((0, 1), [0, 0], (0, 0), 2)
    bag = Bag.of(((1,), (2, 2)), two_rows_of_example_0, row_of, 3)
    assert bag is not None and bag.counts.tolist() == [[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]
    empty = Bag.of(((1,), ()), frame, row_of, 3)
    assert empty is not None and not empty.full  # no max of an empty list


def test_only_bodies_of_their_own_parameter_carry_into_other_lambdas() -> None:
    even, plus = Prim("even?"), Prim("+")
    assert _only_own((even, (Var(0),)))
    assert not _only_own((plus, (Var(0), Var(1))))
    assert not _only_own((LAM, 1, Var(0)))


def test_reaches_map_bodies_that_reduce_a_list_body(lists: ListsDomain) -> None:
    # running counts: without the reductions in map bodies, what fits in 800,000
    # programs is a wrong program; with them the count is found in 200,000
    source = (
        "(lam (map (lam (length (filter (lam (even? $0)) (take (+ $0 1) $1))))"
        " (range (length $0))))"
    )
    task = make_task(source)
    budget = Budget(60, programs=200_000, run_limits=lists.limits())
    result = solve(task, lists.grammar(), BottomUpEnumerator(), budget)
    assert result.solved and result.program is not None
    assert "filter (lam (even? $0))" in str(result.program)
    assert result.predictions[0][:1] == (task.test[0].output,), str(result.program)
