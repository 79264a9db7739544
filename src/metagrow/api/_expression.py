"""Fitted programs as text that sympy reads back: as few digits as still reproduce the
program's values, checked by evaluating the text itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from metagrow.domains.numeric._vector import FloatArray
from metagrow.fit import FittedProgram

EXACT = 1e-7
"""An expression's text must reproduce its program's values to this relative error."""
_DIGITS = (6, 8, 10, 12, 17)


def expression_text(
    f: FittedProgram, names: Sequence[str], X: FloatArray, *, simplify: bool = True
) -> str:
    """``f`` as text that ``sympy.sympify`` reads back over the column ``names``, with as
    few digits as still give ``f``'s values on the rows of ``X`` (to 1e-7 relative)."""
    import sympy

    from metagrow.fit import SIMPLIFIED_OPS, display

    exact = f.sympy(names)
    wanted = f.predict(X)
    if f.complexity > SIMPLIFIED_OPS:  # read back as written: see fit.display
        with sympy.evaluate(False):
            return _written(exact, names, X, wanted)
    if simplify:  # sympy's simplification, once: it may take a tenth of a second
        text = str(display(exact, _DIGITS[0]))
        if _reproduces(text, names, X, wanted):
            return text
    return _written(exact, names, X, wanted)


def _written(exact: Any, names: Sequence[str], X: FloatArray, wanted: FloatArray) -> str:
    for digits in _DIGITS:
        text = str(_rounded(exact, digits))
        if _reproduces(text, names, X, wanted):
            return text
    return str(exact)


def _rounded(expr: Any, digits: int) -> Any:
    import sympy

    return expr.xreplace({v: sympy.Float(v, digits) for v in expr.atoms(sympy.Float)})


def _reproduces(text: str, names: Sequence[str], X: FloatArray, wanted: FloatArray) -> bool:
    import sympy

    symbols = {n: sympy.Symbol(n) for n in names}
    try:
        expr = sympy.sympify(
            text, locals=symbols, evaluate=sympy.core.parameters.global_parameters.evaluate
        )
        fn = sympy.lambdify([symbols[n] for n in names], expr, modules="numpy")
        with np.errstate(all="ignore"):
            got = np.broadcast_to(np.asarray(fn(*(X[:, j] for j in range(X.shape[1]))),
                                             dtype=np.float64), wanted.shape)  # fmt: skip
    except Exception:  # whatever goes wrong, the text does not reproduce the program
        return False
    ok = np.isfinite(wanted)
    if not np.array_equal(ok, np.isfinite(got)):
        return False
    wanted, got = wanted[ok], got[ok]
    scale = max(1.0, float(np.max(np.abs(wanted), initial=0.0)))
    return bool(np.all(np.abs(got - wanted) <= EXACT * (np.abs(wanted) + 1e-3 * scale)))
