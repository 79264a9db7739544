"""The lists domain: integers, booleans and lists of them."""

from __future__ import annotations

from typing import final

from metagrow.domains._domain import Domain
from metagrow.domains.lists._primitives import list_primitives
from metagrow.lang import Grammar, Limits

# Constants are many and each rarely needed; arithmetic and list helpers are the common case.
_WEIGHTS = {
    **{str(i): -0.7 for i in range(6)},
    "true": -0.7,
    "false": -0.7,
}


@final
class ListsDomain(Domain):
    """Integer and list functions, as in DreamCoder's list benchmark."""

    name = "lists"

    def __init__(self) -> None:
        self._grammar = Grammar.uniform(list_primitives(), _WEIGHTS)

    def grammar(self) -> Grammar:
        return self._grammar

    def constructors(self) -> frozenset[str]:
        return frozenset({"int", "bool", "list"})

    def limits(self) -> Limits:
        return Limits(steps=100_000, depth=100, size=20_000, seconds=0.1)
