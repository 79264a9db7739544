"""The numeric primitives: one table gives each its type, its numpy function (which runs
on a float or on a whole column at once) and its sympy form.

Every function is total in the sense that it never raises: a domain error, an overflow or
a division by zero gives ``nan`` or ``inf`` on those rows, which the caller counts as a
failure of the program there. ``c`` is the constant slot: each occurrence in a program is
a parameter fitted to the data (unfitted, it is 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, final

import numpy as np

from metagrow.domains.numeric import _runtime as rt
from metagrow.lang import BOOL, Primitive, TCon, Type, arrow

REAL: Final = TCon("real")
CONSTANT: Final = "c"
"""The name of the constant slot."""

Numeric = Any  # a float or a float array: numpy broadcasts the one like the other


@final
@dataclass(frozen=True, slots=True)
class Op:
    """A numeric primitive: ``name``, argument types and result type, numpy function,
    the sympy function of the same arguments (a name sympy knows), whether swapping two
    arguments changes nothing, and its log-weight in the base grammar."""

    name: str
    arguments: tuple[Type, ...]
    returns: Type
    numpy: Callable[..., Numeric]
    sympy: str
    commutative: bool = False
    log_weight: float = 0.0

    @property
    def type(self) -> Type:
        return arrow(*self.arguments, self.returns) if self.arguments else self.returns


def _div(a: Numeric, b: Numeric) -> Numeric:
    return np.divide(a, b)


def _cube(a: Numeric) -> Numeric:
    return a * a * a


def _if(test: Numeric, yes: Numeric, no: Numeric) -> Numeric:
    return np.where(test, yes, no) if np.ndim(test) else (yes if test else no)


_R = REAL
_RR = (REAL, REAL)

OPS: Final[tuple[Op, ...]] = (
    Op("add", _RR, _R, np.add, "Add", commutative=True),
    Op("sub", _RR, _R, np.subtract, "Sub"),
    Op("mul", _RR, _R, np.multiply, "Mul", commutative=True),
    Op("div", _RR, _R, _div, "Div"),
    Op("neg", (_R,), _R, np.negative, "Neg", log_weight=-1.0),
    Op("square", (_R,), _R, np.square, "square", log_weight=-0.5),
    Op("cube", (_R,), _R, _cube, "cube", log_weight=-1.0),
    Op("sqrt", (_R,), _R, np.sqrt, "sqrt", log_weight=-0.5),
    Op("exp", (_R,), _R, np.exp, "exp", log_weight=-0.5),
    Op("log", (_R,), _R, np.log, "log", log_weight=-0.5),
    Op("sin", (_R,), _R, np.sin, "sin", log_weight=-0.5),
    Op("cos", (_R,), _R, np.cos, "cos", log_weight=-0.5),
    Op("tanh", (_R,), _R, np.tanh, "tanh", log_weight=-1.0),
    Op("abs", (_R,), _R, np.abs, "Abs", log_weight=-1.0),
    Op("min", _RR, _R, np.minimum, "Min", commutative=True, log_weight=-1.0),
    Op("max", _RR, _R, np.maximum, "Max", commutative=True, log_weight=-1.0),
    Op("lt", _RR, BOOL, np.less, "StrictLessThan", log_weight=-1.5),
    Op("if", (BOOL, _R, _R), _R, _if, "Piecewise", log_weight=-1.5),
    Op(CONSTANT, (), _R, lambda: 1.0, "", log_weight=0.5),
)
BY_NAME: Final = {op.name: op for op in OPS}


def numeric_primitives() -> tuple[Primitive, ...]:
    """The primitives of the numeric domain, for the generic interpreter and search: one
    value at a time, as :mod:`._runtime` runs them."""
    return tuple(
        Primitive(op.name, op.type, _SCALAR.get(op.name, 1.0), op.name == "if", op.commutative)
        for op in OPS
    )


_SCALAR: Final[Mapping[str, Callable[..., object]]] = {
    "add": rt.add,
    "sub": rt.sub,
    "mul": rt.mul,
    "div": rt.div,
    "neg": rt.neg,
    "square": rt.square,
    "cube": rt.cube,
    "sqrt": rt.sqrt,
    "exp": rt.exp,
    "log": rt.log,
    "sin": rt.sin,
    "cos": rt.cos,
    "tanh": rt.tanh,
    "abs": rt.absolute,
    "min": rt.minimum,
    "max": rt.maximum,
    "lt": rt.less,
    "if": rt.if_then_else,
}
"""The function behind each primitive that takes arguments (``c`` is the constant 1)."""


def literal(name: str) -> float | None:
    """The number a primitive name spells (a fitted constant written into a program), or
    ``None``."""
    try:
        value = float(name)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


@final
class WithLiterals(Mapping[str, Primitive]):
    """Primitives by name, where every finite number is also a primitive: the constant it
    spells (so that a program with its fitted constants written in runs anywhere)."""

    __slots__ = ("_base",)

    def __init__(self, base: Mapping[str, Primitive]) -> None:
        self._base = dict(base)

    def __getitem__(self, name: str) -> Primitive:
        found = self._base.get(name)
        if found is not None:
            return found
        value = literal(name)
        if value is None:
            raise KeyError(name)
        return Primitive(name, REAL, value)

    def __contains__(self, name: object) -> bool:
        return name in self._base or (isinstance(name, str) and literal(name) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)
