"""Lambdas found bottom-up, as Python functions: a table of the values their bodies were
evaluated on, and the interpreter (under a work allowance) for values off the table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, final

from metagrow.lang import Limits
from metagrow.search._budget import Progress


class Stop(Exception):
    """The budget ran out."""


_MISS = object()


@final
class _Failed:
    """What a lambda body gives on a row where it fails (``(index $0 $1)`` with ``$0`` past
    the end): the body is kept, and a call that reaches that row fails."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FAILED"


FAILED: object = _Failed()


class Runs(Protocol):
    """A program to run (:class:`~metagrow.lang.Program`, or one compiled when first run)."""

    def run(self, inputs: tuple[object, ...], limits: Limits, deadline: float) -> object: ...


@final
class Slow:
    """The interpreter's version of a lambda on one example, for values off its table
    (whose answers then join the table)."""

    __slots__ = ("inputs", "limits", "program", "progress")

    def __init__(
        self, program: Runs, inputs: tuple[object, ...], limits: Limits, progress: Progress
    ) -> None:
        self.program = program
        self.inputs = inputs
        self.limits = limits
        self.progress = progress

    def __call__(self, *params: object) -> object:
        if self.progress.remaining() <= 0:
            raise Stop
        fn = self.program.run(
            self.inputs, self.limits, self.progress.deadline
        )  # restarts the meter
        for p in params:
            fn = fn(p)  # type: ignore[operator]
        return fn


@final
class Allowance:
    """Work one candidate's lambda calls may do: a table lookup costs 1, an interpreted
    call more. Bounds candidates like an ``unfold`` whose stop test never holds."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = 0

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise ValueError("candidate does too much work")


CALL_ALLOWANCE = 5000
_SLOW_CALL_COST = 20


def lookup(
    table: dict[object, object], n: int, slow: Slow, allowance: Allowance
) -> Callable[..., object]:
    if n == 1:

        def one(x: object) -> object:
            v = table.get(x, _MISS)
            if v is _MISS:
                allowance.spend(_SLOW_CALL_COST)
                v = table[x] = slow(x)
                return v
            allowance.spend(1)
            if v is FAILED:
                raise ValueError("the lambda fails on this value")
            return v

        return one

    if n == 2:

        def two(x: object) -> object:
            def inner(y: object) -> object:
                v = table.get((x, y), _MISS)
                if v is _MISS:
                    allowance.spend(_SLOW_CALL_COST)
                    v = table[x, y] = slow(x, y)
                    return v
                allowance.spend(1)
                if v is FAILED:
                    raise ValueError("the lambda fails on this value")
                return v

            return inner

        return two
    raise ValueError("lambdas of more than two parameters are not enumerated bottom-up")
