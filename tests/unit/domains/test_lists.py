from __future__ import annotations

import pytest

from metagrow.domains import ValueDecodeError
from metagrow.domains.lists import MAX_LENGTH, ListsDomain, list_primitives
from metagrow.domains.lists._domain import task_constants
from metagrow.lang import (
    BOOL,
    FAIL,
    INT,
    Example,
    Program,
    Task,
    canonical,
    infer,
    parse,
    parse_type,
    tlist,
)
from metagrow.search import BottomUpEnumerator, Budget, solve

REQUIRED = {
    "map", "filter", "fold", "length", "index", "cons", "head", "tail", "empty", "append",
    "range", "sort", "reverse", "take", "drop", "max", "min", "sum", "+", "-", "*", "mod",
    "eq?", "gt?", "if", "0", "1", "true", "false", "fix1", "unfold",
}  # fmt: skip


def run(domain: ListsDomain, text: str, *args: object) -> object:
    return Program(parse(text), domain.grammar().primitives).run(args, domain.limits())


def test_has_dreamcoders_list_primitives() -> None:
    names = {p.name for p in list_primitives()}
    assert names >= REQUIRED


def test_primitive_names_are_unique() -> None:
    names = [p.name for p in list_primitives()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("program", "args", "want"),
    [
        ("(lam (map (lam (* $0 2)) $0))", ((1, 2, 3),), (2, 4, 6)),
        ("(lam (filter (lam (even? $0)) $0))", ((1, 2, 3, 4),), (2, 4)),
        ("(lam (fold $0 0 (lam (lam (+ $0 $1)))))", ((1, 2, 3),), 6),
        ("(lam (fold $0 empty cons))", ((1, 2),), (1, 2)),
        ("(lam (sort $0))", ((3, 1, 2),), (1, 2, 3)),
        ("(lam (take 2 $0))", ((5, 6, 7),), (5, 6)),
        ("(lam (drop 2 $0))", ((5, 6, 7),), (7,)),
        ("(lam (index 1 $0))", ((5, 6, 7),), 6),
        ("(lam (range $0))", (3,), (0, 1, 2)),
        ("(lam (unfold $0 (lam (eq? $0 0)) (lam $0) (lam (- $0 1))))", (3,), (3, 2, 1)),
        ("(lam (lam (mod $1 $0)))", (7, 3), 1),
        ("(lam (if (empty? $0) 0 (head $0)))", ((),), 0),
    ],
)
def test_primitives_compute(
    lists: ListsDomain, program: str, args: tuple[object, ...], want: object
) -> None:
    assert run(lists, program, *args) == want


@pytest.mark.parametrize(
    ("program", "args"),
    [
        ("(lam (head $0))", ((),)),
        ("(lam (tail $0))", ((),)),
        ("(lam (index 5 $0))", ((1,),)),
        ("(lam (index (- 0 1) $0))", ((1, 2),)),
        ("(lam (lam (mod $1 $0)))", (1, 0)),
        ("(lam (range $0))", (MAX_LENGTH + 1,)),
        ("(lam (fold $0 $0 (lam (lam (append $0 $0)))))", (tuple(range(30)),)),
        ("(lam (fold $0 2 (lam (lam (* $0 $0)))))", (tuple(range(30)),)),
    ],
)
def test_bad_or_huge_operations_fail_the_example(
    lists: ListsDomain, program: str, args: tuple[object, ...]
) -> None:
    assert run(lists, program, *args) is FAIL


def test_decode_and_encode(lists: ListsDomain) -> None:
    t = tlist(tlist(INT))
    value = lists.decode([[1], [2, 3]], t)
    assert value == ((1,), (2, 3))
    assert lists.encode(value, t) == [[1], [2, 3]]
    assert lists.decode(True, BOOL) is True
    with pytest.raises(ValueDecodeError):
        lists.decode(True, INT)
    with pytest.raises(ValueDecodeError):
        lists.decode(1, BOOL)
    with pytest.raises(ValueDecodeError):
        lists.decode([1, [2]], tlist(INT))


def test_expresses_only_its_types(lists: ListsDomain) -> None:
    assert lists.expresses(parse_type("list(list(int)) -> bool"))
    assert not lists.expresses(parse_type("grid -> grid"))


def test_inferred_primitive_types_are_the_declared_ones(lists: ListsDomain) -> None:
    g = lists.grammar()
    for p in list_primitives():
        assert infer(parse(p.name), g) == canonical(p.type)


def test_constants_every_output_shows_join_the_task_grammar(lists: ListsDomain) -> None:
    pad = [((1, 2), (1, 2, 17)), ((5,), (5, 17)), ((), (17,)), ((9, 17), (9, 17, 17))]
    task = Task(
        "append-17",
        parse_type("list(int) -> list(int)"),
        tuple(Example((x,), y) for x, y in pad[:3]),
        (Example((pad[3][0],), pad[3][1]),),
    )
    grammar = lists.task_grammar(task, lists.grammar())
    assert set(grammar.primitives) - set(lists.grammar().primitives) == {"17"}
    result = solve(task, grammar, BottomUpEnumerator(), Budget(5.0, run_limits=lists.limits()))
    assert result.solved and result.predictions[0][0] == pad[3][1]
    # An int some output lacks, or that the grammar already names, is no constant.
    lacking = Task("t", task.request, (*task.train[:2], Example(((4,),), (4, 3))))
    assert task_constants(lacking, set()) == []
    assert task_constants(task, {"17"}) == []
