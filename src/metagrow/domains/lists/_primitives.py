"""List and integer primitives, a superset of DreamCoder's list DSL.

The functions behind them are in :mod:`._runtime` (plain Python, which export copies).
"""

from __future__ import annotations

from metagrow.domains.lists import _runtime as rt
from metagrow.domains.lists._runtime import MAX_INT, MAX_LENGTH
from metagrow.lang import BOOL, INT, T0, T1, Primitive, Type, arrow, tlist

__all__ = ["MAX_INT", "MAX_LENGTH", "list_primitives"]

LI, LT0, LT1 = tlist(INT), tlist(T0), tlist(T1)


def _prim(
    name: str, t: Type, value: object, lazy: bool = False, commutative: bool = False
) -> Primitive:
    return Primitive(name, t, value, lazy, commutative)


def list_primitives() -> tuple[Primitive, ...]:
    """The lists domain's base library, in a fixed order."""
    consts = tuple(_prim(str(i), INT, i) for i in range(6))
    return (
        *consts,
        _prim("true", BOOL, True),
        _prim("false", BOOL, False),
        _prim("+", arrow(INT, INT, INT), rt.plus, commutative=True),
        _prim("-", arrow(INT, INT, INT), rt.minus),
        _prim("*", arrow(INT, INT, INT), rt.times, commutative=True),
        _prim("mod", arrow(INT, INT, INT), rt.modulo),
        _prim("eq?", arrow(INT, INT, BOOL), rt.equal, commutative=True),
        _prim("gt?", arrow(INT, INT, BOOL), rt.greater),
        _prim("even?", arrow(INT, BOOL), rt.even),
        _prim("not", arrow(BOOL, BOOL), rt.negation),
        _prim("and", arrow(BOOL, BOOL, BOOL), rt.both, lazy=True, commutative=True),
        _prim("or", arrow(BOOL, BOOL, BOOL), rt.either, lazy=True, commutative=True),
        _prim("if", arrow(BOOL, T0, T0, T0), rt.if_then_else, lazy=True),
        _prim("empty", LT0, ()),
        _prim("cons", arrow(T0, LT0, LT0), rt.cons),
        _prim("head", arrow(LT0, T0), rt.head),
        _prim("tail", arrow(LT0, LT0), rt.tail),
        _prim("empty?", arrow(LT0, BOOL), rt.is_empty),
        _prim("length", arrow(LT0, INT), rt.length),
        _prim("index", arrow(INT, LT0, T0), rt.index),
        _prim("append", arrow(LT0, LT0, LT0), rt.append),
        _prim("range", arrow(INT, LI), rt.count_to),
        _prim("take", arrow(INT, LT0, LT0), rt.take),
        _prim("drop", arrow(INT, LT0, LT0), rt.drop),
        _prim("reverse", arrow(LT0, LT0), rt.reverse),
        _prim("sort", arrow(LI, LI), rt.ascending),
        _prim("sum", arrow(LI, INT), rt.total),
        _prim("max", arrow(LI, INT), rt.largest),
        _prim("min", arrow(LI, INT), rt.smallest),
        _prim("map", arrow(arrow(T0, T1), LT0, LT1), rt.each),
        _prim("filter", arrow(arrow(T0, BOOL), LT0, LT0), rt.keep),
        _prim("fold", arrow(LT0, T1, arrow(T0, T1, T1), T1), rt.fold),
        _prim("unfold", arrow(T0, arrow(T0, BOOL), arrow(T0, T1), arrow(T0, T0), LT1), rt.unfold),
        _prim("fix1", arrow(T0, arrow(arrow(T0, T1), T0, T1), T1), rt.fix1),
    )
