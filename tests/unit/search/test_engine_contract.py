"""Every engine passes the shared contract in ``metagrow.testing``."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from metagrow.search import BottomUpEnumerator, Engine, TopDownEnumerator
from metagrow.testing import (
    check_engine_finds_known_programs,
    check_engine_is_deterministic,
    check_engine_respects_budget,
    check_engine_yields_well_typed_solutions,
)

ENGINES: list[Callable[[], Engine]] = [TopDownEnumerator, BottomUpEnumerator]
CHECKS = [
    check_engine_finds_known_programs,
    check_engine_respects_budget,
    check_engine_yields_well_typed_solutions,
    check_engine_is_deterministic,
]


@pytest.mark.parametrize("make", ENGINES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_engine_contract(
    make: Callable[[], Engine], check: Callable[[Callable[[], Engine]], None]
) -> None:
    check(make)
