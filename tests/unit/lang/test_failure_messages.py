"""A failed run says why in words a user reads, not as a Python exception."""

from __future__ import annotations

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import FAIL, Limits, Program, parse


@pytest.mark.parametrize(
    ("program", "arg", "message"),
    [
        ("(lam (head $0))", (), "head of an empty list"),
        ("(lam (tail $0))", (), "tail of an empty list"),
        ("(lam (min $0))", (), "min of an empty list"),
        ("(lam (index 2 $0))", (1,), "index 2 is outside a list of length 1"),
        ("(lam (mod 3 (length $0)))", (), "mod by zero"),
        ("(lam (fix1 $0 (lam (lam ($1 $0)))))", (), "depth limit reached"),
    ],
)
def test_a_failed_run_says_why(program: str, arg: object, message: str) -> None:
    compiled = Program(parse(program), ListsDomain().grammar().primitives)
    assert compiled.run([arg], Limits(steps=10_000)) is FAIL
    assert compiled.last_error == message
    compiled.run([(1, 2, 3)])
    assert compiled.last_error in ("", message)  # each run starts with no error
