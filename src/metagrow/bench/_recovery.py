"""Exact symbolic recovery: is a found expression the true formula, up to rounding?

The found expression is recovered when ``sympy.simplify(found - truth)`` has no term with
a coefficient of :data:`NEGLIGIBLE` or more in size (fitted constants are exact only to
rounding: ``4.90500001*t**2 - 4.905*t**2`` leaves ``1e-8*t**2``), or ``found / truth``
simplifies to 1 up to the same tolerance, or both agree once every number (fractions
in the truth included) is rounded to :data:`DIGITS` significant digits. sympy has no time
limit, so the check runs in a forked process that is killed after ``seconds``; a check
that runs out of time (or an expression over :data:`MAX_NODES` nodes) is not recovered.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Mapping, Sequence
from typing import Any

DIGITS = 3
NEGLIGIBLE = 1e-6
CHECK_SECONDS = 10.0
MAX_NODES = 400
"""Found expressions larger than this are not checked (counted as not recovered)."""


def floats(expr: Any) -> Any:
    """``expr`` with its fractions (not its integers) written as floats."""
    import sympy

    swap = {q: sympy.Float(q) for q in expr.atoms(sympy.Rational) if not q.is_Integer}
    return expr.xreplace(swap)


def rounded(expr: Any, digits: int = DIGITS) -> Any:
    """``expr`` with each number rounded to ``digits`` significant digits, as a fraction."""
    import sympy

    swap = {f: sympy.Rational(f"{float(f):.{digits}g}") for f in floats(expr).atoms(sympy.Float)}
    return floats(expr).xreplace(swap)


def negligible(expr: Any) -> bool:
    """``expr`` is 0 once every number under :data:`NEGLIGIBLE` in size counts as 0."""
    import sympy

    small = {f: sympy.Integer(0) for f in expr.atoms(sympy.Float) if abs(f) < NEGLIGIBLE}
    return bool(sympy.simplify(expr.xreplace(small)) == 0)


def with_ranges(expr: Any, ranges: Mapping[str, tuple[float, float]]) -> Any:
    """``expr`` over symbols that know their variable's range: positive, non-negative or
    real (so that ``sqrt(l/g)`` is ``sqrt(l)/sqrt(g)`` for positive ``l`` and ``g``)."""
    import sympy

    swap = {}
    for symbol in expr.free_symbols:
        low = ranges.get(symbol.name, (-math.inf, math.inf))[0]
        if low > 0:
            swap[symbol] = sympy.Symbol(symbol.name, positive=True)
        elif low >= 0:
            swap[symbol] = sympy.Symbol(symbol.name, nonnegative=True)
        else:
            swap[symbol] = sympy.Symbol(symbol.name, real=True)
    return expr.xreplace(swap)


def same_expression(
    found: Any, truth: Any, ranges: Mapping[str, tuple[float, float]] | None = None
) -> bool:
    """The check itself, without a time limit (see the module docstring)."""
    import sympy

    a, b = floats(found), floats(truth)
    if ranges is not None:
        a, b = with_ranges(a, ranges), with_ranges(b, ranges)
    if negligible(sympy.expand(sympy.simplify(a - b))):
        return True
    if b != 0 and negligible(sympy.expand(sympy.simplify(a / b)) - 1):
        return True
    if sympy.simplify(rounded(a) - rounded(b)) == 0:
        return True
    if (a - b).has(sympy.Min, sympy.Max, sympy.Abs, sympy.Piecewise):
        return negligible(sympy.piecewise_fold((a - b).rewrite(sympy.Piecewise)))
    return False


CHECK_MEMORY_MB = 3072
"""Address space a recovery check may map beyond what it starts with; past it the check
counts as failed (some sympy simplifications grow without bound)."""


def limit_memory(more_mb: int) -> None:
    """Let this process map at most ``more_mb`` MiB more address space than it has now:
    an allocation beyond that raises ``MemoryError`` here instead of exhausting the
    machine."""
    import resource

    mapped = 0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                mapped = int(line.split()[1]) * 1024
    limit = mapped + more_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def recovered(
    found: Any,
    truth: Any,
    seconds: float = CHECK_SECONDS,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> bool | None:
    """:func:`same_expression` in a forked process stopped after ``seconds``: ``True`` or
    ``False``, or ``None`` when it ran out of time (or the expression is too large)."""
    import sympy

    if sum(1 for _ in sympy.preorder_traversal(found)) > MAX_NODES:
        return None
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_check, args=(found, truth, ranges, send), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(seconds):
            return bool(receive.recv())
        return None
    except EOFError:  # the check crashed
        return False
    finally:
        child.kill()
        child.join()
        receive.close()


def _check(found: Any, truth: Any, ranges: Any, send: Any) -> None:
    limit_memory(CHECK_MEMORY_MB)
    try:
        answer = same_expression(found, truth, ranges)
    except Exception:
        answer = False
    send.send(answer)
    send.close()


def gplearn_sympy(program: Any, names: Sequence[str]) -> Any:
    """A gplearn ``_Program`` as a sympy expression over ``names``, its protected
    functions read as the plain ones (``div`` as ``/``, ``sqrt`` and ``log`` of ``Abs``)."""
    import sympy

    symbols = [sympy.Symbol(n) for n in names]
    heads = {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "sqrt": lambda a: sympy.sqrt(sympy.Abs(a)),
        "log": lambda a: sympy.log(sympy.Abs(a)),
        "abs": sympy.Abs,
        "neg": lambda a: -a,
        "max": sympy.Max,
        "min": sympy.Min,
        "sin": sympy.sin,
        "cos": sympy.cos,
        "inv": lambda a: 1 / a,
        "tan": sympy.tan,
    }
    nodes = iter(program.program)

    def build() -> Any:
        node = next(nodes)
        if isinstance(node, int | float) and not isinstance(node, bool):
            return symbols[node] if isinstance(node, int) else sympy.Float(node)
        args = [build() for _ in range(node.arity)]
        return heads[node.name](*args)

    return build()
