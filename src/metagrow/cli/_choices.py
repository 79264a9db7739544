"""The one place where command-line names map to domain and engine classes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from metagrow.cli._errors import UsageError
from metagrow.domains import Domain
from metagrow.domains.lists import ListsDomain
from metagrow.search import BottomUpEnumerator, Engine, TopDownEnumerator

T = TypeVar("T")


def _grids() -> Domain:
    """The grids domain, imported only when picked (it loads numpy)."""
    from metagrow.domains.grids import GridsDomain

    return GridsDomain()


DOMAINS: Mapping[str, Callable[[], Domain]] = {
    "lists": ListsDomain,
    "grids": _grids,
    "arc": _grids,
}
ENGINES: Mapping[str, Callable[[], Engine]] = {
    "bottomup": BottomUpEnumerator,
    "topdown": TopDownEnumerator,
}


def pick(table: Mapping[str, Callable[[], T]], name: str, what: str) -> T:
    factory = table.get(name)
    if factory is None:
        raise UsageError(f"unknown {what} {name!r}; choose one of: {', '.join(sorted(table))}")
    return factory()
