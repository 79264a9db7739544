from __future__ import annotations

import pytest

from metagrow.lang import (
    BOOL,
    INT,
    T0,
    T1,
    T2,
    Context,
    TCon,
    TVar,
    TypeParseError,
    UnificationError,
    arrow,
    canonical,
    canonicalize,
    decanonicalize,
    parse_type,
    tlist,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("int", INT),
        ("bool", BOOL),
        ("t0", T0),
        ("list(int)", tlist(INT)),
        ("list(int) -> int", arrow(tlist(INT), INT)),
        ("int -> int -> bool", arrow(INT, arrow(INT, BOOL))),
        ("(int -> int) -> bool", arrow(arrow(INT, INT), BOOL)),
        (
            "(t0 -> bool) -> list(t0) -> list(t0)",
            arrow(arrow(T0, BOOL), tlist(T0), tlist(T0)),
        ),
        ("list(list(t1))", tlist(tlist(T1))),
        ("pair(int, bool)", TCon("pair", (INT, BOOL))),
        ("list(int -> int)", tlist(arrow(INT, INT))),
        ("  list ( int )  ->int ", arrow(tlist(INT), INT)),
    ],
)
def test_parse_type(text: str, expected: TCon) -> None:
    assert parse_type(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "int",
        "list(int) -> int",
        "(t0 -> bool) -> list(t0) -> list(t0)",
        "((int -> int) -> int) -> int",
        "int -> (int -> int) -> int",
        "pair(int -> bool, list(t3))",
        "list(list(t0 -> t1))",
    ],
)
def test_printing_round_trips(text: str) -> None:
    t = parse_type(text)
    assert parse_type(str(t)) == t
    assert str(parse_type(str(t))) == str(t)


def test_arrow_printing_brackets_only_the_left_side() -> None:
    assert str(arrow(arrow(INT, INT), INT)) == "(int -> int) -> int"
    assert str(arrow(INT, arrow(INT, INT))) == "int -> int -> int"
    assert str(tlist(T0)) == "list(t0)"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "int ->", "-> int", "list(int", "(int", "int)", "list()", "int int",
     "list(int,)", "int $", "a,b", "3", "int -> -> int"],
)  # fmt: skip
def test_bad_type_text_raises(text: str) -> None:
    with pytest.raises(TypeParseError) as info:
        parse_type(text)
    assert str(info.value)


def test_type_structure_helpers() -> None:
    t = parse_type("(t0 -> bool) -> list(t0) -> list(t1)")
    assert t.is_arrow()
    assert t.arguments() == (arrow(T0, BOOL), tlist(T0))
    assert t.returns() == tlist(T1)
    assert sorted(set(t.free_vars())) == [0, 1]
    assert set(t.constructors()) == {"bool", "list"}
    assert t.is_polymorphic()
    assert not parse_type("list(int) -> int").is_polymorphic()
    assert INT.arguments() == ()
    assert INT.returns() == INT
    with pytest.raises(ValueError):
        arrow(INT)


def test_unify_binds_variables() -> None:
    ctx = Context(3).unify(arrow(T0, tlist(T1)), arrow(INT, tlist(BOOL)))
    assert ctx.apply(T0) == INT
    assert ctx.apply(T1) == BOOL
    assert ctx.apply(T2) == T2
    assert ctx.next_var == 3


def test_unify_through_chains_of_variables() -> None:
    ctx = Context(3).unify(T0, T1)
    ctx = ctx.unify(T1, T2)
    ctx = ctx.unify(T2, tlist(INT))
    assert ctx.apply(T0) == tlist(INT)
    assert ctx.apply(arrow(T0, T1)) == arrow(tlist(INT), tlist(INT))


def test_unify_does_not_mutate_the_original_context() -> None:
    ctx = Context(2)
    ctx.unify(T0, INT)
    assert ctx.apply(T0) == T0
    assert dict(ctx.substitution) == {}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (INT, BOOL),
        (tlist(INT), INT),
        (arrow(INT, INT), tlist(INT)),
        (arrow(T0, T0), arrow(INT, BOOL)),
        (TCon("pair", (INT, INT)), TCon("pair", (INT,))),
    ],
)
def test_unify_mismatch_raises(a: TCon, b: TCon) -> None:
    with pytest.raises(UnificationError) as info:
        Context(2).unify(a, b)
    assert str(info.value)
    with pytest.raises(UnificationError):
        Context(2).unify(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (T0, tlist(T0)),
        (tlist(T0), T0),
        (arrow(T0, T1), T1),
        (arrow(T0, T1), arrow(T1, tlist(T0))),
    ],
)
def test_occurs_check(a: TCon, b: TCon) -> None:
    with pytest.raises(UnificationError):
        Context(2).unify(a, b)


def test_unify_variable_with_itself_is_a_no_op() -> None:
    ctx = Context(1).unify(T0, T0)
    assert ctx.apply(T0) == T0
    ctx = Context(1).unify(tlist(T0), tlist(T0))
    assert ctx.apply(T0) == T0


def test_fresh_variables() -> None:
    ctx = Context(5)
    v, ctx2 = ctx.fresh()
    assert v == TVar(5)
    assert ctx2.next_var == 6
    w, _ = ctx2.fresh()
    assert w == TVar(6)


def test_instantiate_renames_to_fresh_variables() -> None:
    t = parse_type("(t0 -> t1) -> list(t0) -> list(t1)")
    ctx = Context(7)
    inst, ctx2 = ctx.instantiate(t)
    assert ctx2.next_var == 9
    assert set(inst.free_vars()) == {7, 8}
    assert inst == parse_type("(t7 -> t8) -> list(t7) -> list(t8)")
    # a second instantiation shares no variables with the first
    inst2, ctx3 = ctx2.instantiate(t)
    assert set(inst2.free_vars()) == {9, 10}
    assert ctx3.next_var == 11
    # the structure is preserved
    assert canonical(inst) == canonical(inst2) == t


def test_instantiate_of_a_ground_type_is_itself() -> None:
    t = parse_type("list(int) -> int")
    inst, ctx = Context(4).instantiate(t)
    assert inst is t
    assert ctx.next_var == 4


def test_canonical_numbers_variables_by_first_appearance() -> None:
    assert canonical(parse_type("t5 -> t2 -> t5")) == parse_type("t0 -> t1 -> t0")
    assert canonical(parse_type("list(t9)")) == tlist(T0)
    assert canonical(INT) == INT
    t = parse_type("(t3 -> t1) -> list(t3)")
    assert canonical(canonical(t)) == canonical(t)


def test_canonicalize_and_decanonicalize_invert_each_other() -> None:
    names: dict[int, int] = {}
    a = canonicalize(parse_type("t4 -> t7"), names)
    b = canonicalize(parse_type("list(t7) -> t9"), names)
    assert a == parse_type("t0 -> t1")
    assert b == parse_type("list(t1) -> t2")
    assert names == {4: 0, 7: 1, 9: 2}
    back = [TVar(old) for old, _ in sorted(names.items(), key=lambda kv: kv[1])]
    assert decanonicalize(a, back, 100) == parse_type("t4 -> t7")
    assert decanonicalize(b, back, 100) == parse_type("list(t7) -> t9")
    # variables past the known ones become fresh from the offset
    assert decanonicalize(parse_type("t3 -> t4"), back, 100) == parse_type("t100 -> t101")


def test_types_are_hashable_values() -> None:
    assert parse_type("list(int)") == tlist(INT)
    assert hash(parse_type("list(int)")) == hash(tlist(INT))
    assert len({parse_type("int"), INT, parse_type("bool")}) == 2
