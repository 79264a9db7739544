"""The one place where command-line names map to domain and engine classes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from metagrow.api._engines import ENGINES as _ENGINES
from metagrow.cli._errors import UsageError
from metagrow.domains import BUILTIN_DOMAINS, Domain, DomainSpecError, domain_from_spec

if TYPE_CHECKING:
    from metagrow.search import Engine

T = TypeVar("T")

DOMAIN_HELP = (
    f"Domain: {', '.join(BUILTIN_DOMAINS)}, or your own as package.module:ClassName "
    "(imported from the current directory first)."
)
ENGINES: Mapping[str, Callable[[], Engine]] = _ENGINES


def pick_domain(spec: str) -> Domain:
    """The domain a ``--domain`` value names (a built-in name or an import string)."""
    try:
        return domain_from_spec(spec)
    except DomainSpecError as err:
        raise UsageError(str(err)) from None


def pick(table: Mapping[str, Callable[[], T]], name: str, what: str) -> T:
    factory = table.get(name)
    if factory is None:
        raise UsageError(f"unknown {what} {name!r}; choose one of: {', '.join(sorted(table))}")
    return factory()
