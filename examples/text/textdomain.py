"""A small text-editing domain for metagrow: strings, split/join, case, slices, find.

Used from the command line as ``--domain textdomain:TextDomain`` (run from this folder)
and walked through in docs/new-domain.md.
"""

from __future__ import annotations

from metagrow.domains import JSON, Domain, ValueDecodeError, decode_basic, encode_basic
from metagrow.domains.lists import list_primitives
from metagrow.lang import INT, Grammar, Primitive, Task, TCon, Type, arrow, tlist

STR = TCon("str")
LS = tlist(STR)
MAX_CHARS = 10_000


def _sized(s: str) -> str:
    if len(s) > MAX_CHARS:
        raise OverflowError("string too long")
    return s


def _primitives() -> list[Primitive]:
    lists = {p.name: p for p in list_primitives()}
    return [
        Primitive("upper", arrow(STR, STR), str.upper),
        Primitive("lower", arrow(STR, STR), str.lower),
        Primitive("capitalize", arrow(STR, STR), str.capitalize),
        Primitive("concat", arrow(STR, STR, STR), lambda a, b: _sized(a + b)),
        Primitive("split", arrow(STR, STR, LS), lambda sep, s: tuple(s.split(sep or None))),
        Primitive("join", arrow(STR, LS, STR), lambda sep, xs: _sized(sep.join(xs))),
        Primitive("slice", arrow(INT, INT, STR, STR), lambda i, j, s: s[i:j]),
        Primitive("find", arrow(STR, STR, INT), lambda sub, s: s.find(sub)),
        Primitive("strlen", arrow(STR, INT), len),
        Primitive('""', STR, ""),
        Primitive("space", STR, " "),
        *(lists[name] for name in ("map", "head", "tail", "reverse", "length", "0", "1", "+")),
    ]


class TextDomain(Domain):
    """Strings and lists of strings, with the list primitives map, head, tail, reverse, length."""

    name = "text"

    def __init__(self) -> None:
        self._grammar = Grammar.uniform(_primitives())

    def grammar(self) -> Grammar:
        return self._grammar

    def constructors(self) -> frozenset[str]:
        return frozenset({"str", "int", "list"})

    def decode(self, value: JSON, t: Type) -> object:
        if t == STR:
            if not isinstance(value, str):
                raise ValueDecodeError(f"expected a string, got {value!r}")
            return value
        if isinstance(t, TCon) and t.name == "list":
            if not isinstance(value, list):
                raise ValueDecodeError(f"expected a list, got {value!r}")
            return tuple(self.decode(v, t.args[0]) for v in value)
        return decode_basic(value, t)

    def encode(self, value: object, t: Type) -> JSON:
        return encode_basic(value)

    def task_grammar(self, task: Task, grammar: Grammar, seconds: float = 5.0) -> Grammar:
        """Adds each single character that every train output shows and no input does
        (a separator such as "-" or "."), as a string constant of this task."""
        shown = [set(str(ex.output)) - set(str(ex.inputs)) for ex in task.train]
        for c in sorted(set.intersection(*shown) - set("()#'\"[], \\")):
            if not c.isspace() and not c.isalnum():
                grammar = grammar.with_primitive(Primitive(f'"{c}"', STR, c))
        return grammar
