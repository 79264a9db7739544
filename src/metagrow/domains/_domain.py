"""The domain contract: a primitive set plus how its values look in JSON."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from metagrow.lang import BOOL, INT, Context, Grammar, Limits, Task, TCon, Type, UnificationError

JSON = object
"""A value as ``json.load`` returns it."""


class ValueDecodeError(ValueError):
    """A JSON value that does not have the type a task asks for."""


class Domain(ABC):
    """A family of tasks: its grammar, the types it can express, and value conversion.

    Subclasses are final values; a domain is data plus pure functions and never imports
    search or learning code.
    """

    name: str = "domain"

    @abstractmethod
    def grammar(self) -> Grammar:
        """The base library of this domain."""

    @abstractmethod
    def constructors(self) -> frozenset[str]:
        """Type constructors this domain can express (``int``, ``list``, ...)."""

    def __reduce__(self) -> tuple[type[Domain], tuple[()]]:
        """Domains cross process boundaries by class: a worker rebuilds the primitives
        (which hold Python functions) instead of unpickling them."""
        return type(self), ()

    def task_grammar(self, task: Task, grammar: Grammar, seconds: float = 5.0) -> Grammar:
        """``grammar`` with primitives read off ``task``'s train examples (say, a colour
        table the examples show), taking about ``seconds`` at most; by default none. Such
        primitives are the task's own: they never enter a learned library."""
        return grammar

    def limits(self) -> Limits:
        """Bounds for running one program on one input in this domain."""
        return Limits()

    def expresses(self, t: Type) -> bool:
        """Whether tasks of type ``t`` can be searched here: this domain knows every type
        constructor in it, and some primitive takes or gives each of its argument types
        and its result type (see :func:`unexpressed`)."""
        return set(t.constructors()) <= self.constructors() and unexpressed(self, t) is None

    def decode(self, value: JSON, t: Type) -> object:
        """The runtime value for JSON ``value`` of type ``t``; raises :class:`ValueDecodeError`."""
        return decode_basic(value, t)

    def encode(self, value: object, t: Type) -> JSON:
        """The JSON form of a runtime value of type ``t``."""
        return encode_basic(value)

    def describe(self) -> str:
        return f"{self.name} ({len(self.grammar().productions)} primitives)"


def unexpressed(domain: Domain, t: Type) -> Type | None:
    """The first of ``t``'s argument types and result type that no primitive of
    ``domain`` takes or gives (such as ``list(int)`` among grid primitives), or ``None``:
    a search could at most pass such a value through, never compute with it."""
    shapes = {s for p in domain.grammar().productions for s in _parts(p.type)}
    for part in (*t.arguments(), t.returns()):
        if not any(_fits(part, shape) for shape in shapes):
            return part
    return None


def _parts(t: Type) -> Iterator[Type]:
    """The types a primitive of type ``t`` takes (also inside function arguments) and gives."""
    for a in t.arguments():
        yield a
        yield from _parts(a) if a.is_arrow() else ()
    yield t.returns()


def _fits(a: Type, b: Type) -> bool:
    ctx = Context()
    a, ctx = ctx.instantiate(a)
    b, ctx = ctx.instantiate(b)
    try:
        ctx.unify(a, b)
    except UnificationError:
        return False
    return True


def decode_basic(value: JSON, t: Type) -> object:
    """Decode ints, bools and (nested) lists, lists becoming tuples."""
    if t == INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueDecodeError(f"expected an int, got {_brief(value)}")
        return value
    if t == BOOL:
        if not isinstance(value, bool):
            raise ValueDecodeError(f"expected a bool, got {_brief(value)}")
        return value
    if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
        if not isinstance(value, list):
            raise ValueDecodeError(f"expected a list, got {_brief(value)}")
        return tuple(decode_basic(v, t.args[0]) for v in value)
    raise ValueDecodeError(f"values of type {t} cannot be read")


def encode_basic(value: object) -> JSON:
    if isinstance(value, (tuple, list)):
        return [encode_basic(v) for v in value]
    return value


def _brief(value: JSON) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def names(items: Iterable[str]) -> str:
    return ", ".join(sorted(items))
