"""Programs fitted to a table: loss-driven evolution over numeric programs, each
candidate's constants fitted to the rows, the Pareto front of (complexity, loss) kept.

:func:`fit_table` is the one entry point the estimators, ``metagrow fit`` and the
regression bench share. Its loss is the mean squared error (regression) or the log-loss of
a logit (a binary class); a run stops after ``evaluations`` programs scored, so a seed
gives the same front on any machine, or at ``seconds`` if that comes first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, final

import numpy as np

from metagrow.domains.numeric import NumericDomain
from metagrow.domains.numeric._ops import CONSTANT
from metagrow.domains.numeric._vector import FloatArray, VectorProgram
from metagrow.fit._constants import ConstantMethod, Loss, loss_value
from metagrow.fit._enumerate import enumerate_programs
from metagrow.fit._objective import TableObjective, table_request
from metagrow.lang import Expr, Grammar, Prim, Var, apply, lambdas, parse
from metagrow.search import (
    Front,
    MinimiseConfig,
    MinimiseStatus,
    Report,
    Scored,
    Selection,
    minimise,
)

ENUMERATED_BEHAVIOURS = 600_000
"""At most this many distinct small programs are enumerated before evolution (about 4 s
and 600 MB at most)."""
LINEAR_COLUMNS = 30
"""Tables with at most this many columns start the search from linear models too."""
GREEDY_COLUMNS = 6
"""The largest of those linear models short of the full one use this many columns."""
ENUMERATION_SHARE = 0.25
"""At most this share of a fit's time goes to enumeration."""

if TYPE_CHECKING:
    import sympy

    from metagrow.fit._islands import IslandBackend


@final
@dataclass(frozen=True, slots=True)
class FittedProgram:
    """A numeric program with its constants: ``structure`` has a ``c`` slot for each."""

    structure: Expr
    constants: tuple[float, ...]
    arity: int
    loss: float
    complexity: int

    @staticmethod
    def of(scored: Scored, arity: int) -> FittedProgram:
        return FittedProgram(
            scored.program, scored.parameters, arity, scored.loss, scored.complexity
        )

    @staticmethod
    def from_text(structure: str, constants: Sequence[float], arity: int) -> FittedProgram:
        """A fitted program read back from its structure's text and its constants; raises
        ``ValueError`` (one line) if they do not make a numeric program of ``arity``."""
        program = parse(structure)
        vp = VectorProgram(program, arity)
        if vp.n_constants != len(constants):
            raise ValueError(
                f"the program has {vp.n_constants} constant slots but {len(constants)} values"
            )
        return FittedProgram(program, tuple(constants), arity, math.nan, vp.complexity)

    def predict(self, X: FloatArray) -> FloatArray:
        """The program's value on each row of ``X`` (``nan`` where it fails)."""
        vp = VectorProgram(self.structure, self.arity)
        columns = [np.ascontiguousarray(X[:, j], dtype=np.float64) for j in range(X.shape[1])]
        return np.array(vp(columns, np.asarray(self.constants, dtype=np.float64)))

    @property
    def program(self) -> Expr:
        """The program with its constants written in as numbers."""
        return VectorProgram(self.structure, self.arity).with_constants(self.constants)

    def sympy(self, names: Sequence[str]) -> sympy.Expr:
        return VectorProgram(self.structure, self.arity).sympy(names, self.constants)

    def expression(self, names: Sequence[str], digits: int = 6) -> str:
        """The program as sympy text over ``names``, constants to ``digits`` significant
        digits, lightly simplified."""
        return str(display(self.sympy(names), digits))


def display(expr: Any, digits: int = 6) -> Any:
    """``expr`` with its numbers rounded to ``digits`` significant digits, simplified by
    sympy when it is small enough for that to be quick (a large one is left as built:
    sympy's automatic simplification can take unbounded time on some nestings)."""
    import sympy

    small = sum(1 for _ in sympy.preorder_traversal(expr)) <= 2 * SIMPLIFIED_OPS
    with sympy.evaluate(small):
        rounded = expr.xreplace({f: sympy.Float(f, digits) for f in expr.atoms(sympy.Float)})
        if small and sympy.count_ops(rounded) <= 12 and not rounded.has(sympy.Piecewise):
            simpler = sympy.simplify(rounded)
            if sympy.count_ops(simpler) <= sympy.count_ops(rounded):
                rounded = simpler
        return rounded.xreplace({f: sympy.Float(f, digits) for f in rounded.atoms(sympy.Float)})


SIMPLIFIED_OPS = 30
"""Programs of at most this many nodes (expressions of twice as many sympy nodes) are
simplified for display; counting operations with sympy would itself ask questions of a
large expression that can take unbounded time."""


@final
@dataclass(frozen=True, slots=True)
class TableFit:
    """What :func:`fit_table` found: the front (simplest first), programs scored, seconds."""

    front: tuple[FittedProgram, ...]
    evaluations: int
    seconds: float

    def select(self, rule: Selection = "best") -> FittedProgram:
        front = Front(
            tuple(Scored(f.structure, f.loss, f.complexity, f.constants) for f in self.front)
        )
        chosen = front.select(rule)
        return next(f for f in self.front if f.structure is chosen.program)


def fit_table(
    X: FloatArray,
    y: FloatArray,
    *,
    loss: Loss = "mse",
    evaluations: int = 20_000,
    seconds: float = math.inf,
    seed: int = 0,
    grammar: Grammar | None = None,
    config: MinimiseConfig | None = None,
    constants: ConstantMethod = "lm",
    report: Report | None = None,
    jobs: int = 1,
    enumeration: bool = True,
    start: Sequence[Expr] = (),
    backend: IslandBackend = "pool",
) -> TableFit:
    """Search for programs over the columns of ``X`` that predict ``y``: first small
    programs bottom-up (:mod:`._enumerate`, with ``enumeration``; at most a quarter of
    the time), then evolution from the closest of them, from a linear model and from
    ``start`` programs; with ``jobs`` above 1, islands evolve in that many worker
    processes, or Ray tasks with ``backend="ray"`` (:mod:`._islands`)."""
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    started = time.perf_counter()
    objective = TableObjective(X, y, loss=loss, constants=constants)
    starts: tuple[Expr, ...] = (*start, *linear_starts(X, y))
    if enumeration:
        with np.errstate(all="ignore"):
            found = enumerate_programs(
                X,
                y,
                max_behaviours=min(ENUMERATED_BEHAVIOURS, 100 * evaluations),
                seconds=ENUMERATION_SHARE * seconds,
                exact_check=lambda p: _fits(objective, p),
            )
        starts = (*found.exact, *starts, *found.closest)
    seconds -= time.perf_counter() - started
    if jobs > 1:
        from metagrow.fit._islands import parallel_islands

        merged = parallel_islands(
            X,
            y,
            jobs=jobs,
            loss=loss,
            evaluations=evaluations,
            seconds=seconds,
            seed=seed,
            grammar=grammar,
            config=config or MinimiseConfig(),
            constants=constants,
            report=report,
            start=starts,
            backend=backend,
        )
        return _fit_of(merged, X.shape[1], y, loss, started)
    grammar = grammar or NumericDomain().grammar()
    with np.errstate(all="ignore"):
        status: MinimiseStatus = minimise(
            objective,
            grammar,
            table_request(X.shape[1]),
            evaluations=evaluations,
            seconds=seconds,
            seed=seed,
            config=config,
            report=report,
            start=starts,
        )
    return _fit_of(status, X.shape[1], y, loss, started)


def linear_program(columns: int, used: Sequence[int] | None = None) -> Expr:
    """``c*x0 + c*x1 + ... + c`` over the columns ``used`` (default: all): a linear model
    (a logistic one, for the log-loss)."""
    body: Expr = Prim(CONSTANT)
    for j in range(columns) if used is None else used:
        body = apply(Prim("add"), apply(Prim("mul"), Prim(CONSTANT), Var(columns - 1 - j)), body)
    return lambdas(body, columns)


def linear_starts(X: FloatArray, y: FloatArray, most: int = GREEDY_COLUMNS) -> tuple[Expr, ...]:
    """Linear models over the first 1, 2, ... ``most`` columns in the order forward
    selection adds them (each the column most correlated with what the ones before leave
    unexplained), and over every column: so that the front has small linear models."""
    n = X.shape[1]
    if n > LINEAR_COLUMNS:
        return ()
    with np.errstate(all="ignore"):
        Z = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        residual, chosen = y - y.mean(), list[int]()
        for _ in range(min(most, n - 1)):
            scores = np.abs(Z.T @ residual)
            scores[chosen] = -1.0
            chosen.append(int(np.argmax(scores)))
            A = np.column_stack([Z[:, chosen], np.ones(len(y))])
            coef, *_ = np.linalg.lstsq(A, y, rcond=None)
            residual = y - A @ coef
    return (*(linear_program(n, chosen[:k]) for k in range(1, len(chosen) + 1)), linear_program(n))


def _fits(objective: TableObjective, program: Expr) -> bool:
    scored = objective.score(program)
    return scored is not None and objective.solved(scored)


def _fit_of(
    status: MinimiseStatus, arity: int, y: FloatArray, loss: Loss, started: float
) -> TableFit:
    front = tuple(FittedProgram.of(s, arity) for s in status.front.members)
    if not front:  # every program failed on some row (or no time at all): a constant
        front = (constant_fit(arity, y, loss),)
    return TableFit(front, status.evaluations, time.perf_counter() - started)


def constant_fit(arity: int, y: FloatArray, loss: Loss) -> FittedProgram:
    """The best constant program: the mean, or for a class the log-odds of its share."""
    mean = float(np.mean(y))
    if loss == "logloss":
        share = min(max(mean, 1e-6), 1 - 1e-6)
        mean = math.log(share / (1 - share))
    value = loss_value(loss, np.full(len(y), mean), y)
    return FittedProgram(lambdas(Prim(CONSTANT), arity), (mean,), arity, value, 1)
