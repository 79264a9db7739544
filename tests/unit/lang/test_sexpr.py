from __future__ import annotations

import pytest

from metagrow.lang import (
    INT,
    App,
    Hole,
    Invented,
    Lam,
    Prim,
    ProgramParseError,
    Var,
    apply,
    parse,
    show,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x", Prim("x")),
        ("$0", Var(0)),
        ("$12", Var(12)),
        ("(lam $0)", Lam(Var(0))),
        ("(f a b)", apply(Prim("f"), Prim("a"), Prim("b"))),
        ("((f a) b)", apply(Prim("f"), Prim("a"), Prim("b"))),
        ("(f (g a))", App(Prim("f"), App(Prim("g"), Prim("a")))),
        (
            "(lam (map (lam (+ $0 1)) $0))",
            Lam(apply(Prim("map"), Lam(apply(Prim("+"), Var(0), Prim("1"))), Var(0))),
        ),
        ("#(lam (+ $0 1))", Invented(Lam(apply(Prim("+"), Var(0), Prim("1"))))),
        ("(#(lam $0) 3)", App(Invented(Lam(Var(0))), Prim("3"))),
        ("(f ??)", App(Prim("f"), Hole())),
        ("((lam $0) x)", App(Lam(Var(0)), Prim("x"))),
        ("  (f\n\ta   b )  ", apply(Prim("f"), Prim("a"), Prim("b"))),
        ("(eq? $0 $1)", apply(Prim("eq?"), Var(0), Var(1))),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "$3",
        "(lam $0)",
        "(f a b)",
        "(lam (map (lam (+ $0 1)) $0))",
        "(lam (fold $0 0 (lam (lam (+ $0 $1)))))",
        "#(lam (+ $0 1))",
        "(lam (#(lam (lam (cons $1 $0))) 1 $0))",
        "(#(#(lam $0) x) y)",
        "((lam $0) x)",
        "(f ??)",
    ],
)
def test_show_is_canonical_text(text: str) -> None:
    e = parse(text)
    assert show(e) == text
    assert str(e) == text
    assert parse(show(e)) is e


def test_nested_application_in_head_position_is_flattened() -> None:
    assert show(parse("((f a) b)")) == "(f a b)"


def test_lambda_is_a_synonym_for_lam() -> None:
    assert parse("(lambda (+ $0 1))") is parse("(lam (+ $0 1))")
    assert parse("(lambda (lambda $1))") is Lam(Lam(Var(1)))
    assert show(parse("(lambda $0)")) == "(lam $0)"


def test_inventions_by_name() -> None:
    inc = Invented(parse("(lam (+ $0 1))"))
    e = parse("(lam (map inc $0))", inventions={"inc": inc})
    assert e is parse("(lam (map #(lam (+ $0 1)) $0))")
    # without the mapping the name is a primitive
    assert parse("inc") is Prim("inc")


def test_show_of_a_typed_hole() -> None:
    assert show(Hole(INT)) == "??"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "(",
        ")",
        "(lam",
        "(lam $0",
        "(lam $0))",
        "(f a))",
        "((f a)",
        "(f a) b",
        "$x",
        "$",
        "$-1",
        "()",
        "(f ())",
        "(lam)",
        "(lambda)",
        "(lam $0 $1)",
        "lam",
        "(f lam)",
        "(x)",
        "#",
        "(f #)",
    ],
)
def test_bad_programs_raise_parse_errors_with_a_message(text: str) -> None:
    with pytest.raises(ProgramParseError) as info:
        parse(text)
    message = str(info.value)
    assert message
    assert "\n" not in message


def test_parse_error_messages_say_what_is_wrong() -> None:
    with pytest.raises(ProgramParseError, match=r"\$x"):
        parse("$x")
    with pytest.raises(ProgramParseError, match=r"\(\)"):
        parse("()")
    with pytest.raises(ProgramParseError, match="empty"):
        parse("")


def test_unicode_superscript_digits_raise_a_parse_error() -> None:
    # "²".isdigit() is True but int("²") fails: this must still be a ProgramParseError,
    # the only error parse() promises, not a bare ValueError from int().
    for text in ["$²", "$1²", "(lam $³)"]:
        with pytest.raises(ProgramParseError):
            parse(text)
