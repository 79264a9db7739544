"""The mass of bottom-up's classes (the priors of every program found to compute the same
values), and answers ranked by it."""

from __future__ import annotations

import math
from collections.abc import Iterator

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Grammar, Task, parse, parse_type
from metagrow.search import BottomUpEnumerator, Budget, Engine, Progress, Solution, solve
from metagrow.search._bottomup_mass import Masses
from metagrow.search._engine import Mass


def test_masses_add_over_the_programs_of_a_class() -> None:
    masses = Masses(productions=10, search=0)
    cell = masses.count(2, (True, False))
    assert math.isclose(cell.value, 0.1**2)
    assert masses.count(3, (True, False)) is cell  # one more program of the class
    assert math.isclose(cell.value, 0.1**2 + 0.1**3)
    other = masses.count(2, (True, True))
    assert other is not cell and math.isclose(other.value, 0.1**2)


class _Scripted(Engine):
    """Yields the given programs as fitting every example, with log-priors and masses;
    the last mass grows after it is given (as bottom-up's do while the search goes on)."""

    name = "scripted"

    def __init__(self, programs: list[tuple[str, float, Mass]]) -> None:
        self.programs = programs

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        for i, (text, prior, mass) in enumerate(self.programs):
            yield Solution(parse(text), prior, 1.0, 0.001 * i, i + 1, mass=mass)
        self.programs[-1][2].value *= 10


def _task() -> Task:
    # `length` gives 2 on the test input (3, 1), `max` 3.
    t = parse_type("list(int) -> int")
    return Task("two", t, (Example(((2, 2),), 2),), (Example(((3, 1),), 3),))


def test_a_class_many_programs_reach_outranks_a_cheaper_one(lists: ListsDomain) -> None:
    # `length` is likelier as a program, but `max`'s class ends with more mass
    programs = [("(lam (length $0))", -1.0, Mass(0.3, 0)), ("(lam (max $0))", -1.5, Mass(0.1, 0))]
    grammar = lists.grammar()
    by_mass = solve(_task(), grammar, _Scripted(list(programs)), Budget(5.0), ranking="mass")
    assert by_mass.predictions == ((3, 2),)
    assert str(by_mass.program) == "(lam (max $0))"
    programs[1][2].value = 0.1
    found = solve(_task(), grammar, _Scripted(list(programs)), Budget(5.0), ranking="posterior")
    assert found.predictions == ((2, 3),)


def test_masses_of_different_searches_do_not_add(lists: ListsDomain) -> None:
    # a portfolio's two stages find `length`'s class twice: the larger mass counts
    programs = [
        ("(lam (length $0))", -1.0, Mass(0.3, 0)),
        ("(lam (length (reverse $0)))", -2.0, Mass(0.3, 1)),
        ("(lam (max $0))", -1.5, Mass(0.05, 0)),  # grows to 0.5 after it is given
    ]
    result = solve(_task(), lists.grammar(), _Scripted(programs), Budget(5.0), ranking="mass")
    assert result.predictions == ((3, 2),)  # 0.5 against 0.3, not against 0.6


def test_bottomup_counts_programs_found_after_a_solution(lists: ListsDomain) -> None:
    task = Task("max", parse_type("list(int) -> int"), (Example(((2, 7, 1),), 7),))
    search = BottomUpEnumerator().search(
        task, lists.grammar(), Budget(20, programs=30_000, run_limits=lists.limits())
    )
    first = next(search)
    assert first.mass is not None and str(first.program) == "(lam (max $0))"
    at_first = first.mass.value
    for _ in search:
        pass
    assert first.mass.value > at_first  # (max (sort $0)), (head (reverse (sort $0))), ...


def test_nearly_equal_masses_keep_the_order_found(lists: ListsDomain) -> None:
    programs = [("(lam (length $0))", -1.0, Mass(0.100, 0)), ("(lam (max $0))", -1.5, Mass(0.1, 0))]
    programs[1][2].value = 0.1  # grows to 1.0 after it is given: not a tie
    result = solve(_task(), lists.grammar(), _Scripted(programs), Budget(5.0), ranking="mass")
    assert result.predictions == ((3, 2),)
    close = [("(lam (length $0))", -1.0, Mass(0.100, 0)), ("(lam (max $0))", -1.5, Mass(0.0101, 0))]
    result = solve(_task(), lists.grammar(), _Scripted(close), Budget(5.0), ranking="mass")
    assert result.predictions == ((2, 3),)  # 0.101 against 0.100: a tie, the first found first
