"""The interpreter: compile a program to Python closures once, run it on many inputs.

Every run is bounded by a :class:`Limits`: a step budget (one step per application or
function call), a depth limit on nested calls, a wall-clock deadline checked as steps are
counted, and a size limit on the result. A program that raises, or exceeds a limit,
returns :data:`FAIL` for that run; it never propagates an error or hangs the caller.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, final

from metagrow.lang._expr import App, Expr, Hole, Invented, Lam, Prim, Var, spine
from metagrow.lang._grammar import Primitive, make_curried
from metagrow.lang._guard import CHUNK, LimitExceeded, value_size


@final
class _Fail:
    __slots__ = ()

    def __repr__(self) -> str:
        return "FAIL"


FAIL: Final = _Fail()
"""The result of a run that raised or exceeded a limit."""


class UnknownPrimitive(ValueError):
    """A program names a primitive that the interpreter was not given."""


@final
@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds for one run of a program on one input."""

    steps: int = 200_000
    depth: int = 120
    size: int = 100_000
    seconds: float = 0.25

    def __post_init__(self) -> None:
        if self.steps <= 0 or self.depth <= 0 or self.size <= 0 or self.seconds <= 0:
            raise ValueError("every limit must be positive")


DEFAULT_LIMITS: Final = Limits()

_CHUNK = CHUNK

Env = Any  # a linked list of values: (value, parent) or ()
Code = Callable[[Env], object]


@final
class _Meter:
    """Counts steps and depth for the run in progress; shared by a program's closures."""

    __slots__ = ("deadline", "depth", "left", "limits", "steps")

    def __init__(self) -> None:
        self.limits = Limits()
        self.steps = 0
        self.left = 0
        self.depth = 0
        self.deadline = 0.0

    def start(self, limits: Limits, deadline: float) -> None:
        self.limits = limits
        self.left = limits.steps
        self.steps = 0
        self.depth = 0
        self.deadline = min(time.perf_counter() + limits.seconds, deadline)
        self.refill()

    def refill(self) -> None:
        """Called when the current chunk of steps runs out: check the budget and the clock.
        A negative balance (a primitive charged for a large result) is paid from the rest."""
        self.left += min(self.steps, 0)
        if self.left <= 0:
            raise LimitExceeded("step limit")
        if time.perf_counter() > self.deadline:
            raise LimitExceeded("time limit")
        self.steps = min(_CHUNK, self.left)
        self.left -= self.steps


@final
class Program:
    """A compiled program; :meth:`run` applies it to arguments under limits."""

    __slots__ = ("_code", "_error", "_meter", "expr")

    def __init__(self, expr: Expr, primitives: Mapping[str, Primitive]) -> None:
        self.expr = expr
        self._meter = _Meter()
        self._code = _Compiler(primitives, self._meter).compile(expr)
        self._error: BaseException | None = None

    @property
    def last_error(self) -> str:
        """Why the last run failed, in one line for a user (``""`` if it did not)."""
        return "" if self._error is None else failure_message(self._error)

    @property
    def hit_limit(self) -> bool:
        """Whether the last run failed by reaching a limit (steps, depth, size, time)
        rather than by an error of the program's own: it may well do so again."""
        return isinstance(self._error, (LimitExceeded, RecursionError, MemoryError))

    def run(
        self, args: Sequence[object], limits: Limits = DEFAULT_LIMITS, deadline: float = math.inf
    ) -> object:
        """The program applied to ``args`` (curried), or :data:`FAIL`. The run stops at
        ``limits.seconds`` or at ``deadline`` (a ``time.perf_counter`` instant: a search's
        own end), whichever comes first."""
        meter = self._meter
        self._error = None
        try:
            meter.start(limits, deadline)
            value = self._code(())
            for a in args:
                meter.steps -= 1
                value = value(a)  # type: ignore[operator]
            if value_size(value, limits.size) > limits.size:
                raise LimitExceeded("result too large")
        except Exception as err:  # a failing program fails this example, nothing more
            self._error = err.with_traceback(None)  # keep no frames alive
            return FAIL
        return value

    def run_many(
        self, inputs: Sequence[Sequence[object]], limits: Limits = DEFAULT_LIMITS
    ) -> list[object]:
        return [self.run(args, limits) for args in inputs]


_PLAIN_FAILURES = (ArithmeticError, LookupError, ValueError)
"""Exceptions whose message says what went wrong by itself: primitives raise these with
a sentence ("head of an empty list"), and the interpreter its limits."""


def failure_message(err: BaseException) -> str:
    """A run's exception as one line for a user: a primitive's own message for the
    failures primitives mean to raise, the limit hit, else the exception's name too
    (a primitive that raised something it did not mean to)."""
    if isinstance(err, RecursionError):
        return "recursion too deep"
    if isinstance(err, MemoryError):
        return "out of memory"
    if isinstance(err, LimitExceeded):
        return f"{err} reached"
    text = str(err).strip().splitlines()
    if isinstance(err, _PLAIN_FAILURES) and text:
        return text[0]
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def compile_program(expr: Expr, primitives: Mapping[str, Primitive]) -> Program:
    return Program(expr, primitives)


@final
class _Compiler:
    def __init__(self, primitives: Mapping[str, Primitive], meter: _Meter) -> None:
        self.primitives = primitives
        self.meter = meter

    def primitive(self, name: str) -> Primitive:
        p = self.primitives.get(name)
        if p is None:
            raise UnknownPrimitive(f"unknown primitive {name!r}")
        return p

    def compile(self, e: Expr) -> Code:
        if isinstance(e, Var):
            return _variable(e.index)
        if isinstance(e, Prim):
            return self.constant(self.primitive(e.name))
        if isinstance(e, Lam):
            return self.lam(self.compile(e.body))
        if isinstance(e, App):
            return self.application(e)
        if isinstance(e, Invented):
            body = self.compile(e.body)
            return lambda env: body(())
        if isinstance(e, Hole):
            raise ValueError("cannot run a program with holes")
        raise TypeError(f"not a program node: {e!r}")

    def constant(self, p: Primitive) -> Code:
        if p.arity == 0:
            v = p.value
            return lambda env: v
        fn: Callable[..., object] = p.value  # type: ignore[assignment]
        if p.lazy:
            strict = fn
            fn = lambda *xs: strict(*(_const_thunk(x) for x in xs))
        m = self.meter

        def counted(*args: object) -> object:
            m.steps -= 1
            if m.steps <= 0:
                m.refill()
            r = fn(*args)
            if type(r) is tuple:
                m.steps -= len(r)
            return r

        v = make_curried(counted, p.arity)
        return lambda env: v

    def lam(self, body: Code) -> Code:
        m = self.meter

        def make(env: Env) -> object:
            def fn(x: object) -> object:
                m.steps -= 1
                if m.steps <= 0:
                    m.refill()
                m.depth += 1
                if m.depth > m.limits.depth:
                    raise LimitExceeded("depth limit")
                try:
                    return body((x, env))
                finally:
                    m.depth -= 1

            return fn

        return make

    def application(self, e: App) -> Code:
        head, args = spine(e)
        codes = [self.compile(a) for a in args]
        if isinstance(head, Prim):
            p = self.primitive(head.name)
            if 0 < p.arity <= len(codes):
                direct = self.saturated(p, codes[: p.arity])
                return self.chain(direct, codes[p.arity :])
        return self.chain(self.compile(head), codes)

    def saturated(self, p: Primitive, codes: list[Code]) -> Code:
        m = self.meter
        fn: Callable[..., object] = p.value  # type: ignore[assignment]
        if p.lazy:

            def lazy_call(env: Env) -> object:
                m.steps -= 1
                if m.steps <= 0:
                    m.refill()
                return fn(*(_thunk(c, env) for c in codes))

            return lazy_call
        if len(codes) == 1:
            (a,) = codes

            def call1(env: Env) -> object:
                m.steps -= 1
                if m.steps <= 0:
                    m.refill()
                r = fn(a(env))
                if type(r) is tuple:
                    m.steps -= len(r)
                return r

            return call1
        if len(codes) == 2:
            a, b = codes

            def call2(env: Env) -> object:
                m.steps -= 1
                if m.steps <= 0:
                    m.refill()
                r = fn(a(env), b(env))
                if type(r) is tuple:
                    m.steps -= len(r)
                return r

            return call2

        def call(env: Env) -> object:
            m.steps -= 1
            if m.steps <= 0:
                m.refill()
            r = fn(*[c(env) for c in codes])
            if type(r) is tuple:
                m.steps -= len(r)
            return r

        return call

    def chain(self, f: Code, codes: list[Code]) -> Code:
        if not codes:
            return f
        m = self.meter

        def apply_all(env: Env) -> object:
            v = f(env)
            for c in codes:
                m.steps -= 1
                if m.steps <= 0:
                    m.refill()
                v = v(c(env))  # type: ignore[operator]
            return v

        return apply_all


def _thunk(code: Code, env: Env) -> Callable[[], object]:
    return lambda: code(env)


def _const_thunk(x: object) -> Callable[[], object]:
    return lambda: x


def _variable(index: int) -> Code:
    if index == 0:
        return lambda env: env[0]
    if index == 1:
        return lambda env: env[1][0]
    if index == 2:
        return lambda env: env[1][1][0]

    def lookup(env: Env) -> object:
        for _ in range(index):
            env = env[1]
        return env[0]

    return lookup
