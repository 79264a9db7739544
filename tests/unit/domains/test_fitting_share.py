"""A domain names the share of a task's budget that reading primitives off the task's
examples may take (``Domain.fitting_share``), and ``solve_in_domain`` keeps to it."""

from __future__ import annotations

import time

from metagrow.domains import Domain
from metagrow.domains.grids import GridsDomain
from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Grammar, Task, parse_type
from metagrow.search import BottomUpEnumerator, Budget, solve_in_domain


class _Recording(Domain):
    """The lists domain, recording the seconds its task_grammar is given."""

    fitting_share = 0.4

    def __init__(self) -> None:
        self.given: list[float] = []

    def grammar(self) -> Grammar:
        return ListsDomain().grammar()

    def constructors(self) -> frozenset[str]:
        return ListsDomain().constructors()

    def task_grammar(self, task: Task, grammar: Grammar, seconds: float = 5.0) -> Grammar:
        self.given.append(seconds)
        return grammar


def test_task_grammar_gets_the_domains_share_of_the_budget() -> None:
    task = Task(
        "reverse",
        parse_type("list(int) -> list(int)"),
        (Example(((1, 2),), (2, 1)), Example(((3, 4, 5),), (5, 4, 3))),
        (Example(((7, 8),), (8, 7)),),
    )
    domain = _Recording()
    budget = Budget(2.5, run_limits=domain.limits())
    result = solve_in_domain(task, domain, domain.grammar(), BottomUpEnumerator(), budget, 1)
    assert result.solved
    assert domain.given == [0.4 * 2.5]


def test_the_default_share_is_a_quarter_and_grids_take_more() -> None:
    assert ListsDomain.fitting_share == 0.25
    assert GridsDomain.fitting_share == 0.85


class _Small(_Recording):
    search_memory_mb = 25


def test_a_budget_without_memory_gets_the_domains_search_memory() -> None:
    """The bottom-up search stops growing once its process has gained the domain's
    ``search_memory_mb``: a search no program ends, given 20 s, ends in a few."""
    task = Task(
        "noise",
        parse_type("list(int) -> list(int)"),
        (Example(((1, 2),), (9, 9, 9)), Example(((3, 4, 5),), (5, 4, 3))),
        (Example(((7, 8),), (8, 7)),),
    )
    domain = _Small()
    start = time.perf_counter()
    solve_in_domain(task, domain, domain.grammar(), BottomUpEnumerator(), Budget(20.0), 1)
    assert time.perf_counter() - start < 10
    assert ListsDomain.search_memory_mb is None and GridsDomain.search_memory_mb == 1200
