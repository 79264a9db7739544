"""Small list tasks made from known programs, with those programs, for guide tests."""

from __future__ import annotations

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import FAIL, Example, Expr, Program, Task, parse, parse_type

INPUTS = [(3, 1, 4), (1, 5, 9, 2), (6,), (5, 3, 5, 8), (9, 7, 9, 3, 2)]
KNOWN = (
    ("list(int) -> list(int)", "(lam (reverse $0))"),
    ("list(int) -> int", "(lam (sum $0))"),
    ("list(int) -> list(int)", "(lam (map (lam (+ $0 1)) $0))"),
    ("list(int) -> list(int)", "(lam (filter (lam (gt? $0 3)) $0))"),
    ("list(int) -> int", "(lam (length (filter (lam (even? $0)) $0)))"),
    ("list(int) -> bool", "(lam (gt? (sum $0) 5))"),
)


def make_task(request: str, source: str, name: str | None = None) -> tuple[Task, Expr]:
    domain = ListsDomain()
    program = parse(source)
    compiled = Program(program, domain.grammar().primitives)
    outputs = [compiled.run((xs,)) for xs in INPUTS]
    assert all(o is not FAIL for o in outputs), source
    examples = tuple(Example((xs,), o) for xs, o in zip(INPUTS, outputs, strict=True))
    return Task(name or source, parse_type(request), examples), program


@pytest.fixture(scope="session")
def replays() -> list[tuple[Task, Expr]]:
    return [make_task(r, s) for r, s in KNOWN]
