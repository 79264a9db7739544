"""The digits domain: integers, booleans, lists and digit images."""

from __future__ import annotations

from typing import final

from metagrow.domains._domain import JSON, Domain, ValueDecodeError, decode_basic, encode_basic
from metagrow.domains.digits._images import IMAGE, Image
from metagrow.domains.digits._primitives import digit_primitives
from metagrow.lang import Grammar, TCon, Type

# fold's result type is open, so most programs it starts are junk; keep it, but unlikely.
_WEIGHTS = {"fold": -3.0}


@final
class DigitsDomain(Domain):
    """Programs over digit images; their neural parts (modules) are added per task by the
    fitting code, not by this grammar. An image is written in JSON as its row number in
    scikit-learn's digits data."""

    name = "digits"

    def __init__(self) -> None:
        self._grammar = Grammar.uniform(digit_primitives(), _WEIGHTS)

    def grammar(self) -> Grammar:
        return self._grammar

    def constructors(self) -> frozenset[str]:
        return frozenset({"int", "bool", "list", "image"})

    def decode(self, value: JSON, t: Type) -> object:
        if t == IMAGE:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueDecodeError(f"expected an image row number, got {value!r}")
            return Image(value)
        if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
            if not isinstance(value, list):
                raise ValueDecodeError(f"expected a list, got {value!r}")
            return tuple(self.decode(v, t.args[0]) for v in value)
        return decode_basic(value, t)

    def encode(self, value: object, t: Type) -> JSON:
        if isinstance(value, Image):
            return value.index
        if isinstance(value, tuple):
            return [self.encode(v, t) for v in value]
        return encode_basic(value)
