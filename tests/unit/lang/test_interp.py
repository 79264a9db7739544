from __future__ import annotations

import time
from collections.abc import Mapping

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import (
    DEFAULT_LIMITS,
    FAIL,
    Hole,
    Limits,
    Primitive,
    Program,
    UnknownPrimitive,
    compile_program,
    parse,
    value_size,
)

PRIMS: Mapping[str, Primitive] = ListsDomain().grammar().primitives

LENGTH_BY_RECURSION = "(lam (fix1 $0 (lam (lam (if (empty? $0) 0 (+ 1 ($1 (tail $0))))))))"
LOOP_FOREVER = "(lam (fix1 $0 (lam (lam ($1 $0)))))"
# quadratic work: about 12.5 million calls for input 5000; (n*(n+1)/2,) * n
QUADRATIC = "(lam (map (lam (sum (map (lam (+ $0 1)) (range $1)))) (range $0)))"


def program(text: str) -> Program:
    return compile_program(parse(text), PRIMS)


def run(text: str, *args: object, limits: Limits = DEFAULT_LIMITS) -> object:
    return program(text).run(args, limits)


@pytest.mark.parametrize(
    ("text", "args", "expected"),
    [
        ("1", (), 1),
        ("(+ 2 3)", (), 5),
        ("(lam $0)", (7,), 7),
        ("(lam (lam (- $1 $0)))", (10, 3), 7),
        ("(lam (map (lam (+ $0 1)) $0))", ((1, 2, 3),), (2, 3, 4)),
        ("(lam (map (lam (* $0 $0)) $0))", ((),), ()),
        ("(lam (filter even? $0))", ((1, 2, 3, 4),), (2, 4)),
        ("(lam (fold $0 0 (lam (lam (+ $0 $1)))))", ((1, 2, 3, 4),), 10),
        # fold is a right fold: cons rebuilds the list in order
        ("(lam (fold $0 empty (lam (lam (cons $1 $0)))))", ((1, 2, 3),), (1, 2, 3)),
        ("(lam (fold $0 0 -))", ((1, 2, 3),), 2),  # 1 - (2 - (3 - 0))
        (LENGTH_BY_RECURSION, ((),), 0),
        (LENGTH_BY_RECURSION, ((5, 6, 7),), 3),
        (LENGTH_BY_RECURSION, (tuple(range(40)),), 40),
        ("(lam (unfold $0 (eq? 0) (lam $0) (lam (- $0 1))))", (4,), (4, 3, 2, 1)),
        ("(lam (length $0))", ((9, 9),), 2),
        ("(lam (index 1 $0))", ((4, 5, 6),), 5),
        ("(lam (reverse (sort $0)))", ((3, 1, 2),), (3, 2, 1)),
        ("(lam (append (take 2 $0) (drop 3 $0)))", ((1, 2, 3, 4, 5),), (1, 2, 4, 5)),
        ("(lam (if (empty? $0) 0 (head $0)))", ((),), 0),
        ("(lam (if (empty? $0) 0 (head $0)))", ((8, 1),), 8),
        ("(lam (max $0))", ((3, 9, 2),), 9),
        ("(lam (map (lam (cons $0 empty)) $0))", ((1, 2),), ((1,), (2,))),
        # a partially applied primitive, including a lazy one
        ("(lam (map (+ 5) $0))", ((1, 2),), (6, 7)),
        ("(lam (map (if (empty? $0) 1) $0))", ((5, 6),), (5, 6)),
        ("(lam (fold $0 0 +))", ((1, 2, 3),), 6),
        # inventions run like their bodies
        ("(lam (map #(lam (+ $0 1)) $0))", ((1, 2),), (2, 3)),
        ("(#(lam (lam (+ $0 $1))) 2 3)", (), 5),
    ],
)
def test_results(text: str, args: tuple[object, ...], expected: object) -> None:
    assert run(text, *args) == expected


def test_infinite_recursion_fails_quickly() -> None:
    p = program(LOOP_FOREVER)
    start = time.perf_counter()
    assert p.run([(1, 2, 3)]) is FAIL
    assert time.perf_counter() - start < 1.0
    assert p.last_error


def test_recursion_without_nested_lambdas_fails_quickly() -> None:
    # (fix1 x (lam $0)) recurses through Python calls, not through lambda bodies
    p = program("(lam (fix1 $0 (lam $0)))")
    start = time.perf_counter()
    assert p.run([3]) is FAIL
    assert time.perf_counter() - start < 1.0
    assert p.last_error


def test_depth_limit() -> None:
    p = program(LENGTH_BY_RECURSION)
    assert p.run([tuple(range(50))], Limits(depth=500)) == 50
    assert p.run([tuple(range(50))], Limits(depth=20)) is FAIL
    assert "depth" in p.last_error


def test_step_limit() -> None:
    p = program("(lam (map (lam (+ $0 1)) $0))")
    assert p.run([tuple(range(10))], Limits(steps=100)) == tuple(range(1, 11))
    start = time.perf_counter()
    assert p.run([tuple(range(1000))], Limits(steps=100)) is FAIL
    assert time.perf_counter() - start < 1.0
    assert "step" in p.last_error
    # the same program with the default budget succeeds
    assert p.run([tuple(range(1000))]) == tuple(range(1, 1001))


def test_step_limit_stops_a_long_computation_early() -> None:
    p = program(QUADRATIC)
    start = time.perf_counter()
    assert p.run([5000], Limits(steps=5000, seconds=10.0)) is FAIL
    assert time.perf_counter() - start < 0.5
    assert "step" in p.last_error


def test_wall_clock_limit() -> None:
    p = program(QUADRATIC)
    start = time.perf_counter()
    result = p.run([5000], Limits(steps=10**9, seconds=0.05))
    elapsed = time.perf_counter() - start
    assert result is FAIL
    assert elapsed < 0.5
    assert "time" in p.last_error
    assert p.run([3], Limits(steps=10**9, seconds=0.05)) == (6, 6, 6)


def test_a_deadline_ends_a_run_before_its_own_time_limit() -> None:
    p = program(QUADRATIC)
    start = time.perf_counter()
    result = p.run([5000], Limits(steps=10**9, seconds=30.0), deadline=start + 0.05)
    assert result is FAIL
    assert time.perf_counter() - start < 0.5
    assert "time" in p.last_error
    # a deadline already past still lets nothing run to its end, and the next run is fresh
    assert p.run([5000], Limits(steps=10**9, seconds=30.0), deadline=start) is FAIL
    assert p.run([3], Limits(steps=10**9, seconds=30.0)) == (6, 6, 6)


def test_result_size_limit() -> None:
    p = program("(lam (range $0))")
    assert p.run([50], Limits(size=100)) == tuple(range(50))
    assert p.run([5000], Limits(size=100)) is FAIL
    assert p.last_error
    # sharing does not hide size: 300 references to one 300-element list
    shared = program("(lam (map (lam $1) $0))")
    xs = tuple(range(300))
    assert shared.run([xs], Limits(size=1000)) is FAIL
    assert shared.run([xs[:20]], Limits(size=1000)) == (xs[:20],) * 20


@pytest.mark.parametrize(
    ("text", "arg"),
    [
        ("(lam (head $0))", ()),
        ("(lam (tail $0))", ()),
        ("(lam (max $0))", ()),
        ("(lam (index 5 $0))", (1, 2)),
        ("(lam (index (- 0 1) $0))", (1, 2)),
        ("(lam (mod 1 (length $0)))", ()),
        ("(lam (range (* 5 (* 5 (* 5 (* 5 (* 5 (+ 5 (length $0)))))))))", ()),  # too long
        ("(lam (fold (range (+ 5 5)) 2 (lam (lam (* $0 $0)))))", ()),  # int too large
    ],
)
def test_erroring_programs_fail_and_record_the_error(text: str, arg: object) -> None:
    p = program(text)
    assert p.last_error == ""
    assert p.run([arg]) is FAIL
    assert p.last_error


def test_lazy_if_does_not_evaluate_the_untaken_branch() -> None:
    assert run("(lam (if true 1 (head $0)))", ()) == 1
    assert run("(lam (if false (head $0) 2))", ()) == 2
    # the untaken branch would never terminate
    loop = "(fix1 $0 (lam (lam ($1 $0))))"
    assert run(f"(lam (if (empty? $0) 0 (length {loop})))", ()) == 0
    # the condition is evaluated, and the taken branch is
    assert run("(lam (if (empty? $0) (head $0) 2))", ()) is FAIL


def test_lazy_and_or_short_circuit() -> None:
    assert run("(lam (and (empty? $0) (eq? (head $0) 1)))", (1,)) is False
    assert run("(lam (or (empty? $0) (eq? (head $0) 1)))", ()) is True
    assert run("(lam (and (empty? $0) (eq? (head $0) 1)))", ()) is FAIL


def test_a_program_keeps_working_after_failures() -> None:
    p = program("(lam (head $0))")
    inputs = [(), (3,), (), (7, 8), (1,)]
    assert p.run_many([[x] for x in inputs]) == [FAIL, 3, FAIL, 7, 1]
    for i in range(200):
        assert p.run([(i, 0)]) == i
        assert p.run([()]) is FAIL


def test_limits_reset_between_runs() -> None:
    p = program(LENGTH_BY_RECURSION)
    xs = tuple(range(60))
    # a run that dies deep inside the recursion must not leave depth or steps behind
    assert p.run([xs], Limits(depth=10)) is FAIL
    assert p.run([xs], Limits(steps=20)) is FAIL
    # the default steps and depth, with time to spare: this checks the counters, and a
    # pause of the loaded machine (another test's garbage) must not fail it by the clock
    roomy = Limits(seconds=30.0)
    for _ in range(50):
        assert p.run([xs], roomy) == 60, p.last_error
    big = program(QUADRATIC)
    assert big.run([5000], Limits(steps=10**9, seconds=0.02)) is FAIL
    assert big.run([4]) == (10, 10, 10, 10)


def test_unknown_primitive_is_reported_when_compiling() -> None:
    with pytest.raises(UnknownPrimitive):
        compile_program(parse("(lam (nope $0))"), PRIMS)


def test_a_program_with_holes_cannot_be_compiled() -> None:
    with pytest.raises(ValueError):
        compile_program(Hole(), PRIMS)


def test_limits_must_be_positive() -> None:
    for bad in (
        {"steps": 0},
        {"depth": 0},
        {"size": -1},
        {"seconds": 0.0},
    ):
        with pytest.raises(ValueError):
            Limits(**bad)  # type: ignore[arg-type]


def test_value_size() -> None:
    assert value_size(5, 100) == 1
    assert value_size((), 100) == 1
    assert value_size((1, 2, 3), 100) == 4
    assert value_size(((1, 2), (3,)), 100) == 6
    # counting stops soon after the cap
    huge = (tuple(range(1000)),) * 1000
    assert 10 < value_size(huge, 10) < 2000


def test_a_tiny_time_limit_fails_the_run_instead_of_raising() -> None:
    # the deadline passes before the first step; the run must still just FAIL
    p = program("(lam (length $0))")
    assert p.run([(1, 2)], Limits(seconds=1e-9)) is FAIL
    assert p.run_many([[(1, 2)], [()]], Limits(seconds=1e-9)) == [FAIL, FAIL]
    assert p.run([(1, 2)]) == 2


def test_wall_clock_limit_covers_work_done_by_primitive_functions() -> None:
    # each lambda call unfolds ~10,000 times with primitive functions (eq? $1), (+ 1):
    # that work is in primitives, not lambdas, but still has to respect the deadline
    p = program("(lam (map (lam (length (unfold 0 (eq? $1) (+ 1) (+ 1)))) (range $0)))")
    assert p.run([3]) == (3, 3, 3)
    start = time.perf_counter()
    result = p.run([9999], Limits(seconds=0.05))
    elapsed = time.perf_counter() - start
    assert result is FAIL
    assert elapsed < 0.5, f"a 0.05 s limit stopped the run only after {elapsed:.2f} s"
