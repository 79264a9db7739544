from __future__ import annotations

import copy
import pickle

import pytest

from metagrow.lang import (
    INT,
    App,
    Hole,
    Invented,
    Lam,
    Prim,
    Var,
    apply,
    beta_normal,
    inline_inventions,
    lambdas,
    parse,
    shift,
    spine,
    substitute,
    tlist,
)


def test_equal_nodes_are_the_same_object() -> None:
    assert App(Prim("a"), Var(0)) is App(Prim("a"), Var(0))
    assert Lam(App(Prim("f"), Var(0))) is Lam(App(Prim("f"), Var(0)))
    assert Invented(Lam(Var(0))) is Invented(Lam(Var(0)))
    assert Hole(tlist(INT)) is Hole(tlist(INT))
    assert Hole() is Hole(None)
    assert Prim("a") is not Prim("b")
    assert Var(0) is not Var(1)
    assert App(Prim("a"), Var(0)) is not App(Var(0), Prim("a"))
    # node kinds with the same field value are distinct
    assert Lam(Var(0)) is not Invented(Var(0))


def test_hash_consing_makes_equality_identity() -> None:
    a = parse("(lam (map (lam (+ $0 1)) $0))")
    b = Lam(apply(Prim("map"), Lam(apply(Prim("+"), Var(0), Prim("1"))), Var(0)))
    assert a is b
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, parse("(lam $0)")}) == 2


def test_nodes_are_immutable() -> None:
    e = App(Prim("f"), Var(0))
    with pytest.raises(AttributeError):
        e.f = Prim("g")  # type: ignore[misc]
    with pytest.raises(AttributeError):
        e.size = 7  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Prim("f").name = "g"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Var(0).index = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Lam(Var(0)).body = Var(1)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Prim("f").anything = 1  # type: ignore[attr-defined]
    assert e.f is Prim("f")
    assert Prim("f").name == "f"


def test_negative_variable_is_rejected() -> None:
    with pytest.raises(ValueError):
        Var(-1)


@pytest.mark.parametrize(
    "text",
    [
        "(lam (map (lam (+ $0 1)) $0))",
        "(lam (fold $0 0 (lam (lam (+ $0 $1)))))",
        "(#(lam (+ $0 1)) 2)",
        "x",
        "$3",
    ],
)
def test_pickle_round_trip_returns_the_identical_object(text: str) -> None:
    e = parse(text)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(e, protocol)) is e
    assert copy.copy(e) is e
    assert copy.deepcopy(e) is e


def test_pickle_of_a_hole_keeps_its_type() -> None:
    h = Hole(tlist(INT))
    assert pickle.loads(pickle.dumps(h)) is h


def test_pickle_survives_the_original_being_collected() -> None:
    data = pickle.dumps(parse("(lam (unlikely-name-for-gc-test $0))"))
    e = pickle.loads(data)
    assert e is parse("(lam (unlikely-name-for-gc-test $0))")
    assert isinstance(e, Lam)


def test_size_counts_leaves_and_lambdas() -> None:
    assert Prim("a").size == 1
    assert Var(0).size == 1
    assert App(Prim("f"), Var(0)).size == 2
    assert Lam(App(Prim("f"), Var(0))).size == 3
    assert parse("(lam (map (lam (+ $0 1)) $0))").size == 7
    assert Invented(parse("(lam (+ $0 1))")).size == 1


def test_spine_and_apply_are_inverse() -> None:
    f, a, b = Prim("f"), Prim("a"), Var(1)
    e = apply(f, a, b)
    assert e is App(App(f, a), b)
    assert spine(e) == (f, (a, b))
    assert spine(f) == (f, ())
    assert apply(f) is f
    head, args = spine(parse("(lam $0)"))
    assert head is parse("(lam $0)")
    assert args == ()
    # the head of a spine may itself be a lambda
    redex = App(Lam(Var(0)), Prim("x"))
    assert spine(redex) == (Lam(Var(0)), (Prim("x"),))


def test_walk_visits_parents_first() -> None:
    e = parse("(lam (f $0 x))")
    nodes = list(e.walk())
    assert nodes[0] is e
    assert nodes[1] is e.body
    assert Prim("x") in nodes and Var(0) in nodes and Prim("f") in nodes


def test_lambdas_wraps_n_times() -> None:
    assert lambdas(Var(0), 0) is Var(0)
    assert lambdas(Var(1), 2) is Lam(Lam(Var(1)))


def test_shift_moves_only_free_variables() -> None:
    e = parse("(lam ($0 $1 $2))")
    assert shift(e, 2) is parse("(lam ($0 $3 $4))")
    assert shift(parse("($0 $1)"), 1, cutoff=1) is parse("($0 $2)")
    assert shift(parse("($1 $2)"), -1) is parse("($0 $1)")
    with pytest.raises(ValueError):
        shift(Var(0), -1)


def test_substitute_replaces_and_lowers() -> None:
    # ($0 $1 $2)[$0 := x] = (x $0 $1)
    assert substitute(parse("($0 $1 $2)"), Prim("x")) is parse("(x $0 $1)")
    # under a binder, the replaced variable is $1 and the value is shifted
    e = parse("(lam ($0 $1 $2))")
    assert substitute(e, Var(0)) is parse("(lam ($0 $1 $1))")
    assert substitute(e, Var(5)) is parse("(lam ($0 $6 $1))")


def test_beta_normal_reduces_redexes() -> None:
    assert beta_normal(parse("((lam (+ $0 1)) 2)")) is parse("(+ 2 1)")
    assert beta_normal(parse("((lam (lam ($1 $0))) f)")) is parse("(lam (f $0))")
    # capture avoidance: the free $0 of the argument becomes $1 under the binder
    assert beta_normal(parse("(lam ((lam (lam ($1 $0))) $0))")) is parse("(lam (lam ($1 $0)))")
    # reductions inside arguments and bodies
    assert beta_normal(parse("(f ((lam $0) x))")) is parse("(f x)")
    assert beta_normal(parse("(lam ((lam $0) $0))")) is parse("(lam $0)")
    # a normal form is left alone
    e = parse("(lam (map (lam (+ $0 1)) $0))")
    assert beta_normal(e) is e


def test_beta_normal_gives_up_on_divergent_terms() -> None:
    omega = parse("((lam ($0 $0)) (lam ($0 $0)))")
    with pytest.raises(ValueError):
        beta_normal(omega, limit=50)


def test_inline_inventions() -> None:
    inc = Invented(parse("(lam (+ $0 1))"))
    assert inline_inventions(App(inc, Prim("2"))) is parse("(+ 2 1)")
    e = parse("(lam (map #(lam (+ $0 1)) $0))")
    assert inline_inventions(e) is parse("(lam (map (lam (+ $0 1)) $0))")
    # nested inventions are inlined all the way down
    twice = Invented(Lam(Lam(App(Var(1), App(Var(1), Var(0))))))
    assert inline_inventions(apply(twice, inc, Prim("0"))) is parse("(+ (+ 0 1) 1)")
    plain = parse("(lam (length $0))")
    assert inline_inventions(plain) is plain


def test_str_and_repr_show_the_program() -> None:
    e = parse("(lam (map (lam (+ $0 1)) $0))")
    assert str(e) == "(lam (map (lam (+ $0 1)) $0))"
    assert "(lam (map (lam (+ $0 1)) $0))" in repr(e)
