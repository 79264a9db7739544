"""Ranking answers by the posterior summed over the programs that give each one."""

from __future__ import annotations

import math
from collections.abc import Iterator

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Grammar, Task, parse, parse_type
from metagrow.search import Budget, Engine, Progress, Solution, solve


class _Scripted(Engine):
    """Yields the given programs, with the given log-priors, as fitting every example."""

    name = "scripted"

    def __init__(self, programs: list[tuple[str, float]]) -> None:
        self.programs = programs

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        for i, (text, prior) in enumerate(self.programs):
            yield Solution(parse(text), prior, 1.0, 0.001 * i, i + 1)


def _task() -> Task:
    # Every program below gives 2 on the train input; on the test input (3, 1) `length`
    # gives 2 and `max` and `head` agree on 3.
    t = parse_type("list(int) -> int")
    return Task("two", t, (Example(((2, 2),), 2),), (Example(((3, 1),), 3),))


# the likeliest program alone says 2; two less likely ones together say 3
_PROGRAMS = [("(lam (length $0))", -1.0), ("(lam (max $0))", -1.5), ("(lam (head $0))", -1.6)]


def test_two_programs_that_agree_outweigh_a_likelier_one(lists: ListsDomain) -> None:
    assert math.exp(-1.5) + math.exp(-1.6) > math.exp(-1.0)
    result = solve(_task(), lists.grammar(), _Scripted(_PROGRAMS), Budget(5.0), ranking="posterior")
    assert result.predictions == ((3, 2),)
    assert str(result.program) == "(lam (max $0))"  # the likeliest program giving 3
    assert [str(s.program) for s in result.solutions] == ["(lam (max $0))", "(lam (length $0))"]
    assert result.first_solution is not None and result.first_solution.seconds == 0.0


def test_ranked_as_found_the_first_program_found_comes_first(lists: ListsDomain) -> None:
    result = solve(_task(), lists.grammar(), _Scripted(_PROGRAMS), Budget(5.0))
    assert result.predictions == ((2, 3),)
    assert str(result.program) == "(lam (length $0))"


def test_a_program_found_twice_counts_once(lists: ListsDomain) -> None:
    again = [_PROGRAMS[0], _PROGRAMS[1], _PROGRAMS[1], _PROGRAMS[1]]
    result = solve(_task(), lists.grammar(), _Scripted(again), Budget(5.0), ranking="posterior")
    assert result.predictions == ((2, 3),)  # e^-1 against e^-1.5, not against 3 e^-1.5


def test_the_likeliest_program_speaks_for_its_answer(lists: ListsDomain) -> None:
    later = [("(lam (head $0))", -3.0), ("(lam (max $0))", -2.0)]
    result = solve(_task(), lists.grammar(), _Scripted(later), Budget(5.0), ranking="posterior")
    assert str(result.program) == "(lam (max $0))"


def test_ranked_by_the_likeliest_program_whatever_the_order_found(lists: ListsDomain) -> None:
    # found last, but the likeliest program: its answer comes first; the two that agree
    # on 3 do not add up as they would under the posterior
    late = [("(lam (max $0))", -1.5), ("(lam (head $0))", -1.6), ("(lam (length $0))", -1.0)]
    result = solve(_task(), lists.grammar(), _Scripted(late), Budget(5.0), ranking="likeliest")
    assert result.predictions == ((2, 3),)
    assert str(result.program) == "(lam (length $0))"
    found = solve(_task(), lists.grammar(), _Scripted(late), Budget(5.0))
    assert found.predictions == ((3, 2),)
