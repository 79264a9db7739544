from __future__ import annotations

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import (
    INT,
    Grammar,
    Hole,
    ProgramTypeError,
    canonical,
    check,
    infer,
    parse,
    parse_type,
    tlist,
)


@pytest.fixture(scope="module")
def g() -> Grammar:
    return ListsDomain().grammar()


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("1", "int"),
        ("true", "bool"),
        ("empty", "list(t0)"),
        ("map", "(t0 -> t1) -> list(t0) -> list(t1)"),
        ("(lam $0)", "t0 -> t0"),
        ("(lam (lam $1))", "t0 -> t1 -> t0"),
        ("(+ 1 2)", "int"),
        ("(+ 1)", "int -> int"),
        ("(cons 1 empty)", "list(int)"),
        ("(lam (map (lam (+ $0 1)) $0))", "list(int) -> list(int)"),
        ("(lam (length $0))", "list(t0) -> int"),
        ("(lam (sum $0))", "list(int) -> int"),
        ("(lam (map (lam (eq? $0 1)) $0))", "list(int) -> list(bool)"),
        ("(lam (filter even? $0))", "list(int) -> list(int)"),
        ("(lam (fold $0 0 (lam (lam (+ $0 $1)))))", "list(int) -> int"),
        ("(lam (lam (if $0 $1 (+ $1 1))))", "int -> bool -> int"),
        ("(lam (fix1 $0 (lam (lam (if (empty? $0) 0 (+ 1 ($1 (tail $0))))))))", "list(t0) -> int"),
        ("(lam (map (lam (cons $0 empty)) $0))", "list(t0) -> list(list(t0))"),
        ("(lam (fix1 $0 (lam (lam ($1 $0)))))", "t0 -> t1"),
        ("#(lam (+ $0 1))", "int -> int"),
        ("(lam (map #(lam (+ $0 1)) $0))", "list(int) -> list(int)"),
        ("(lam (#(lam (cons $0 empty)) (length $0)))", "list(t0) -> list(int)"),
        ("(lam (unfold $0 (eq? 0) (+ 1) (lam (- $0 1))))", "int -> list(int)"),
    ],
)
def test_infer_known_programs(g: Grammar, program: str, expected: str) -> None:
    t = infer(parse(program), g)
    assert t == parse_type(expected)
    assert str(t) == expected


def test_an_invention_is_polymorphic_at_each_use(g: Grammar) -> None:
    # the same invention used at two different types in one program
    single = "#(lam (cons $0 empty))"
    e = parse(f"(lam (cons ({single} (length $0)) ({single} true)))")
    with pytest.raises(ProgramTypeError):
        infer(e, g)  # list(int) and list(bool) cannot be cons'd together
    e = parse(f"(lam (append ({single} (length $0)) (map length ({single} $0))))")
    assert infer(e, g) == parse_type("list(t0) -> list(int)")


def test_inferred_types_are_canonical(g: Grammar) -> None:
    t = infer(parse("(lam (lam (map $1 $0)))"), g)
    assert t == canonical(t)
    assert t == parse_type("(t0 -> t1) -> list(t0) -> list(t1)")


@pytest.mark.parametrize(
    ("program", "fragment"),
    [
        ("(+ 1 true)", "true"),
        ("(lam $3)", "$3"),
        ("$0", "$0"),
        ("(lam (foo $0))", "foo"),
        ("(length 1)", "length"),
        ("(lam ($0 $0))", ""),
        ("(1 2)", ""),
        ("(lam (if $0 1 true))", ""),
        ("(lam (map (lam (+ $0 1)) (map even? $0)))", ""),
        ("#(lam $1)", "$1"),
        ("(cons 1 (cons true empty))", ""),
    ],
)
def test_ill_typed_programs_raise(g: Grammar, program: str, fragment: str) -> None:
    with pytest.raises(ProgramTypeError) as info:
        infer(parse(program), g)
    assert fragment in str(info.value)
    assert str(info.value)


def test_occurs_check_in_self_application(g: Grammar) -> None:
    with pytest.raises(ProgramTypeError):
        infer(parse("(lam ($0 $0))"), g)


def test_check_against_a_request(g: Grammar) -> None:
    double = parse("(lam (map (lam (+ $0 $0)) $0))")
    check(double, g, parse_type("list(int) -> list(int)"))
    with pytest.raises(ProgramTypeError) as info:
        check(double, g, parse_type("list(int) -> int"))
    assert "list(int) -> int" in str(info.value)
    with pytest.raises(ProgramTypeError):
        check(double, g, parse_type("list(bool) -> list(bool)"))
    with pytest.raises(ProgramTypeError):
        check(double, g, parse_type("int -> int"))
    # a polymorphic program fits a more specific request
    length = parse("(lam (length $0))")
    check(length, g, parse_type("list(int) -> int"))
    check(length, g, parse_type("list(list(bool)) -> int"))
    check(length, g, parse_type("list(t0) -> int"))
    with pytest.raises(ProgramTypeError):
        check(length, g, parse_type("list(int) -> bool"))


def test_check_rejects_ill_typed_programs(g: Grammar) -> None:
    with pytest.raises(ProgramTypeError):
        check(parse("(+ 1 true)"), g, INT)
    with pytest.raises(ProgramTypeError):
        check(parse("(lam (nope $0))"), g, parse_type("int -> int"))


def test_holes_take_their_type_or_a_fresh_variable(g: Grammar) -> None:
    assert infer(Hole(), g) == parse_type("t0")
    assert infer(Hole(tlist(INT)), g) == tlist(INT)
    e = parse("(lam (map ?? $0))")
    assert infer(e, g) == parse_type("list(t0) -> list(t1)")


def test_infer_is_deterministic_and_uses_a_fresh_context_each_time(g: Grammar) -> None:
    e = parse("(lam (lam (map $1 $0)))")
    assert infer(e, g) == infer(e, g) == parse_type("(t0 -> t1) -> list(t0) -> list(t1)")
