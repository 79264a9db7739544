"""Numeric programs compiled for whole columns: one numpy call per node, all rows at once.

A :class:`VectorProgram` is a program of type ``real -> ... -> real`` (one argument per
feature column) with its library inventions inlined; each occurrence of the constant
slot ``c`` is a parameter, numbered in the order the program is read. Running it never
raises: rows where it overflows or leaves a function's domain come out ``nan`` or ``inf``.
A comparison with ``nan`` is False, as in numpy, so an ``if`` whose test met a ``nan``
gives its other branch; the one-value interpreter (and exported Python) instead fails at
the first ``nan``, so it fails on those rows too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, final

import numpy as np
import numpy.typing as npt

from metagrow.domains.numeric._ops import BY_NAME, CONSTANT, literal
from metagrow.lang import App, Expr, Lam, Prim, Var, beta_normal, inline_inventions, lambdas, spine

if TYPE_CHECKING:
    import sympy

FloatArray = npt.NDArray[np.float64]
_Code = Callable[[Sequence[FloatArray], FloatArray], Any]


SYMPY_EVALUATED_NODES = 30
"""Programs up to this size become sympy expressions simplified as they are built."""


class NotNumeric(ValueError):
    """A program that is not a first-order numeric program of the expected arity."""


@final
class VectorProgram:
    """``program`` (``arity`` lambdas over a first-order body) ready to run on columns."""

    __slots__ = ("_code", "arity", "body", "n_constants", "program")

    def __init__(self, program: Expr, arity: int) -> None:
        self.program = program
        self.arity = arity
        self.body = body_of(program, arity)
        counter = [0]
        self._code = _compile(self.body, arity, counter)
        self.n_constants = counter[0]

    def __call__(self, columns: Sequence[FloatArray], constants: FloatArray) -> FloatArray:
        """The program's value on every row (``nan``/``inf`` where it fails)."""
        rows = len(columns[0]) if columns else 1
        with np.errstate(all="ignore"):
            return _shaped(self._code(columns, constants), (rows,))

    def batch(self, columns: Sequence[FloatArray], constants: FloatArray) -> FloatArray:
        """The program's values for each row of ``constants`` (one set of constants per
        row) on every row of the table: an array of ``len(constants)`` by rows."""
        rows = len(columns[0]) if columns else 1
        k = constants.T[:, :, None]
        with np.errstate(all="ignore"):
            return _shaped(self._code(columns, k), (len(constants), rows))

    @property
    def complexity(self) -> int:
        """Nodes of the body: primitives, constants and variables (PySR's complexity)."""
        return complexity(self.body)

    def with_constants(self, constants: Sequence[float]) -> Expr:
        """The program with each constant slot replaced by its value, written as a number."""
        values = iter(constants)

        def go(e: Expr) -> Expr:
            if isinstance(e, Prim) and e.name == CONSTANT:
                return Prim(_number_text(next(values)))
            if isinstance(e, App):
                return App(go(e.f), go(e.x))
            return e

        return lambdas(go(self.body), self.arity)

    def sympy(self, names: Sequence[str], constants: Sequence[float]) -> sympy.Expr:
        """The program as a sympy expression over symbols ``names`` (one per column).
        Programs of more than :data:`SYMPY_EVALUATED_NODES` nodes are built without
        sympy's automatic simplification, which on some nestings (powers of sums inside
        powers, say) takes unbounded time and memory."""
        import sympy

        symbols = [sympy.Symbol(n) for n in names]
        values = iter(constants)
        with sympy.evaluate(self.complexity <= SYMPY_EVALUATED_NODES):
            return _to_sympy(self.body, symbols, values, self.arity)


def _shaped(out: object, shape: tuple[int, ...]) -> FloatArray:
    array = np.asarray(out, dtype=np.float64)
    return array if array.shape == shape else np.broadcast_to(array, shape)


def body_of(program: Expr, arity: int) -> Expr:
    """The first-order body under ``program``'s ``arity`` lambdas, inventions inlined."""
    e = beta_normal(inline_inventions(program))
    for _ in range(arity):
        if not isinstance(e, Lam):
            raise NotNumeric(f"expected a program of {arity} arguments, got {program}")
        e = e.body
    return e


def complexity(body: Expr) -> int:
    return sum(1 for e in body.walk() if isinstance(e, (Prim, Var)))


def _number_text(value: float) -> str:
    text = repr(float(value))
    return text


def _compile(e: Expr, arity: int, counter: list[int]) -> _Code:
    if isinstance(e, Var):
        if e.index >= arity:
            raise NotNumeric(f"variable ${e.index} is not a column")
        column = arity - 1 - e.index
        return lambda cols, k: cols[column]
    head, args = spine(e)
    if not isinstance(head, Prim):
        raise NotNumeric(f"{e} is not a first-order numeric program")
    if head.name == CONSTANT and not args:
        slot = counter[0]
        counter[0] += 1
        return lambda cols, k: k[slot]
    number = literal(head.name)
    if number is not None and not args:
        return lambda cols, k: number
    op = BY_NAME.get(head.name)
    if op is None or len(op.arguments) != len(args):
        raise NotNumeric(f"{head.name} is not a numeric primitive applied to all its arguments")
    fn = op.numpy
    codes = [_compile(a, arity, counter) for a in args]
    if len(codes) == 1:
        (a,) = codes
        return lambda cols, k: fn(a(cols, k))
    if len(codes) == 2:
        a, b = codes
        return lambda cols, k: fn(a(cols, k), b(cols, k))
    return lambda cols, k: fn(*(c(cols, k) for c in codes))


def _to_sympy(e: Expr, symbols: list[Any], constants: Any, arity: int) -> Any:
    import sympy

    if isinstance(e, Var):
        return symbols[arity - 1 - e.index]
    head, args = spine(e)
    assert isinstance(head, Prim)
    if head.name == CONSTANT:
        return sympy.Float(next(constants))
    number = literal(head.name)
    if number is not None:
        return sympy.Float(number)
    xs = [_to_sympy(a, symbols, constants, arity) for a in args]
    if any(x is sympy.nan for x in xs) and head.name in ("min", "max", "lt"):
        # sympy cannot compare nan; numpy's minimum and maximum give nan, less False
        return sympy.false if head.name == "lt" else sympy.nan
    return _real(_sympy_node(head.name, xs))


def _real(value: Any) -> Any:
    """``value``, or nan where sympy folded numbers into a non-real one (the square root
    of a negative constant), which numpy computes as nan."""
    import sympy

    return sympy.nan if value.is_number and value.is_extended_real is False else value


def _sympy_node(name: str, xs: list[Any]) -> Any:
    import sympy

    match name:
        case "add":
            return xs[0] + xs[1]
        case "sub":
            return xs[0] - xs[1]
        case "mul":
            return xs[0] * xs[1]
        case "div":
            return xs[0] / xs[1]
        case "neg":
            return -xs[0]
        case "square":
            return xs[0] ** 2
        case "cube":
            return xs[0] ** 3
        case "lt":
            return sympy.StrictLessThan(xs[0], xs[1])
        case "if":
            if not xs[0].free_symbols:
                # a condition on constants alone picks its branch (sympy's Piecewise
                # cannot take one it was not allowed to fold, as in a big program)
                with sympy.evaluate(True):
                    try:
                        holds = bool(xs[0].doit())
                    except TypeError:  # it compares nan (a log of a negative constant)
                        holds = False  # which numpy's less reads as False
                return xs[1] if holds else xs[2]
            return sympy.Piecewise((xs[1], xs[0]), (xs[2], True))
    return getattr(sympy, BY_NAME[name].sympy)(*xs)
