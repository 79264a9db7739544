from __future__ import annotations

import gc
import subprocess
import sys
from itertools import islice

from metagrow.domains.lists import ListsDomain
from metagrow.lang import INT, Example, Program, Task, check, parse, parse_type
from metagrow.search import BottomUpEnumerator, Budget, Progress, solve
from metagrow.search._bottomup import _Search, build, resident_mb
from metagrow.search._rules import Signature

INPUTS = [(3, 1, 4), (1, 5, 9, 2), (6,), (5, 3, 5, 8)]


def make_task(source: str, request: str = "list(int) -> list(int)", tests: int = 1) -> Task:
    domain = ListsDomain()
    program = Program(parse(source), domain.grammar().primitives)
    examples = tuple(Example((xs,), program.run((xs,))) for xs in INPUTS)
    return Task(source, parse_type(request), examples[:-tests], examples[-tests:])


def test_keeps_one_program_per_value(lists: ListsDomain) -> None:
    task = make_task("(lam (reverse $0))")
    search = _Search(task, lists.grammar(), Budget(10), Progress(), max_bank=10**6)
    for cost in range(1, 6):
        list(search.level(cost))
    bank = search.main.bank
    for t, seen in bank.seen.items():
        kept = [v for level in bank.by_cost for v in (vec for _, vec in level.get(t, []))]
        assert len(kept) == len(set(kept)) == len(seen)
    lists_kept = {
        str(build(e)) for level in bank.by_cost for e, _ in level.get(parse_type("list(int)"), [])
    }
    assert "$0" in lists_kept
    assert "(reverse $0)" in lists_kept
    assert "(reverse (reverse $0))" not in lists_kept  # same value as $0


def test_kept_programs_compute_their_recorded_values(lists: ListsDomain) -> None:
    task = make_task("(lam (reverse $0))")
    grammar = lists.grammar()
    search = _Search(task, grammar, Budget(10), Progress(), max_bank=10**6)
    for cost in range(1, 7):
        list(search.level(cost))
    checked = 0
    for level in search.main.bank.by_cost:
        for t, entries in level.items():
            for expr, vec in entries[:40]:
                closed = parse(f"(lam {build(expr)})")
                check(closed, grammar, parse_type(f"list(int) -> {t}"))
                program = Program(closed, grammar.primitives)
                assert tuple(program.run(ex.inputs) for ex in (*task.train, *task.test)) == vec
                checked += 1
    assert checked > 100


def test_solves_with_lambdas_in_higher_order_positions(lists: ListsDomain) -> None:
    for source, request in [
        ("(lam (map (lam (* $0 3)) $0))", "list(int) -> list(int)"),
        ("(lam (filter (lam (gt? $0 3)) $0))", "list(int) -> list(int)"),
        ("(lam (fold $0 1 (lam (lam (* $0 $1)))))", "list(int) -> int"),
    ]:
        task = make_task(source, request)
        # A program budget, not seconds, so that a busy machine cannot fail the test.
        budget = Budget(120, programs=1_500_000, run_limits=lists.limits())
        result = solve(task, lists.grammar(), BottomUpEnumerator(), budget)
        assert result.solved, source
        assert task.test[0].output in result.predictions[0], source


def test_lambda_applied_off_its_probe_values_runs_the_interpreter(lists: ListsDomain) -> None:
    task = make_task("(lam (reverse $0))")
    search = _Search(task, lists.grammar(), Budget(10), Progress(), max_bank=10**6)
    signature = Signature((INT,), INT)
    pool = {
        str(build(e)): (e, v)
        for cost in range(2, 7)
        for e, v in search._lambdas(search.main, signature, cost)
    }
    expr, vec = pool["(lam (+ $0 1))"]
    functions = search._functions(search.main, expr, vec, signature.params)
    assert len(functions) == len(INPUTS)
    search.allowance.left = 100  # as when a candidate is applied
    assert functions[0](3) == 4  # 3 is in the first example: a table lookup
    assert functions[0](1000) == 1001  # never seen: the interpreter runs the body


def test_attempts_differ_on_test_inputs(lists: ListsDomain) -> None:
    # train examples cannot tell "first element" from "minimum"; the test input can
    examples = (Example(((1, 5),), 1), Example(((2, 3),), 2), Example(((4, 9),), 4))
    task = Task("first-or-min", parse_type("list(int) -> int"), examples, (Example(((7, 0),)),))
    result = solve(task, lists.grammar(), BottomUpEnumerator(), Budget(5), attempts=2)
    assert result.solved
    assert len(set(result.predictions[0])) == 2


def test_several_arguments(lists: ListsDomain) -> None:
    examples = tuple(
        Example((n, xs), tuple(x + n for x in xs))
        for n, xs in [(1, (1, 2)), (3, (0,)), (2, (5, 5, 1))]
    )
    task = Task("add-n", parse_type("int -> list(int) -> list(int)"), examples)
    found = list(islice(BottomUpEnumerator().search(task, lists.grammar(), Budget(10)), 1))
    assert found
    check(found[0].program, lists.grammar(), task.request)
    program = Program(found[0].program, lists.grammar().primitives)
    assert program.run((10, (1, 2))) == (11, 12)


def test_memory_budget_bounds_the_programs_kept(lists: ListsDomain) -> None:
    examples = tuple(Example((xs,), 917 + i) for i, xs in enumerate(INPUTS))
    task = Task("noise", parse_type("list(int) -> int"), examples)
    small, large = Progress(), Progress()
    list(BottomUpEnumerator().search(task, lists.grammar(), Budget(20, memory_mb=1), small))
    list(BottomUpEnumerator().search(task, lists.grammar(), Budget(1.0, memory_mb=4096), large))
    assert small.elapsed < 5  # stopped by memory, long before its 20 s
    assert small.programs_tried < large.programs_tried


def test_near_misses_give_attempts_when_nothing_fits(lists: ListsDomain) -> None:
    task = make_task("(lam (reverse $0))")
    noisy = Example(task.train[0].inputs, (99, 98, 97))  # one train example no program explains
    task = Task("noisy", task.request, (noisy, *task.train[1:]), task.test)
    result = solve(task, lists.grammar(), BottomUpEnumerator(), Budget(1.0, programs=20_000))
    assert not result.solved and result.program is None
    assert task.test[0].output in result.predictions[0]
    near = list(BottomUpEnumerator().search(task, lists.grammar(), Budget(1.0, programs=20_000)))
    assert near and all(s.train_score == (len(task.train) - 1) / len(task.train) for s in near[:1])


def test_the_cyclic_collector_is_off_only_while_searching(lists: ListsDomain) -> None:
    """The banks are many values and no cycles: the collector is off while the search
    holds them, and back on once it ends, however it ends."""
    task = make_task("(lam (reverse $0))")
    assert gc.isenabled()
    solutions = BottomUpEnumerator().search(task, lists.grammar(), Budget(10))
    next(solutions)
    assert not gc.isenabled()
    solutions.close()  # a caller that stops at the first solution
    assert gc.isenabled()
    list(BottomUpEnumerator().search(make_task("(lam (sort $0))"), lists.grammar(), Budget(0.3)))
    assert gc.isenabled()


def test_what_outlives_the_banks_is_frozen_only_until_the_search_ends(
    lists: ListsDomain,
) -> None:
    """Held-back solutions and near misses come after the banks are freed: the objects
    made while the collector was off are frozen then (its first pass would walk them
    all), and given back to it when the search ends, however it ends."""
    assert gc.get_freeze_count() == 0
    task = make_task("(lam (reverse $0))")
    noisy = Example(task.train[0].inputs, (99, 98, 97))  # one train example no program explains
    task = Task("noisy", task.request, (noisy, *task.train[1:]), task.test)
    solutions = BottomUpEnumerator().search(task, lists.grammar(), Budget(1.0, programs=5_000))
    for sol in solutions:
        if sol.train_score < 1.0:  # given after the banks are freed
            assert gc.isenabled() and gc.get_freeze_count() > 0
            break
    else:
        raise AssertionError("no near miss")
    solutions.close()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    list(BottomUpEnumerator().search(task, lists.grammar(), Budget(1.0, programs=5_000)))
    assert gc.get_freeze_count() == 0


def test_the_search_stops_growing_when_the_process_has_grown_by_its_cap(
    lists: ListsDomain,
) -> None:
    """Past ``max_growth_mb`` of resident memory gained since it began, the search grows
    its banks no more: with a cap of 30 MB a search that could run for 30 s ends in a
    few (memory freed by earlier tests may be reused before the process grows)."""
    held = resident_mb()
    assert held is not None and held > 10, "this test reads Linux's /proc"
    task = make_task("(lam (map (lam (* $0 $0)) (filter (lam (gt? $0 4)) (reverse $0))))")
    noisy = Example(task.train[0].inputs, (99, 98, 97))  # no program explains this example
    task = Task("noisy", task.request, (noisy, *task.train[1:]), task.test)
    progress = Progress()
    capped = BottomUpEnumerator(max_growth_mb=30)
    list(capped.search(task, lists.grammar(), Budget(30.0), progress))
    assert progress.elapsed < 10
    free = Progress()
    list(BottomUpEnumerator().search(task, lists.grammar(), Budget(1.0, programs=20_000), free))
    assert free.programs_tried >= 20_000, "the default cap leaves a small search alone"


def test_freed_memory_is_given_back_to_the_system() -> None:
    """Without it a worker that ran one big search stays that big for every later one
    (glibc keeps what is freed). Run in a fresh process: the suite's own freed heap
    would take the allocation without growing."""
    script = (
        "import numpy as np\n"
        "from metagrow.search._memory import give_back, resident_mb\n"
        "before = resident_mb()\n"
        "held = [np.ones(64) for _ in range(400_000)]\n"
        "grown = resident_mb()\n"
        "del held\n"
        "give_back()\n"
        "print(before, grown, resident_mb())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    before, grown, after = map(float, out.stdout.split())
    assert grown > before + 150, "about 300 MB of small blocks"
    assert after < grown - 150
