"""Exact symbolic recovery: is a found expression the true formula, up to rounding?

Both expressions get every float rounded to :data:`DIGITS` significant digits and written
as an exact rational (floats under :data:`ZERO` in size become 0, so a vanishing term left
by constant fitting does not count against a program); the found one is recovered when
``sympy.simplify(found - truth)`` is 0 or ``sympy.simplify(found / truth)`` is 1.
sympy has no time limit, so the check runs in a forked process that is killed after
``seconds``; a check that runs out of time counts as not recovered.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from typing import Any

DIGITS = 3
ZERO = 1e-10
CHECK_SECONDS = 10.0
MAX_NODES = 400
"""Found expressions larger than this are not checked (counted as not recovered)."""


def rounded(expr: Any, digits: int = DIGITS) -> Any:
    """``expr`` with each float rounded to ``digits`` significant digits, as a rational."""
    import sympy

    swap = {}
    for f in expr.atoms(sympy.Float):
        value = float(f)
        swap[f] = sympy.Integer(0) if abs(value) < ZERO else sympy.Rational(f"{value:.{digits}g}")
    return expr.xreplace(swap)


def same_expression(found: Any, truth: Any) -> bool:
    """The check itself, without a time limit (see the module docstring)."""
    import sympy

    a, b = rounded(found), rounded(truth)
    if sympy.simplify(a - b) == 0:
        return True
    return bool(b != 0 and sympy.simplify(a / b) == 1)


def recovered(found: Any, truth: Any, seconds: float = CHECK_SECONDS) -> bool | None:
    """:func:`same_expression` in a forked process stopped after ``seconds``: ``True`` or
    ``False``, or ``None`` when it ran out of time (or the expression is too large)."""
    import sympy

    if sum(1 for _ in sympy.preorder_traversal(found)) > MAX_NODES:
        return None
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_check, args=(found, truth, send), daemon=True)
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


def _check(found: Any, truth: Any, send: Any) -> None:
    try:
        answer = same_expression(found, truth)
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
