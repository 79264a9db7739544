"""The numeric primitives one value at a time, in plain Python and numpy.

The generic interpreter and search run these: they take and give Python floats and
booleans. A ``nan`` raises ``ArithmeticError``, so that the interpreter's run fails there
(``inf`` goes on, as in numpy); ``if_then_else`` runs only the branch it takes.

Where Python's float arithmetic is numpy's bit for bit (IEEE 754: ``+ - * /`` but division
by zero, negation, ``abs``, comparison) it is used as is, several times faster than a
numpy call on a scalar; a value that is not ``nan`` cannot turn into one by negation,
squaring or ``abs``. This module imports only the standard library and numpy: ``metagrow
export --to python`` copies the functions a program uses into the exported module.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def real(value: object, name: str) -> float:
    """``value`` as a float, or ``ArithmeticError`` where it is ``nan``."""
    x = float(value)  # type: ignore[arg-type]
    if x != x:
        raise ArithmeticError(f"{name} is undefined here")
    return x


def add(a: float, b: float) -> float:
    return real(a + b, "add")


def sub(a: float, b: float) -> float:
    return real(a - b, "sub")


def mul(a: float, b: float) -> float:
    return real(a * b, "mul")


def div(a: float, b: float) -> float:
    if b != 0.0:
        return real(a / b, "div")
    with np.errstate(all="ignore"):  # Python raises where numpy gives inf or nan
        return real(np.divide(a, b), "div")


def neg(a: float) -> float:
    return -a


def square(a: float) -> float:
    return a * a


def cube(a: float) -> float:
    return a * a * a


def sqrt(a: float) -> float:
    with np.errstate(all="ignore"):
        return real(np.sqrt(a), "sqrt")


def exp(a: float) -> float:
    with np.errstate(all="ignore"):
        return real(np.exp(a), "exp")


def log(a: float) -> float:
    with np.errstate(all="ignore"):
        return real(np.log(a), "log")


def sin(a: float) -> float:
    with np.errstate(all="ignore"):
        return real(np.sin(a), "sin")


def cos(a: float) -> float:
    with np.errstate(all="ignore"):
        return real(np.cos(a), "cos")


def tanh(a: float) -> float:
    with np.errstate(all="ignore"):
        return real(np.tanh(a), "tanh")


def absolute(a: float) -> float:
    return abs(a)


def minimum(a: float, b: float) -> float:
    with np.errstate(all="ignore"):
        return real(np.minimum(a, b), "min")


def maximum(a: float, b: float) -> float:
    with np.errstate(all="ignore"):
        return real(np.maximum(a, b), "max")


def less(a: float, b: float) -> bool:
    return a < b


def if_then_else(
    test: Callable[[], bool], yes: Callable[[], float], no: Callable[[], float]
) -> float:
    return yes() if test() else no()
