"""Every engine passes the shared contract in ``metagrow.testing``."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from metagrow.fit import NeuralEngine
from metagrow.lang import Grammar, Task
from metagrow.search import (
    BottomUpEnumerator,
    Budget,
    Engine,
    EvolutionEngine,
    PortfolioEngine,
    Progress,
    Solution,
    TopDownEnumerator,
)
from metagrow.testing import (
    Timing,
    check_engine_finds_known_programs,
    check_engine_is_deterministic,
    check_engine_respects_budget,
    check_engine_yields_well_typed_solutions,
    timed,
)


def evolution() -> Engine:
    return EvolutionEngine(seed=0)


ENGINES: list[Callable[[], Engine]] = [
    TopDownEnumerator,
    BottomUpEnumerator,
    PortfolioEngine,
    evolution,
    NeuralEngine,  # tasks without perceptual values: its symbolic engine
]
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


def test_timing_freezes_the_heap_only_while_it_runs() -> None:
    garbage = [[i] for i in range(1000)]
    with timed() as took:
        assert gc.get_freeze_count() >= len(garbage)
    assert gc.get_freeze_count() == 0
    assert took.wall >= 0.0 and took.within(1.0)
    assert not Timing(wall=2.5, cpu=0.5).within(1.0)  # waited past twice the limit
    assert not Timing(wall=1.5, cpu=1.2).within(1.0)  # ran past it itself
    assert Timing(wall=1.5, cpu=0.5).within(1.0)  # waited for a core
