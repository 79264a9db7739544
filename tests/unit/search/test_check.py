from __future__ import annotations

import time

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Limits, Task, parse, parse_type
from metagrow.search import Budget, ExampleChecker, Progress

QUADRATIC = "(lam (map (lam (sum (map (lam (+ $0 1)) (range $1)))) (range $0)))"
SLOW = Task(
    "slow",
    parse_type("int -> list(int)"),
    tuple(Example((n,), (0, 1, 3)) for n in (3, 5000, 5001)),
)
GENEROUS = Limits(steps=10**9, depth=100, size=10**9, seconds=20.0)


def test_a_run_stops_at_the_search_deadline_not_at_its_own_limit(lists: ListsDomain) -> None:
    progress = Progress()
    progress.begin(Budget(0.1))
    checker = ExampleChecker(SLOW, lists.grammar(), GENEROUS, progress)
    start = time.perf_counter()
    assert not checker.accepts(parse(QUADRATIC))
    assert checker.score(parse(QUADRATIC)) < 1.0
    assert time.perf_counter() - start < 1.0


def test_without_a_deadline_the_run_limit_applies(lists: ListsDomain) -> None:
    checker = ExampleChecker(SLOW, lists.grammar(), Limits(steps=10**9, seconds=0.05))
    start = time.perf_counter()
    assert not checker.accepts(parse(QUADRATIC))
    assert time.perf_counter() - start < 1.0
    assert checker.accepts(parse("(lam (cons 0 (cons 1 (cons 3 empty))))"))
