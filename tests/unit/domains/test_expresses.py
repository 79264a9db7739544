"""Which task types a domain can search: it must know each type constructor, and some
primitive must take or give each argument type and the result type."""

from __future__ import annotations

import pytest

from metagrow.domains import Domain
from metagrow.domains.grids import GridsDomain
from metagrow.domains.lists import ListsDomain
from metagrow.lang import parse_type


@pytest.mark.parametrize(
    ("domain", "text", "expressed"),
    [
        (ListsDomain(), "list(int) -> list(int)", True),
        (ListsDomain(), "list(list(int)) -> int -> bool", True),
        (ListsDomain(), "grid -> grid", False),
        (GridsDomain(), "grid -> grid", True),
        (GridsDomain(), "grid -> color -> int", True),
        (GridsDomain(), "list(int) -> list(int)", False),
        (GridsDomain(), "grid -> list(int)", False),
    ],
)
def test_expresses(domain: Domain, text: str, expressed: bool) -> None:
    assert domain.expresses(parse_type(text)) is expressed
