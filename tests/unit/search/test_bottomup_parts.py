"""Bottom-up search from the output in parts: two kept lists that begin and end the output
make an ``append`` solution as soon as the dearer one is kept, and a ``map`` whose body is
``(+ u v)`` or ``(- u v)`` is found from two kept bodies."""

from __future__ import annotations

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Program, Task, parse, parse_type
from metagrow.search import BottomUpEnumerator, Budget, Progress, solve
from metagrow.search._bottomup import _Search
from metagrow.search._directed import Halves

INPUTS = [(3, 1, 4), (1, 5, 9, 2), (6, 0), (5, 3, 5, 8), (2, 7, 1), (4, 4, 0, 9, 1)]
PAIRS = [
    ((3, 1, 4), (2, 2, 7)),
    ((1, 5, 9, 2), (0, 3, 3, 1)),
    ((6, 0), (1, 8)),
    ((5, 3, 5, 8), (9, 9, 1, 0)),
    ((2, 7, 1), (4, 0, 6)),
    ((4, 4, 0, 9), (1, 2, 3, 4)),
]


def make_task(source: str, request: str = "list(int) -> list(int)") -> Task:
    program = Program(parse(source), ListsDomain().grammar().primitives)
    examples = tuple(Example((xs,), program.run((xs,))) for xs in INPUTS)
    return Task(source, parse_type(request), examples[:-1], examples[-1:])


def make_task_of_two(source: str) -> Task:
    program = Program(parse(source), ListsDomain().grammar().primitives)
    examples = tuple(Example(xy, program.run(xy)) for xy in PAIRS)
    return Task(
        source, parse_type("list(int) -> list(int) -> list(int)"), examples[:-1], examples[-1:]
    )


def solves(lists: ListsDomain, task: Task, programs: int) -> None:
    # A program budget, not seconds, so that a busy machine cannot fail the test.
    budget = Budget(60, programs=programs, run_limits=lists.limits())
    result = solve(task, lists.grammar(), BottomUpEnumerator(), budget)
    assert result.solved, task.name
    assert result.program is not None
    assert result.predictions[0][:1] == (task.test[0].output,), (task.name, str(result.program))


@pytest.mark.parametrize(
    "source",
    [
        "(lam (append (filter (lam (even? $0)) $0) (filter (lam (not (even? $0))) $0)))",
        "(lam (append (filter (lam (gt? $0 3)) $0) (filter (lam (not (gt? $0 3))) $0)))",
        "(lam (append (drop (- (length $0) 2) $0) (take (- (length $0) 2) $0)))",
    ],
)
def test_reaches_appends_of_two_kept_lists(lists: ListsDomain, source: str) -> None:
    # The main context alone does not reach these in 300,000 programs.
    solves(lists, make_task(source), 60_000)


@pytest.mark.parametrize(
    "source",
    [
        "(lam (map (lam (+ (index $0 $1) (index (+ $0 1) $1))) (range (- (length $0) 1))))",
        "(lam (map (lam (- (* $0 $0) (index $0 $1))) (range (length $0))))",
    ],
)
def test_reaches_maps_of_sums_and_differences_of_kept_bodies(
    lists: ListsDomain, source: str
) -> None:
    # Without the sums, these take more than 120,000 programs (the first) and 200,000.
    solves(lists, make_task(source), 60_000)


def test_reaches_a_sum_of_two_lists_by_position(lists: ListsDomain) -> None:
    source = "(lam (lam (map (lam (+ (index $0 $1) (index $0 $2))) (range (length $0)))))"
    solves(lists, make_task_of_two(source), 60_000)


def _halves(search: _Search, levels: int) -> list[tuple[int, str]]:
    (halves,) = search.from_output.halves
    return [(cost, str(p)) for cost, p in halves.search_to(search, levels)]


def test_halves_pair_lists_whose_lengths_add_up(lists: ListsDomain) -> None:
    task = make_task("(lam (append (reverse $0) (sort $0)))")
    search = _Search(task, lists.grammar(), Budget(10), Progress(), max_bank=10**6)
    found: list[tuple[int, str]] = []
    for cost in range(1, 4):
        for _ in search.level(cost):
            pass
        found += _halves(search, cost)
    # Each pair once, when its dearer half is kept, at its cost; no half is the output
    # itself or empty, and (append $0 $0) has the right lengths but not the values.
    assert found == [(5, "(lam (append (reverse $0) (sort $0)))")]


def test_halves_only_for_outputs_that_are_lists(lists: ListsDomain) -> None:
    def halves(task: Task) -> list[Halves]:
        search = _Search(task, lists.grammar(), Budget(10), Progress(), max_bank=10**6)
        return search.from_output.halves

    assert halves(make_task("(lam (sum $0))", "list(int) -> int")) == []
    assert len(halves(make_task("(lam $0)"))) == 1


def test_halves_mostly_empty_are_left_out(lists: ListsDomain) -> None:
    # (filter (eq? $0 5)) is empty on most train examples: pairing such a half with what
    # fits the rest would overfit, so the append of it is not found from the output.
    task = make_task("(lam (append (filter (lam (eq? $0 5)) $0) (sort $0)))")
    search = _Search(task, lists.grammar(), Budget(10), Progress(), max_bank=10**6)
    found: list[tuple[int, str]] = []
    for cost in range(1, 7):
        for _ in search.level(cost):
            pass
        found += _halves(search, cost)
    assert found == []
