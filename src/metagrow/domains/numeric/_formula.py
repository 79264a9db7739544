"""Formulas: a known expression over named variables with sampling ranges, and the table
of its values on seeded uniform samples.

The expression is sympy text restricted to ``+ - * / **``, ``sqrt``, ``exp``, ``log``,
``sin``, ``cos``, ``tanh``, ``Abs``, ``Min``, ``Max`` and numbers, so any symbolic
regression tool can be asked to recover it. sympy is imported only when a formula is
parsed or evaluated, so importing this module stays fast.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, final, get_args

import numpy as np

from metagrow.domains.numeric._table import FloatArray, Table

if TYPE_CHECKING:
    import sympy

Family = Literal[
    "polynomial", "rational", "exponential", "trigonometric", "piecewise", "composition"
]
FAMILIES: tuple[Family, ...] = get_args(Family)
TARGET = "y"
"""The target column's name in every formula table."""

ALLOWED_FUNCTIONS = ("sqrt", "exp", "log", "sin", "cos", "tanh", "Abs", "Min", "Max")
"""The functions a formula may call (``sqrt`` is sympy's ``Pow(x, 1/2)``)."""


class Variable(NamedTuple):
    """One input of a formula, sampled uniformly from ``[low, high)``."""

    name: str
    low: float
    high: float


@final
@dataclass(frozen=True, slots=True)
class Formula:
    """A named expression over ``variables``; ``family`` says what kind of structure it
    has (a rough difficulty axis) and ``description`` what it computes."""

    name: str
    expression: str
    variables: tuple[Variable, ...]
    family: Family
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.strip() or "/" in self.name:
            raise ValueError(f"formula name {self.name!r} must be non-empty, no spaces or '/'")
        if self.family not in FAMILIES:
            raise ValueError(f"{self.name}: unknown family {self.family!r}")
        names = [v.name for v in self.variables]
        if not 1 <= len(names) <= 6:
            raise ValueError(f"{self.name}: a formula has 1 to 6 variables, got {len(names)}")
        if len(set(names)) != len(names) or TARGET in names:
            raise ValueError(f"{self.name}: variable names must be distinct and not {TARGET!r}")
        for v in self.variables:
            if not v.name.isidentifier() or not float(v.low) < float(v.high):
                raise ValueError(f"{self.name}: bad variable {v!r}; need a name and low < high")

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)


def parse_formula(formula: Formula) -> sympy.Expr:
    """The expression as sympy reads it, with every variable a plain symbol; raises
    ``ValueError`` if it uses a function outside :data:`ALLOWED_FUNCTIONS`, a named
    constant (write numbers instead) or a name that is not a variable."""
    return _parse(formula.expression, formula.columns)


@cache
def _parse(expression: str, columns: tuple[str, ...]) -> Any:
    import sympy

    symbols = {name: sympy.Symbol(name) for name in columns}
    try:
        expr = sympy.sympify(expression, locals=symbols)
    except (sympy.SympifyError, SyntaxError, TypeError) as err:
        raise ValueError(f"cannot parse {expression!r}: {err}") from None
    allowed = _allowed_heads()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Symbol):
            if node.name not in symbols:
                raise ValueError(f"{expression!r}: {node.name!r} is not a variable")
        elif node.is_Atom:
            if not isinstance(node, sympy.Rational | sympy.Float):
                raise ValueError(f"{expression!r}: {node} is not a plain number")
        elif node.func not in allowed:
            raise ValueError(f"{expression!r}: {node.func.__name__} is not an allowed function")
    return expr


def _allowed_heads() -> frozenset[Any]:
    import sympy

    return frozenset(
        {sympy.Add, sympy.Mul, sympy.Pow, sympy.exp, sympy.log, sympy.sin, sympy.cos}
        | {sympy.tanh, sympy.Abs, sympy.Min, sympy.Max}
    )


def node_count(formula: Formula) -> int:
    """The size of sympy's expression tree: every operator, symbol and number is one node
    (``x - z/2`` is ``Add(x, Mul(-1/2, z))``, 5 nodes). The usual complexity measure."""
    import sympy

    return sum(1 for _ in sympy.preorder_traversal(parse_formula(formula)))


def formula_table(formula: Formula, rows: int, seed: int) -> Table:
    """``rows`` samples drawn uniformly in the variables' ranges and the formula's value
    on each. The generator is seeded from ``seed`` and the formula's name only, and rows
    are drawn one after another, so the first ``n`` rows do not depend on ``rows``.
    Raises ``ValueError`` if any value is not a finite real number."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    rng = formula_rng(seed, formula.name)
    lows = np.array([v.low for v in formula.variables], dtype=np.float64)
    highs = np.array([v.high for v in formula.variables], dtype=np.float64)
    X = rng.uniform(lows, highs, size=(rows, len(formula.variables)))
    y = evaluate(formula, X)
    metadata = {"source": "formula", "expression": formula.expression, "family": formula.family}
    return Table(formula.name, formula.columns, X, y, "regression", TARGET, metadata)


def formula_rng(seed: int, name: str) -> np.random.Generator:
    """A generator seeded from the suite seed and one name, so that renaming or editing
    one formula leaves every other formula's data unchanged."""
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def evaluate(formula: Formula, X: FloatArray) -> FloatArray:
    """The formula's value on each row of ``X`` (columns in the formula's variable order),
    computed by numpy through ``sympy.lambdify``; every value must be finite and real."""
    import sympy

    expr = parse_formula(formula)
    symbols = [sympy.Symbol(name) for name in formula.columns]
    function = sympy.lambdify(symbols, expr, modules="numpy")
    with np.errstate(all="ignore"):
        values = np.asarray(function(*(X[:, j] for j in range(X.shape[1]))))
    if np.iscomplexobj(values):
        raise ValueError(f"{formula.name}: complex values in its ranges")
    y = np.broadcast_to(values.astype(np.float64), (X.shape[0],)).copy()
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        at = dict(zip(formula.columns, X[bad[0]].tolist(), strict=True))
        raise ValueError(f"{formula.name}: not finite at {at}; narrow its ranges")
    return y


def formula_family(
    family: Family, *entries: tuple[str, str, tuple[Variable, ...], str]
) -> tuple[Formula, ...]:
    """Formulas of one family from ``(name, expression, variables, description)`` rows."""
    return tuple(Formula(name, expr, vs, family, text) for name, expr, vs, text in entries)
