"""The portfolio engine: bottom-up first, then other stages, in one budget."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Grammar, Limits, Program, Task, log_prior, parse, parse_type
from metagrow.search import (
    BottomUpEnumerator,
    Budget,
    Engine,
    PortfolioEngine,
    Progress,
    Solution,
    Stage,
    TopDownEnumerator,
    solve,
)
from metagrow.search._portfolio import equal_weights
from metagrow.testing import timed


def _task(name: str, source: str, inputs: list[tuple[int, ...]], grammar: Grammar) -> Task:
    """A one-argument list task made by running ``source`` on ``inputs``; the last input
    is the test."""
    program = Program(parse(source), grammar.primitives)
    examples = [Example((x,), program.run((x,), Limits())) for x in inputs]
    return Task(name, parse_type("list(int) -> list(int)"), tuple(examples[:-1]), examples[-1:])


_INPUTS = [(2, 6, 1, 1, 8), (1, 5, 9, 1, 0), (3, 1, 4, 1, 5), (1, 1, 7, 2)]


def test_a_shallow_task_is_found_as_bottom_up_alone_finds_it(lists: ListsDomain) -> None:
    grammar = lists.grammar()
    task = _task("add-one", "(lam (map (lam (+ $0 1)) $0))", _INPUTS, grammar)
    alone = solve(task, grammar, BottomUpEnumerator(), Budget(5.0, run_limits=lists.limits()))
    both = solve(task, grammar, PortfolioEngine(), Budget(5.0, run_limits=lists.limits()))
    assert alone.first_solution is not None and both.first_solution is not None
    assert both.program == alone.program
    assert both.first_solution.programs_tried == alone.first_solution.programs_tried
    # the programs above are the same count; the time only has to be of the same order
    # (a loaded machine's pause of a few tenths must not fail it)
    assert both.first_solution.seconds <= 2 * alone.first_solution.seconds + 0.5


def _dear_filter(lists: ListsDomain) -> tuple[Grammar, Task]:
    """A grammar whose weights (as a library's might) make ``filter``, ``not`` and ``eq?``
    rare, and a task that needs all three."""
    keep = [
        "filter",
        "not",
        "eq?",
        "map",
        "+",
        "0",
        "1",
        "2",
        "length",
        "head",
        "tail",
        "cons",
        "reverse",
        "sort",
        "gt?",
        "sum",
    ]
    prims = lists.grammar().primitives
    weights = {"filter": -6.0, "not": -6.0, "eq?": -6.0}
    grammar = Grammar.uniform([prims[name] for name in keep], weights)
    task = _task("remove-1", "(lam (filter (lam (not (eq? $0 1))) $0))", _INPUTS, grammar)
    return grammar, task


def test_what_the_weights_hide_bottom_up_finds_under_equal_weights(lists: ListsDomain) -> None:
    grammar, task = _dear_filter(lists)
    budget = Budget(30.0, programs=20_000, run_limits=lists.limits())
    assert not solve(task, grammar, BottomUpEnumerator(), budget).solved
    result = solve(task, grammar, PortfolioEngine(), budget)
    assert str(result.program) == "(lam (filter (lam (not (eq? $0 1))) $0))"
    equal = PortfolioEngine([Stage(BottomUpEnumerator(), 1.0, "equal")])
    alone = solve(task, grammar, equal, budget).first_solution
    assert alone is not None and result.first_solution is not None
    # the first stage spent its half of the programs, then the second found it as alone
    assert result.first_solution.programs_tried == 10_000 + alone.programs_tried


def test_every_stage_counts_its_programs_once(lists: ListsDomain) -> None:
    grammar, task = _dear_filter(lists)
    unsolvable = Task(task.name, task.request, (*task.train[:1], Example(((9,),), (4, 4))), ())
    progress = Progress()
    found = list(
        PortfolioEngine().search(
            unsolvable, grammar, Budget(30.0, programs=3_000, run_limits=lists.limits()), progress
        )
    )
    assert not any(s.fits for s in found)
    assert progress.programs_tried == 3_000  # 1500 in each stage


def test_a_portfolio_stays_within_its_budget(lists: ListsDomain) -> None:
    _grammar, task = _dear_filter(lists)
    unsolvable = Task(task.name, task.request, (*task.train[:1], Example(((9,),), (4, 4))), ())
    progress = Progress()
    with timed() as took:
        found = list(
            PortfolioEngine().search(
                unsolvable, lists.grammar(), Budget(1.0, run_limits=lists.limits()), progress
            )
        )
    assert not any(s.fits for s in found)
    assert took.within(1.1), f"{took.wall:.2f} s on a 1 s budget"
    assert progress.programs_tried > 0


def test_solutions_report_their_prior_under_the_given_grammar(lists: ListsDomain) -> None:
    grammar, task = _dear_filter(lists)
    budget = Budget(30.0, programs=20_000, run_limits=lists.limits())
    found = next(s for s in PortfolioEngine().search(task, grammar, budget) if s.fits)
    given = log_prior(found.program, task.request, grammar)
    assert found.log_prior == given
    assert given < log_prior(found.program, task.request, equal_weights(grammar)) - 10


def test_a_stage_needs_a_share_and_a_portfolio_a_stage() -> None:
    with pytest.raises(ValueError, match="share"):
        Stage(TopDownEnumerator(), 0.0)
    with pytest.raises(ValueError, match="stage"):
        PortfolioEngine([])


class _Given(Engine):
    """Gives the solutions it is made with: what a stage found, for the order a
    portfolio gives them in."""

    def __init__(self, *solutions: Solution) -> None:
        self.solutions = solutions

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        yield from self.solutions


def test_what_a_stage_found_beyond_its_reach_comes_after_the_later_stages(
    lists: ListsDomain,
) -> None:
    grammar = lists.grammar()
    task = _task("rev", "(lam (reverse $0))", _INPUTS, grammar)
    far = Solution(parse("(lam (reverse (reverse (reverse $0))))"), -9.0, 1.0, 0.1, 10, beyond=True)
    near = Solution(parse("(lam (reverse $0))"), -2.0, 1.0, 0.2, 20)
    stages = [Stage(_Given(far), 0.5), Stage(_Given(near), 0.5)]
    found = list(PortfolioEngine(stages).search(task, grammar, Budget(1.0)))
    assert [str(s.program) for s in found] == [str(near.program), str(far.program)]
    assert found[1].beyond and not found[0].beyond
    # in the last stage there is no later stage to wait for
    last = [Stage(_Given(near), 0.5), Stage(_Given(far), 0.5)]
    found = list(PortfolioEngine(last).search(task, grammar, Budget(1.0)))
    assert [str(s.program) for s in found] == [str(near.program), str(far.program)]
    alone = list(
        PortfolioEngine([Stage(_Given(far), 0.5), Stage(_Given(), 0.5)]).search(
            task, grammar, Budget(1.0)
        )
    )
    assert [str(s.program) for s in alone] == [str(far.program)]
