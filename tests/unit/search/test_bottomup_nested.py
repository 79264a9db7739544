"""Bottom-up search of lambdas that need more than the main context gives them: bodies that
fail on some rows of their context, and maps and filters found from the output."""

from __future__ import annotations

import time

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import INT, App, Example, Expr, Lam, Program, Task, parse, parse_type
from metagrow.search import BottomUpEnumerator, Budget, Progress, solve
from metagrow.search._bottomup import _Search, build
from metagrow.search._bottomup_banks import Bank, Vec
from metagrow.search._directed import spec
from metagrow.search._lambdas import FAILED, Stop
from metagrow.search._rules import Signature, _remembered, probes

INPUTS = [(3, 1, 4), (1, 5, 9, 2), (6, 0), (5, 3, 5, 8), (2, 7, 1), (4, 4, 0, 9, 1)]


def make_task(source: str, request: str = "list(int) -> list(int)") -> Task:
    program = Program(parse(source), ListsDomain().grammar().primitives)
    examples = tuple(Example((xs,), program.run((xs,))) for xs in INPUTS)
    return Task(source, parse_type(request), examples[:-1], examples[-1:])


def nodes(expr: Expr) -> int:
    """Bottom-up cost under a uniform grammar: one per primitive, variable and lambda."""
    if isinstance(expr, App):
        return nodes(expr.f) + nodes(expr.x)
    if isinstance(expr, Lam):
        return 1 + nodes(expr.body)
    return 1


@pytest.mark.parametrize(
    ("source", "programs"),
    [
        ("(lam (map (lam (* $0 (index $0 $1))) (range (length $0))))", 150_000),  # by position
        ("(lam (filter (lam (gt? (index $0 $1) (head $1))) (range (length $0))))", 400_000),
        ("(lam (filter (lam (eq? (mod $0 3) 0)) $0))", 150_000),
    ],
)
def test_reaches_maps_and_filters_of_positions_and_deeper_bodies(
    lists: ListsDomain, source: str, programs: int
) -> None:
    task = make_task(source)
    # A program budget, not seconds, so that a busy machine cannot fail the test; the
    # main context alone needs far more programs than this to reach these.
    budget = Budget(60, programs=programs, run_limits=lists.limits())
    result = solve(task, lists.grammar(), BottomUpEnumerator(), budget)
    assert result.solved, source
    assert result.program is not None
    assert task.test[0].output == result.predictions[0][0], (source, str(result.program))


def test_a_body_failing_on_some_rows_is_kept_and_fails_only_there(lists: ListsDomain) -> None:
    task = make_task("(lam (reverse $0))")
    search = _Search(task, lists.grammar(), Budget(10), Progress(), max_bank=10**6)
    sig = Signature((INT,), INT)
    pool = {str(build(e)): v for c in range(2, 7) for e, v in search._lambdas(search.main, sig, c)}
    vec = pool["(lam (index $0 $1))"]
    ctx = search.lambda_contexts[(INT,)]
    assert ctx is not None
    for env, v in zip(ctx.env, vec, strict=True):
        position, xs = env
        assert v == xs[position] if 0 <= position < len(xs) else v is FAILED
    # Equal on every row, failures included: the dearer body is not kept.
    assert "(lam (head (drop $0 $1)))" not in pool
    # Built on the failing body, a body fails where it does.
    plus = pool["(lam (+ 1 (index $0 $1)))"]
    assert plus == tuple(FAILED if v is FAILED else v + 1 for v in vec)  # type: ignore[operator]


def test_a_lambda_called_on_a_failing_row_fails_the_call(lists: ListsDomain) -> None:
    # (map (lam (index $0 $1)) $0) fails on the example (6, 0) (no element 6): it is not
    # kept, and no kept value holds a failed row.
    task = make_task("(lam (reverse $0))")
    search = _Search(task, lists.grammar(), Budget(30), Progress(), max_bank=10**6)
    for cost in range(1, 7):
        list(search.level(cost))
    kept = set()
    for level in search.main.bank.by_cost:
        for entries in level.values():
            for expr, vec in entries:
                kept.add(str(build(expr)))
                assert not any(v is FAILED or (isinstance(v, tuple) and FAILED in v) for v in vec)
    assert "(map (lam (index $0 $1)) (range (length $0)))" not in kept  # the same as $0
    assert "(map (lam (index $0 $1)) $0)" not in kept
    assert "(map (lam (+ $0 1)) $0)" in kept


def test_solutions_come_cheapest_first_though_found_ahead(lists: ListsDomain) -> None:
    # The program costs 10; the search from the output finds it while the main context
    # builds level 6 or 7, but holds it back until the main context has built level 10.
    task = make_task("(lam (map (lam (+ (index $0 $1) $0)) (range (length $0))))")
    search = _Search(task, lists.grammar(), Budget(60), Progress(), max_bank=10**6)
    found: list[tuple[int, int]] = []
    for cost in range(1, 8):
        found.extend((cost, nodes(p) - 1) for p in search.level(cost))
    assert all(c <= level for level, c in found)
    held = search.from_output.held_back()
    assert held, "not found from the output by level 7"
    assert all(nodes(p) - 1 > 7 for p in held)
    program = Program(held[0], lists.grammar().primitives)
    assert all(program.run(ex.inputs) == ex.output for ex in (*task.train, *task.test))


def test_held_back_solutions_come_out_when_the_budget_ends(lists: ListsDomain) -> None:
    source = "(lam (map (lam (- (index $0 $1) $0)) (range (length $0))))"
    task = make_task(source)
    engine = BottomUpEnumerator()
    budget = Budget(60, programs=60_000, run_limits=lists.limits())
    progress = Progress()
    solutions = list(engine.search(task, lists.grammar(), budget, progress))
    fits = [s for s in solutions if s.fits]
    assert fits, "the held-back solution was dropped when the budget ended"
    assert all(s.beyond for s in fits)  # past the levels built: a portfolio gives it last
    program = Program(fits[0].program, lists.grammar().primitives)
    assert program.run(task.test[0].inputs) == task.test[0].output


def test_map_spec() -> None:
    row_of = {(0, 1): 0, (0, 2): 1, (1, 5): 2}
    s = spec("map", ((1, 2, 1), (5,)), [(10, 20, 10), (50,)], row_of)
    assert s is not None and s.complete
    assert s.rows == (0, 1, 2) and s.wants == (10, 20, 50)
    assert s.fits((10, 20, 50, 99)) and not s.fits((10, 21, 50, 99))
    assert spec("map", ((1, 2, 1),), [(10, 20, 11)], row_of) is None  # 1 gives 10 and 11
    assert spec("map", ((1, 2),), [(10,)], row_of) is None  # lengths differ
    partial = spec("map", ((1, 2, 3),), [(1, 2, 3)], row_of)
    assert partial is not None and not partial.complete
    assert spec("map", ((7, 8, 1),), [(1, 2, 3)], row_of) is None  # too few rows known


def test_filter_spec() -> None:
    row_of = {(0, 1): 0, (0, 2): 1, (0, 3): 2}
    s = spec("filter", ((1, 2, 3, 2),), [(2, 2)], row_of)
    assert s is not None and s.complete and s.wants == (False, True, False)
    assert spec("filter", ((1, 2, 3),), [(3, 1)], row_of) is None  # not in order
    assert spec("filter", ((1, 2, 3),), [(4,)], row_of) is None  # not an element


def test_int_probes_include_positions() -> None:
    values = probes(INT, (parse_type("list(int)"),), ((9, 9, 7, 8),))
    assert values[:3] == [9, 7, 8]
    assert {0, 1, 2, 3} <= set(values)


def test_an_unsolvable_task_ends_within_its_budget(lists: ListsDomain) -> None:
    outputs = [(1,), (0, 0, 7), (3,), (2, 2), (9, 1, 1), (5,)]
    examples = tuple(Example((xs,), out) for xs, out in zip(INPUTS, outputs, strict=True))
    task = Task("noise", parse_type("list(int) -> list(int)"), examples[:-1], examples[-1:])
    start = time.perf_counter()
    result = solve(task, lists.grammar(), BottomUpEnumerator(), Budget(1.0))
    assert not result.solved
    assert time.perf_counter() - start < 3.0


def test_an_invention_answers_again_from_memory_and_fails_again() -> None:
    calls: list[tuple[object, ...]] = []

    def position(i: int, xs: tuple[int, ...]) -> int:
        calls.append((i, xs))
        if not 0 <= i < len(xs):
            raise ValueError("past the end")
        return xs[i]

    remembered = _remembered(position)
    assert [remembered(1, (4, 5)) for _ in range(3)] == [5, 5, 5]
    for _ in range(2):
        with pytest.raises(ValueError, match="past the end"):
            remembered(2, (4, 5))
    assert calls == [(1, (4, 5)), (2, (4, 5))]
    assert remembered(0, [7]) == 7  # an unhashable argument: asked every time
    assert remembered(0, [7]) == 7
    assert len(calls) == 4


def _bodies(bank: object) -> dict[str, Vec]:
    assert isinstance(bank, Bank)
    return {
        str(build(e)): v for level in bank.by_cost for entries in level.values() for e, v in entries
    }


def test_lambda_bodies_call_higher_order_primitives_in_their_own_context(
    lists: ListsDomain,
) -> None:
    # For each element x, the elements greater than x: a filter inside a map's lambda,
    # whose own lambda reads the outer lambda's x ($1 inside it) and the list ($2).
    task = make_task("(lam (map (lam (length (filter (lam (gt? $0 $1)) $2))) $0))")
    search = _Search(task, lists.grammar(), Budget(60), Progress(), max_bank=10**6)
    search._lambdas(search.main, Signature((INT,), parse_type("list(int)")), 7)
    outer = search.lambda_contexts[(INT,)]
    assert outer is not None
    inner = outer.children[(INT,)]
    assert inner is not None and inner.depth == 2
    # Rows: each outer row (x, xs) with the values an inner parameter takes.
    assert all(inner.env[r][1:] == outer.env[p] for r, p in enumerate(inner.parent_row))
    outer_bodies, inner_bodies = _bodies(outer.bank), _bodies(inner.bank)
    assert "(gt? $0 $1)" in inner_bodies
    kept = outer_bodies["(filter (lam (gt? $0 $1)) $1)"]
    for (x, xs), v in zip(outer.env, kept, strict=True):
        assert v == tuple(y for y in xs if y > x)
    assert outer_bodies["(filter (lam (gt? $1 $0)) $1)"] != kept  # y < x, not y > x
    # One body per value in each context.
    for bank in (outer.bank, inner.bank):
        for t, seen in bank.seen.items():
            vecs = [v for level in bank.by_cost for _, v in level.get(t, [])]
            assert len(vecs) == len(set(vecs)) == len(seen)


def test_a_nested_program_is_solved(lists: ListsDomain) -> None:
    # Each element x becomes the list with x added to every element.
    task = make_task(
        "(lam (map (lam (map (lam (+ $0 $1)) $1)) $0))", "list(int) -> list(list(int))"
    )
    budget = Budget(60, programs=600_000, run_limits=lists.limits())
    result = solve(task, lists.grammar(), BottomUpEnumerator(), budget)
    assert result.solved
    assert task.test[0].output == result.predictions[0][0], str(result.program)


def test_the_bank_bound_holds_in_nested_contexts(lists: ListsDomain) -> None:
    task = make_task("(lam (map (lam (length (filter (lam (gt? $0 $1)) $2))) $0))")
    signature = Signature((INT,), parse_type("list(int)"))
    free = _Search(task, lists.grammar(), Budget(60), Progress(), max_bank=10**6)
    free._lambdas(free.main, signature, 7)
    outer = free.lambda_contexts[(INT,)]
    assert outer is not None and outer.children  # lambdas in lambdas were searched
    assert free.kept > 6_000
    bounded = _Search(task, lists.grammar(), Budget(60), Progress(), max_bank=3_000)
    with pytest.raises(Stop):
        bounded._lambdas(bounded.main, signature, 7)
    assert bounded.kept <= 3_000 + 100  # checked every 16 programs
