from __future__ import annotations

import time
from collections.abc import Iterator

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Grammar, Primitive, Task, parse, parse_type
from metagrow.search import BottomUpEnumerator, Budget, Engine, Progress, Solution, solve

TRAIN = [((3, 1, 4), (4, 2, 5)), ((1, 5, 9, 2), (2, 6, 10, 3)), ((6,), (7,))]
TEST = ((5, 3), (6, 4))


def _memorised(xs: tuple[int, ...]) -> tuple[int, ...]:
    """Right on the train inputs only, as an overfitted table is."""
    return dict(TRAIN).get(xs, xs)


def _task() -> Task:
    train = tuple(Example((x,), y) for x, y in TRAIN)
    test = (Example((TEST[0],), TEST[1]),)
    return Task("add-one", parse_type("list(int) -> list(int)"), train, test)


def _grammar(lists: ListsDomain, fallback: bool) -> Grammar:
    table = Primitive(
        "memorised", parse_type("list(int) -> list(int)"), _memorised, fallback=fallback
    )
    return lists.grammar().with_primitive(table, 5.0)  # likelier than any other production


def test_a_fallback_primitive_does_not_cut_the_search_short(lists: ListsDomain) -> None:
    result = solve(_task(), _grammar(lists, fallback=True), BottomUpEnumerator(), Budget(5.0))
    assert result.solved
    assert str(result.program) == "(lam (map (lam (+ $0 1)) $0))"
    assert result.predictions[0][0] == TEST[1]
    assert "memorised" in str(result.solutions[-1].program)  # kept, ranked last


def test_an_ordinary_primitive_found_first_wins(lists: ListsDomain) -> None:
    result = solve(_task(), _grammar(lists, fallback=False), BottomUpEnumerator(), Budget(5.0))
    assert str(result.program) == "(lam (memorised $0))"
    assert result.predictions[0][0] == TEST[0]  # wrong on the test input


def test_near_misses_still_give_attempts_after_a_fallback(lists: ListsDomain) -> None:
    # One train output is off (a length no map gives, so that no program of the
    # search's reach fits), the fallback table fits, and a near miss (right on the
    # other examples) is the second attempt.
    train = (*(Example((x,), y) for x, y in TRAIN[:2]), Example((TRAIN[2][0],), (0, 9, 0)))
    test = (Example((TEST[0],), TEST[1]),)
    task = Task("add-one-noisy", parse_type("list(int) -> list(int)"), train, test)
    known = {x: ex.output for ex in train for x in ex.inputs}
    table = Primitive(
        "memorised",
        parse_type("list(int) -> list(int)"),
        lambda xs: known.get(xs, xs),
        fallback=True,
    )
    grammar = lists.grammar().with_primitive(table, 5.0)
    result = solve(task, grammar, BottomUpEnumerator(), Budget(2.0, programs=200_000))
    assert "memorised" in str(result.program)
    guess, near = result.predictions[0]
    assert guess == TEST[0]
    assert near == TEST[1]  # cheaper programs around the table rank after it


class _Scripted(Engine):
    """Yields the given programs as solutions fitting every train example, in order."""

    name = "scripted"

    def __init__(self, programs: list[str]) -> None:
        self.programs = programs
        self.yielded = 0

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        for text in self.programs:
            self.yielded += 1
            yield Solution(parse(text), -1.0, 1.0, 0.0, 1)


def test_attempts_are_distinct_for_each_test_input(lists: ListsDomain) -> None:
    # On the train input every program gives 1; on the test inputs they differ, but
    # `max` agrees with `length` on test 1, so `sum` gives that input's second attempt.
    t = parse_type("list(int) -> int")
    task = Task("ints", t, (Example(((1,),), 1),), (Example(((3,),)), Example(((1, 2),))))
    engine = _Scripted(["(lam (length $0))", "(lam (max $0))", "(lam (sum $0))", "(lam (head $0))"])
    result = solve(task, lists.grammar(), engine, Budget(5.0))
    assert result.predictions == ((1, 3), (2, 3))
    assert engine.yielded == 3  # both inputs had two answers: the search stopped there
    assert [str(s.program) for s in result.solutions][:1] == ["(lam (length $0))"]
    one = solve(task, lists.grammar(), _Scripted(["(lam (max $0))", "(lam (sum $0))"]),
                Budget(5.0), attempts=1)  # fmt: skip
    assert one.predictions == ((3,), (2,))


class _Late(_Scripted):
    """As :class:`_Scripted`, sleeping before each solution after the first."""

    def __init__(self, programs: list[str], pause: float) -> None:
        super().__init__(programs)
        self.pause = pause

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        for i, sol in enumerate(super().search(task, grammar, budget, progress)):
            if i:
                time.sleep(self.pause)
            yield sol


def test_solutions_given_past_the_budget_are_not_taken_once_an_answer_fits(
    lists: ListsDomain,
) -> None:
    t = parse_type("list(int) -> int")
    task = Task("ints", t, (Example(((1,),), 1),), (Example(((3,),)),))
    programs = ["(lam (length $0))", "(lam (max $0))", "(lam (sum $0))"]
    late = solve(task, lists.grammar(), _Late(programs, 0.3), Budget(0.2))
    assert late.predictions == ((1,),)  # the second came past the budget's end
    in_time = solve(task, lists.grammar(), _Late(programs, 0.0), Budget(0.2))
    assert in_time.predictions == ((1, 3),)
