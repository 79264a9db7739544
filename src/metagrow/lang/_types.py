"""Types: constructors (``int``, ``list(t)``, arrows) and variables, with unification.

A type is an immutable value. Arrows are the constructor ``->`` with two arguments, so
``int -> bool`` is ``TCon("->", (INT, BOOL))``. Type variables are numbered and written
``t0``, ``t1``, ...; a :class:`Context` holds a substitution and the next fresh number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

ARROW = "->"


class UnificationError(ValueError):
    """Two types that cannot be made equal; the message says where they differ."""


class TypeParseError(ValueError):
    """Text that is not a type; the message quotes the text."""


class Type:
    """Base of :class:`TCon` and :class:`TVar`."""

    __slots__ = ()
    poly: bool  # a type variable occurs in it; set by each subclass on construction

    def is_arrow(self) -> bool:
        return isinstance(self, TCon) and self.name == ARROW

    def arguments(self) -> tuple[Type, ...]:
        """Argument types of a curried arrow, outermost first (empty for a non-arrow)."""
        args: list[Type] = []
        t: Type = self
        while isinstance(t, TCon) and t.name == ARROW:
            args.append(t.args[0])
            t = t.args[1]
        return tuple(args)

    def returns(self) -> Type:
        """The final result of a curried arrow (the type itself for a non-arrow)."""
        t: Type = self
        while isinstance(t, TCon) and t.name == ARROW:
            t = t.args[1]
        return t

    def free_vars(self) -> Iterator[int]:
        if isinstance(self, TVar):
            yield self.id
        elif isinstance(self, TCon):
            for a in self.args:
                yield from a.free_vars()

    def constructors(self) -> Iterator[str]:
        """Names of every constructor in the type, arrows excluded."""
        if isinstance(self, TCon):
            if self.name != ARROW and not self.name.isdigit():
                yield self.name
            for a in self.args:
                yield from a.constructors()

    def is_polymorphic(self) -> bool:
        """Whether a type variable occurs in the type (computed once, on construction)."""
        return self.poly


@dataclass(frozen=True, slots=True)
class TCon(Type):
    """A type constructor applied to arguments: ``int``, ``list(int)``, ``a -> b``."""

    name: str
    args: tuple[Type, ...] = ()
    poly: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "poly", any(a.poly for a in self.args))

    def __str__(self) -> str:
        if self.name == ARROW:
            left, right = self.args
            ls = f"({left})" if left.is_arrow() else str(left)
            return f"{ls} -> {right}"
        if not self.args:
            return self.name
        if all(isinstance(a, TCon) and a.name.isdigit() for a in self.args):
            return f"{self.name}[{','.join(str(a) for a in self.args)}]"
        return f"{self.name}({', '.join(str(a) for a in self.args)})"


@dataclass(frozen=True, slots=True)
class TVar(Type):
    """A type variable, printed ``t<id>``."""

    id: int
    poly: bool = field(default=True, init=False, repr=False, compare=False)

    def __str__(self) -> str:
        return f"t{self.id}"


def arrow(*types: Type) -> Type:
    """``arrow(a, b, c)`` is ``a -> b -> c``."""
    if len(types) < 2:
        raise ValueError("an arrow needs at least two types")
    result = types[-1]
    for t in reversed(types[:-1]):
        result = TCon(ARROW, (t, result))
    return result


def tlist(t: Type) -> Type:
    return TCon("list", (t,))


def shaped(name: str, shape: Sequence[int]) -> Type:
    """A constructor with a shape, such as ``image[8,8]`` or ``tensor[3]``: each size is
    a constructor of its own whose name is the number (so shapes unify only when equal)."""
    if not shape or any(d < 1 for d in shape):
        raise ValueError(f"a shape needs one or more positive sizes, got {tuple(shape)}")
    return TCon(name, tuple(TCon(str(d)) for d in shape))


def shape_of(t: Type) -> tuple[int, ...] | None:
    """The sizes of a shaped type (``image[8,8]`` gives ``(8, 8)``), else ``None``."""
    if not isinstance(t, TCon) or not t.args:
        return None
    sizes = [a.name for a in t.args if isinstance(a, TCon) and not a.args]
    if len(sizes) != len(t.args) or not all(s.isdigit() for s in sizes):
        return None
    return tuple(int(s) for s in sizes)


INT = TCon("int")
BOOL = TCon("bool")
T0, T1, T2 = TVar(0), TVar(1), TVar(2)


@dataclass(frozen=True, slots=True)
class Context:
    """A substitution for type variables and the next unused variable number."""

    next_var: int = 0
    substitution: Mapping[int, Type] = field(default_factory=dict)

    def fresh(self) -> tuple[TVar, Context]:
        return TVar(self.next_var), Context(self.next_var + 1, self.substitution)

    def apply(self, t: Type) -> Type:
        """Resolve every bound variable in ``t``."""
        if not t.is_polymorphic() or not self.substitution:
            return t
        if isinstance(t, TVar):
            bound = self.substitution.get(t.id)
            return t if bound is None else self.apply(bound)
        if isinstance(t, TCon) and t.args:
            return TCon(t.name, tuple(self.apply(a) for a in t.args))
        return t

    def instantiate(self, t: Type) -> tuple[Type, Context]:
        """Rename the variables of a polymorphic type to fresh ones."""
        if not t.is_polymorphic():
            return t, self
        ids = sorted(set(t.free_vars()))
        mapping = {v: TVar(self.next_var + i) for i, v in enumerate(ids)}
        return substitute_vars(t, mapping), Context(self.next_var + len(ids), self.substitution)

    def unify(self, a: Type, b: Type) -> Context:
        """A context in which ``a`` and ``b`` are equal; raises :class:`UnificationError`."""
        sub = dict(self.substitution)
        _unify(sub, a, b)
        return Context(self.next_var, sub)


def substitute_vars(t: Type, mapping: Mapping[int, Type]) -> Type:
    """``t`` with each variable numbered in ``mapping`` replaced (once, not recursively)."""
    if isinstance(t, TVar):
        return mapping.get(t.id, t)
    if isinstance(t, TCon) and t.args:
        return TCon(t.name, tuple(substitute_vars(a, mapping) for a in t.args))
    return t


def _walk(sub: Mapping[int, Type], t: Type) -> Type:
    while isinstance(t, TVar) and t.id in sub:
        t = sub[t.id]
    return t


def _occurs(sub: Mapping[int, Type], var: int, t: Type) -> bool:
    t = _walk(sub, t)
    if isinstance(t, TVar):
        return t.id == var
    assert isinstance(t, TCon)
    return any(_occurs(sub, var, a) for a in t.args)


def _unify(sub: dict[int, Type], a: Type, b: Type) -> None:
    a, b = _walk(sub, a), _walk(sub, b)
    if isinstance(a, TVar):
        if isinstance(b, TVar) and a.id == b.id:
            return
        if _occurs(sub, a.id, b):
            raise UnificationError(f"occurs check: t{a.id} occurs in {b}")
        sub[a.id] = b
        return
    if isinstance(b, TVar):
        _unify(sub, b, a)
        return
    assert isinstance(a, TCon) and isinstance(b, TCon)
    if a.name != b.name or len(a.args) != len(b.args):
        raise UnificationError(f"cannot unify {a} with {b}")
    for x, y in zip(a.args, b.args, strict=True):
        _unify(sub, x, y)


def canonical(t: Type) -> Type:
    """Number the variables of ``t`` from 0 in order of first appearance."""
    order: dict[int, TVar] = {}
    for v in t.free_vars():
        order.setdefault(v, TVar(len(order)))
    return substitute_vars(t, order)


def canonicalize(t: Type, names: dict[int, int]) -> Type:
    """Renumber variables from ``len(names)`` in order of first appearance, recording
    each old number's new one in ``names``; share ``names`` across types to rename a
    group of types jointly."""
    if isinstance(t, TVar):
        if t.id not in names:
            names[t.id] = len(names)
        return TVar(names[t.id])
    if isinstance(t, TCon) and t.poly:
        return TCon(t.name, tuple(canonicalize(a, names) for a in t.args))
    return t


def decanonicalize(t: Type, back: Sequence[TVar], offset: int) -> Type:
    """Undo :func:`canonicalize` into a caller's context: variable ``i`` below
    ``len(back)`` becomes ``back[i]``, a higher one the fresh ``offset + i - len(back)``."""
    if isinstance(t, TVar):
        k = len(back)
        return back[t.id] if t.id < k else TVar(offset + t.id - k)
    if isinstance(t, TCon) and t.poly:
        return TCon(t.name, tuple(decanonicalize(a, back, offset) for a in t.args))
    return t


_TOKEN = re.compile(r"\s*(->|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[(),\[\]])")
_TVAR = re.compile(r"t(\d+)$")


def parse_type(text: str) -> Type:
    """Parse ``"list(int) -> int"``, ``"(t0 -> bool) -> list(t0) -> list(t0)"``.

    Variables are ``t`` followed by digits; every other name is a constructor, with
    arguments in parentheses (``list(int)``) or sizes in brackets (``image[8,8]``, see
    :func:`shaped`).
    """
    tokens = _tokenize(text)
    pos, t = _parse_arrow(tokens, 0, text)
    if pos != len(tokens):
        raise TypeParseError(f"unexpected {tokens[pos]!r} in type {text!r}")
    return t


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            raise TypeParseError(f"unexpected character {text[pos:].strip()[0]!r} in type {text!r}")
        tokens.append(m.group(1))
        pos = m.end()
    if not tokens:
        raise TypeParseError("empty type")
    return tokens


def _parse_arrow(tokens: list[str], pos: int, text: str) -> tuple[int, Type]:
    pos, left = _parse_atom(tokens, pos, text)
    if pos < len(tokens) and tokens[pos] == ARROW:
        pos, right = _parse_arrow(tokens, pos + 1, text)
        return pos, arrow(left, right)
    return pos, left


def _expect(tokens: list[str], pos: int, want: str, text: str) -> int:
    if pos >= len(tokens) or tokens[pos] != want:
        got = tokens[pos] if pos < len(tokens) else "end of text"
        raise TypeParseError(f"expected {want!r} but found {got!r} in type {text!r}")
    return pos + 1


def _parse_atom(tokens: list[str], pos: int, text: str) -> tuple[int, Type]:
    if pos >= len(tokens):
        raise TypeParseError(f"type {text!r} ends too early")
    tok = tokens[pos]
    if tok == "(":
        pos, t = _parse_arrow(tokens, pos + 1, text)
        return _expect(tokens, pos, ")", text), t
    if not (tok[0].isalpha() or tok[0] == "_"):
        raise TypeParseError(f"unexpected {tok!r} in type {text!r}")
    m = _TVAR.match(tok)
    if m:
        return pos + 1, TVar(int(m.group(1)))
    pos += 1
    if pos < len(tokens) and tokens[pos] == "[":
        return _parse_shape(tok, tokens, pos + 1, text)
    if pos < len(tokens) and tokens[pos] == "(":
        args: list[Type] = []
        pos += 1
        while True:
            pos, a = _parse_arrow(tokens, pos, text)
            args.append(a)
            if pos < len(tokens) and tokens[pos] == ",":
                pos += 1
                continue
            pos = _expect(tokens, pos, ")", text)
            break
        return pos, TCon(tok, tuple(args))
    return pos, TCon(tok)


def _parse_shape(name: str, tokens: list[str], pos: int, text: str) -> tuple[int, Type]:
    sizes: list[int] = []
    while True:
        if pos >= len(tokens) or not tokens[pos].isdigit() or int(tokens[pos]) < 1:
            got = tokens[pos] if pos < len(tokens) else "end of text"
            raise TypeParseError(f"expected a positive size but found {got!r} in type {text!r}")
        sizes.append(int(tokens[pos]))
        pos += 1
        if pos < len(tokens) and tokens[pos] == ",":
            pos += 1
            continue
        return _expect(tokens, pos, "]", text), shaped(name, sizes)
