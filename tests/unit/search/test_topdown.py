from __future__ import annotations

import math

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Task, check, parse_type
from metagrow.search import Budget, TopDownEnumerator, solve
from metagrow.testing import timed


def task(name: str, request: str, pairs: list[tuple[object, object]], tests: int = 1) -> Task:
    examples = tuple(Example((i,), o) for i, o in pairs)
    return Task(name, parse_type(request), examples[:-tests], examples[-tests:])


DOUBLE = task(
    "double",
    "list(int) -> list(int)",
    [((1, 2), (2, 4)), ((3,), (6,)), ((0, 5, 1), (0, 10, 2)), ((4, 4), (8, 8))],
)


def test_programs_come_in_their_cost_band_and_are_well_typed(lists: ListsDomain) -> None:
    g = lists.grammar()
    request = parse_type("list(int) -> int")
    found = list(TopDownEnumerator().programs(g, request, 4.0, 9.0))
    assert len(found) > 20
    for cost, _, expr in found:
        assert 4.0 <= cost < 9.0
        check(expr, g, request)
    assert len({e for _, _, e in found}) == len(found)


def test_bands_partition_the_programs(lists: ListsDomain) -> None:
    g = lists.grammar()
    request = parse_type("list(int) -> list(int)")
    enum = TopDownEnumerator()
    whole = {e for _, _, e in enum.programs(g, request, 0.0, 10.0)}
    parts = [{e for _, _, e in enum.programs(g, request, lo, lo + 2.5)} for lo in (0, 2.5, 5, 7.5)]
    assert set().union(*parts) == whole
    assert sum(len(p) for p in parts) == len(whole)


def test_costs_are_minus_log_prior(lists: ListsDomain) -> None:
    """The probabilities of distinct programs sum to at most one, and grow with the bound."""
    g = lists.grammar()
    request = parse_type("list(int) -> int")
    enum = TopDownEnumerator()
    masses = [
        sum(math.exp(-c) for c, _, _ in enum.programs(g, request, 0, hi)) for hi in (6, 9, 12)
    ]
    assert 0.05 < masses[0] < masses[1] < masses[2] <= 1.0 + 1e-9


def test_solves_double_and_predicts_test(lists: ListsDomain) -> None:
    result = solve(
        DOUBLE, lists.grammar(), TopDownEnumerator(), Budget(10, run_limits=lists.limits())
    )
    assert result.solved
    assert result.program is not None
    assert (8, 8) in result.predictions[0]
    assert result.solutions[0].train_score == 1.0


def test_respects_the_time_budget(lists: ListsDomain) -> None:
    impossible = task("noise", "list(int) -> int", [((1,), 17), ((2,), -3), ((3,), 99), ((4,), 5)])
    with timed() as took:
        result = solve(
            impossible,
            lists.grammar(),
            TopDownEnumerator(),
            Budget(1.0, run_limits=lists.limits()),
        )
    assert not result.solved
    assert result.program is None
    assert result.predictions == ((),)
    assert took.within(1.1 + 0.15), took  # 10 % plus scheduling slack
    assert result.programs_tried > 100


def test_respects_the_program_budget(lists: ListsDomain) -> None:
    impossible = task("noise", "list(int) -> int", [((1,), 17), ((2,), -3), ((3,), 99)])
    result = solve(impossible, lists.grammar(), TopDownEnumerator(), Budget(30, programs=500))
    assert result.programs_tried == 500


def test_is_deterministic(lists: ListsDomain) -> None:
    runs = [
        solve(DOUBLE, lists.grammar(), TopDownEnumerator(), Budget(10, programs=3000))
        for _ in range(2)
    ]
    assert runs[0].program is runs[1].program
    assert runs[0].solutions[0].programs_tried == runs[1].solutions[0].programs_tried


def test_gives_distinct_attempts(lists: ListsDomain) -> None:
    ambiguous = task("first-or-min", "list(int) -> int", [((1, 5), 1), ((2, 3), 2), ((4, 0), 4)])
    result = solve(ambiguous, lists.grammar(), TopDownEnumerator(), Budget(10), attempts=2)
    assert result.solved
    assert len(result.predictions[0]) == 2
    assert len(set(result.predictions[0])) == 2


@pytest.mark.parametrize("bad", [dict(seconds=0), dict(seconds=-1), dict(programs=0)])
def test_budget_rejects_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Budget(**bad)  # type: ignore[arg-type]
