"""Programs: immutable, hash-consed expression nodes.

Equal nodes are the same object, so equality is identity and hashing is cheap; a program
is a DAG that search can share freely. Variables are de Bruijn indices (``$0`` is the
nearest enclosing ``lam``).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any, ClassVar, final

from metagrow.lang._types import Type

_TABLE: weakref.WeakValueDictionary[tuple[Any, ...], Expr] = weakref.WeakValueDictionary()


class Expr:
    """Base of every program node. Build nodes with their constructors; never mutate."""

    __slots__ = ("__weakref__", "size")
    _fields: ClassVar[tuple[str, ...]] = ()
    size: int

    def __new__(cls, *args: Any) -> Expr:
        key = (cls, *args)
        node = _TABLE.get(key)
        if node is None:
            node = object.__new__(cls)
            for name, value in zip(cls._fields, args, strict=True):
                object.__setattr__(node, name, value)
            object.__setattr__(node, "size", node._compute_size())
            _TABLE[key] = node
        return node

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return type(self), tuple(getattr(self, f) for f in self._fields)

    def __copy__(self) -> Expr:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Expr:
        return self

    def _compute_size(self) -> int:
        return 1

    def __str__(self) -> str:
        from metagrow.lang._sexpr import show

        return show(self)

    def __repr__(self) -> str:
        return f"Expr({self})"

    def children(self) -> tuple[Expr, ...]:
        return ()

    def walk(self) -> Iterator[Expr]:
        """Every node, parents before children."""
        yield self
        for c in self.children():
            yield from c.walk()


@final
class Prim(Expr):
    """A reference to a primitive of the grammar, by name."""

    __slots__ = ("name",)
    _fields = ("name",)
    name: str

    def __new__(cls, name: str) -> Prim:
        return super().__new__(cls, name)  # type: ignore[return-value]


@final
class Var(Expr):
    """A de Bruijn variable: ``Var(0)`` is bound by the nearest enclosing ``Lam``."""

    __slots__ = ("index",)
    _fields = ("index",)
    index: int

    def __new__(cls, index: int) -> Var:
        if index < 0:
            raise ValueError("a de Bruijn index is non-negative")
        return super().__new__(cls, index)  # type: ignore[return-value]


@final
class Lam(Expr):
    """A one-argument function."""

    __slots__ = ("body",)
    _fields = ("body",)
    body: Expr

    def __new__(cls, body: Expr) -> Lam:
        return super().__new__(cls, body)  # type: ignore[return-value]

    def _compute_size(self) -> int:
        return 1 + self.body.size

    def children(self) -> tuple[Expr, ...]:
        return (self.body,)


@final
class App(Expr):
    """Application of ``f`` to one argument; ``(f a b)`` is ``App(App(f, a), b)``."""

    __slots__ = ("f", "x")
    _fields = ("f", "x")
    f: Expr
    x: Expr

    def __new__(cls, f: Expr, x: Expr) -> App:
        return super().__new__(cls, f, x)  # type: ignore[return-value]

    def _compute_size(self) -> int:
        return self.f.size + self.x.size

    def children(self) -> tuple[Expr, ...]:
        return (self.f, self.x)


@final
class Invented(Expr):
    """A library abstraction: a closed program used as a primitive."""

    __slots__ = ("body",)
    _fields = ("body",)
    body: Expr

    def __new__(cls, body: Expr) -> Invented:
        return super().__new__(cls, body)  # type: ignore[return-value]


@final
class Hole(Expr):
    """A part of a program still to be filled, optionally with its requested type."""

    __slots__ = ("type",)
    _fields = ("type",)
    type: Type | None

    def __new__(cls, type: Type | None = None) -> Hole:
        return super().__new__(cls, type)  # type: ignore[return-value]


def apply(f: Expr, *args: Expr) -> Expr:
    """``apply(f, a, b)`` is ``(f a b)``."""
    for a in args:
        f = App(f, a)
    return f


def spine(e: Expr) -> tuple[Expr, tuple[Expr, ...]]:
    """Split ``(f a b)`` into ``f`` and ``(a, b)``."""
    args: list[Expr] = []
    while isinstance(e, App):
        args.append(e.x)
        e = e.f
    args.reverse()
    return e, tuple(args)


def lambdas(body: Expr, n: int) -> Expr:
    for _ in range(n):
        body = Lam(body)
    return body


def shift(e: Expr, by: int, cutoff: int = 0) -> Expr:
    """Add ``by`` to every variable at or above ``cutoff`` (those free at this depth)."""
    if isinstance(e, Var):
        if e.index >= cutoff:
            if e.index + by < 0:
                raise ValueError("shift would make a variable negative")
            return Var(e.index + by)
        return e
    if isinstance(e, Lam):
        return Lam(shift(e.body, by, cutoff + 1))
    if isinstance(e, App):
        return App(shift(e.f, by, cutoff), shift(e.x, by, cutoff))
    return e


def substitute(e: Expr, value: Expr, depth: int = 0) -> Expr:
    """Replace variable ``depth`` in ``e`` by ``value`` and lower the variables above it."""
    if isinstance(e, Var):
        if e.index == depth:
            return shift(value, depth)
        if e.index > depth:
            return Var(e.index - 1)
        return e
    if isinstance(e, Lam):
        return Lam(substitute(e.body, value, depth + 1))
    if isinstance(e, App):
        return App(substitute(e.f, value, depth), substitute(e.x, value, depth))
    return e


def beta_normal(e: Expr, limit: int = 10_000) -> Expr:
    """Reduce ``((lam b) x)`` redexes, leftmost outermost, at most ``limit`` times."""
    for _ in range(limit):
        reduced = _beta_step(e)
        if reduced is None:
            return e
        e = reduced
    raise ValueError("beta reduction did not terminate within its limit")


def _beta_step(e: Expr) -> Expr | None:
    if isinstance(e, App):
        if isinstance(e.f, Lam):
            return substitute(e.f.body, e.x)
        f = _beta_step(e.f)
        if f is not None:
            return App(f, e.x)
        x = _beta_step(e.x)
        return None if x is None else App(e.f, x)
    if isinstance(e, Lam):
        b = _beta_step(e.body)
        return None if b is None else Lam(b)
    return None


def inline_inventions(e: Expr) -> Expr:
    """The same program with every invention replaced by its body, beta-reduced."""

    def go(n: Expr) -> Expr:
        if isinstance(n, Invented):
            return go(n.body)
        if isinstance(n, Lam):
            return Lam(go(n.body))
        if isinstance(n, App):
            return App(go(n.f), go(n.x))
        return n

    return beta_normal(go(e))
