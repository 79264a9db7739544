"""Every engine passes the shared contract in ``metagrow.testing``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from metagrow.lang import Grammar, Task
from metagrow.search import (
    BottomUpEnumerator,
    Budget,
    Engine,
    EvolutionEngine,
    Progress,
    Solution,
    TopDownEnumerator,
)
from metagrow.testing import (
    check_engine_finds_known_programs,
    check_engine_is_deterministic,
    check_engine_respects_budget,
    check_engine_yields_well_typed_solutions,
)


def evolution() -> Engine:
    return EvolutionEngine(seed=0)


ENGINES: list[Callable[[], Engine]] = [TopDownEnumerator, BottomUpEnumerator, evolution]
CHECKS = [
    check_engine_finds_known_programs,
    check_engine_respects_budget,
    check_engine_yields_well_typed_solutions,
    check_engine_is_deterministic,
]


@pytest.mark.parametrize("make", ENGINES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_engine_contract(
    make: Callable[[], Engine], check: Callable[[Callable[[], Engine]], None]
) -> None:
    check(make)


class _Overrun(Engine):
    """Searches for 1.5 s whatever the budget says: the budget check must catch it."""

    name = "overrun"

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        return TopDownEnumerator().search(task, grammar, replace(budget, seconds=1.5), progress)


def test_the_budget_check_fails_an_engine_that_overruns() -> None:
    with pytest.raises(AssertionError, match=r"on a 0\.3 s budget"):
        check_engine_respects_budget(_Overrun, seconds=0.3)
