"""Shaped types: ``image[8,8]``, ``tensor[3]``: parsing, printing, unification."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metagrow.lang import (
    Context,
    TypeParseError,
    UnificationError,
    parse_type,
    shape_of,
    shaped,
    tlist,
)


@given(st.sampled_from(["tensor", "image"]), st.lists(st.integers(1, 64), min_size=1, max_size=3))
def test_a_shaped_type_prints_and_parses_back(name: str, shape: list[int]) -> None:
    t = tlist(shaped(name, shape))
    assert parse_type(str(t)) == t
    assert shape_of(t.args[0]) == tuple(shape)  # type: ignore[attr-defined]


def test_sizes_are_not_constructors_and_only_equal_shapes_unify() -> None:
    t = parse_type("list(image[8,8]) -> tensor[3] -> int")
    assert str(t) == "list(image[8,8]) -> tensor[3] -> int"
    assert list(t.constructors()) == ["list", "image", "tensor", "int"]
    ctx = Context()
    ctx.unify(parse_type("image[8,8]"), parse_type("image[8, 8]"))
    with pytest.raises(UnificationError):
        ctx.unify(parse_type("image[8,8]"), parse_type("image[8,9]"))
    assert shape_of(parse_type("list(int)")) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("image[]", "expected a positive size but found ']'"),
        ("image[0,3]", "expected a positive size but found '0'"),
        ("image[8,", "found 'end of text'"),
        ("image[8 8]", "expected ']' but found '8'"),
        ("8 -> int", "unexpected '8'"),
    ],
)
def test_malformed_shapes_are_rejected_with_one_line(text: str, message: str) -> None:
    with pytest.raises(TypeParseError, match=message.replace("[", r"\[")) as err:
        parse_type(text)
    assert "\n" not in str(err.value)


def test_shaped_rejects_empty_or_non_positive_shapes() -> None:
    with pytest.raises(ValueError, match="positive sizes"):
        shaped("tensor", [])
    with pytest.raises(ValueError, match="positive sizes"):
        shaped("tensor", [3, 0])
