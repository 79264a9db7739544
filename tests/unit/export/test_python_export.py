"""The Python export: inventions as named functions, limits as guards, clear refusals."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.export import ExportError, to_python
from metagrow.lang import (
    FAIL,
    INT,
    Expr,
    Grammar,
    Invented,
    Limits,
    Primitive,
    Production,
    Program,
    Type,
    arrow,
    infer,
    parse,
    parse_type,
)
from metagrow.testing import exported_outcome, load_exported

LISTS = ListsDomain()
LIST_TO_LIST = parse_type("list(int) -> list(int)")


def with_invention(grammar: Grammar, body: str, name: str) -> tuple[Grammar, Invented]:
    invention = Invented(parse(body))
    t = infer(invention.body, grammar)
    productions = (*grammar.productions, Production(invention, t, 0.0, name))
    return grammar.with_productions(productions, grammar.log_variable), invention


def agree(
    expr: Expr, request: Type, grammar: Grammar, inputs: list[tuple[object, ...]], tmp_path: Path
) -> ModuleType:
    module = load_exported(to_python(expr, request, grammar, LISTS.limits()), tmp_path)
    program = Program(expr, grammar.primitives)
    for args in inputs:
        assert exported_outcome(module, args) == program.run(args, LISTS.limits()), args
    return module


def test_an_invention_becomes_a_named_function(tmp_path: Path) -> None:
    grammar, double = with_invention(LISTS.grammar(), "(lam (map (lam (+ $0 $0)) $0))", "f0")
    expr = parse("(lam (reverse ($0 $1)))".replace("$0 $1", "INV $0"), {"INV": double})
    request = parse_type("list(int) -> list(int)")
    module = agree(expr, request, grammar, [((1, 2, 3),), ((),)], tmp_path)
    source = Path(module.__file__ or "").read_text()
    assert "def lib_f0(v0):" in source
    assert "Library invention f0: (lam (map (lam (+ $0 $0)) $0))" in source
    assert "(lam (reverse (f0 $0)))" in source  # the program, as its library names it


def test_limits_fail_the_same_runs(tmp_path: Path) -> None:
    request = parse_type("list(int) -> int")
    length = parse("(lam (fix1 $0 (lam (lam (if (empty? $0) 0 (+ 1 ($1 (tail $0))))))))")
    deep, shallow = (tuple(range(150)),), (tuple(range(40)),)
    module = agree(length, request, LISTS.grammar(), [deep, shallow], tmp_path)
    assert exported_outcome(module, shallow) == 40
    with pytest.raises(module.RunFailed, match="depth limit reached"):
        module.run(module.program, deep)
    many = parse("(lam (length (map (lam (range (* 5 (* 5 (* 5 (* 5 5)))))) $0)))")
    hundred = (tuple(range(100)),)
    module = agree(many, request, LISTS.grammar(), [hundred, ((1, 2),)], tmp_path)
    with pytest.raises(module.RunFailed, match="step limit reached"):
        module.run(module.program, hundred)
    endless = parse("(lam (fix1 $0 (lam (lam ($1 $0)))))")
    module = agree(endless, request, LISTS.grammar(), [((1,),)], tmp_path)
    assert exported_outcome(module, ((1,),)) is FAIL


def test_a_failing_primitive_fails_with_its_own_message(tmp_path: Path) -> None:
    expr = parse("(lam (head $0))")
    module = agree(
        expr, parse_type("list(int) -> int"), LISTS.grammar(), [((),), ((4,),)], tmp_path
    )
    with pytest.raises(module.RunFailed, match="head of an empty list"):
        module.predict([])
    with pytest.raises(ValueError, match="expected a list"):
        module.predict(3)


def test_a_primitive_without_a_plain_python_form_is_refused_in_one_line() -> None:
    grammar = LISTS.grammar().with_primitive(Primitive("twice", arrow(INT, INT), lambda x: 2 * x))
    with pytest.raises(ExportError, match="primitive 'twice' has no plain-Python form"):
        to_python(parse("(lam (twice $0))"), parse_type("int -> int"), grammar, LISTS.limits())


def test_a_program_with_a_free_variable_is_refused() -> None:
    with pytest.raises(ExportError, match=r"free variable \$1"):
        to_python(parse("(lam $1)"), parse_type("int -> int"), LISTS.grammar(), LISTS.limits())


def test_recursion_inside_an_invention_counts_depth(tmp_path: Path) -> None:
    grammar, length = with_invention(
        LISTS.grammar(),
        "(lam (fix1 $0 (lam (lam (if (empty? $0) 0 (+ 1 ($1 (tail $0))))))))",
        "len",
    )
    expr = parse("(lam (INV $0))", {"INV": length})
    deep, shallow = (tuple(range(150)),), (tuple(range(40)),)
    module = agree(expr, parse_type("list(int) -> int"), grammar, [deep, shallow], tmp_path)
    assert module.DEEP
    with pytest.raises(module.RunFailed, match="depth limit reached"):
        module.run(module.program, deep)


def test_a_program_of_no_arguments_and_a_constant_invention_count_their_steps(
    tmp_path: Path,
) -> None:
    grammar, pair = with_invention(LISTS.grammar(), "(cons 1 (cons 2 empty))", "pair")
    expr = parse("(lam (append INV $0))", {"INV": pair})
    request = parse_type("list(int) -> list(int)")
    module = agree(expr, request, grammar, [((3,),), ((),)], tmp_path)
    assert exported_outcome(module, ((3,),)) == (1, 2, 3)
    constant = parse("(map (lam (+ $0 1)) (cons 4 empty))")
    module = agree(constant, parse_type("list(int)"), grammar, [()], tmp_path)
    assert exported_outcome(module, ()) == (5,)


LOOPS = [
    "(lam (map (lam (+ $0 1)) (filter (lam (gt? $0 1)) $0)))",
    "(lam (fold $0 0 (lam (lam (+ $0 $1)))))",
    "(lam (map (lam (if (even? $0) (* $0 $0) (- 0 $0))) $0))",
    "(lam (filter (lam (if (gt? $0 2) false true)) $0))",
    "(lam (length (filter (lam (eq? (mod $0 3) 0)) $0)))",
    "(lam (fix1 $0 (lam (lam (if (empty? $0) 0 (+ (head $0) ($1 (tail $0))))))))",
]


@pytest.mark.parametrize("text", LOOPS)
def test_loops_written_in_place_fail_at_the_same_step_limit(text: str, tmp_path: Path) -> None:
    """map/filter/fold of a lambda become loops charged before they run, and ``if``,
    ``checked_int`` and ``mod`` are written in place: every step limit around the run's
    cost fails the same runs as the interpreter."""
    grammar, expr = LISTS.grammar(), parse(text)
    request = infer(expr, grammar)
    program = Program(expr, grammar.primitives)
    xs = tuple(range(-3, 6))
    outcomes = []
    for steps in range(1, 160):
        limits = Limits(steps=steps, depth=100, size=20_000, seconds=1.0)
        module = load_exported(to_python(expr, request, grammar, limits), tmp_path)
        want = program.run((xs,), limits)
        assert exported_outcome(module, (xs,)) == want, steps
        outcomes.append(want is FAIL)
    assert outcomes[0] and not outcomes[-1]  # the limits span the run's cost


def test_checks_written_in_place_fail_with_the_primitives_own_message(tmp_path: Path) -> None:
    grammar = LISTS.grammar()
    squares = agree(parse("(lam (map (lam (* $0 $0)) $0))"), LIST_TO_LIST, grammar, [], tmp_path)
    assert exported_outcome(squares, ((2, 3),)) == (4, 9)
    with pytest.raises(squares.RunFailed, match="integer too large"):
        squares.run(squares.program, ((2, 1 << 40),))
    modulo = agree(parse("(lam (mod 1 $0))"), parse_type("int -> int"), grammar, [], tmp_path)
    assert exported_outcome(modulo, (4,)) == 1
    with pytest.raises(modulo.RunFailed, match="mod by zero"):
        modulo.run(modulo.program, (0,))
