"""The numeric domain: real-valued programs over the columns of a table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import final

from metagrow.domains._domain import JSON, Domain, ValueDecodeError
from metagrow.domains.numeric._ops import OPS, REAL, WithLiterals, numeric_primitives
from metagrow.lang import BOOL, Example, Grammar, Limits, Task, arrow


@final
class NumericDomain(Domain):
    """Arithmetic, ``sqrt exp log sin cos tanh abs min max``, comparisons and ``if`` over
    reals, with the constant slot ``c`` whose every occurrence is a fitted parameter.

    A task file is either the typed JSON format (``"type": "real -> real -> real"``, one
    row per example) or a CSV file whose last column (or a column named ``y``) is the
    target, one row per example."""

    name = "numeric"
    task_suffixes = (".json", ".csv")

    def __init__(self) -> None:
        weights = {op.name: op.log_weight for op in OPS}
        uniform = Grammar.uniform(numeric_primitives(), weights)
        self._grammar = Grammar(WithLiterals(uniform.primitives), uniform.productions)

    def grammar(self) -> Grammar:
        return self._grammar

    def constructors(self) -> frozenset[str]:
        return frozenset({"real", "bool"})

    def limits(self) -> Limits:
        return Limits(steps=10_000, depth=60, size=10_000, seconds=0.05)

    def decode(self, value: JSON, t: object) -> object:
        if t == REAL:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueDecodeError(f"expected a number, got {value!r:.40}")
            return float(value)
        if t == BOOL:
            if not isinstance(value, bool):
                raise ValueDecodeError(f"expected a bool, got {value!r:.40}")
            return value
        raise ValueDecodeError(f"values of type {t} cannot be read in the numeric domain")

    def encode(self, value: object, t: object) -> JSON:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return float(value)
        return value

    def read_task(self, path: Path) -> Task:
        """A JSON task file, or a CSV table (target ``y`` if there is such a column, else
        the last one) whose rows are the train examples."""
        if path.suffix.lower() != ".csv":
            return super().read_task(path)
        return table_task(path)


def table_task(path: Path, target: str | None = None) -> Task:
    """The task of predicting ``target`` (default: ``y`` if present, else the last column)
    from the other columns of the CSV file at ``path``; rows are train examples."""
    from metagrow.domains.numeric._csv import read_csv, read_header

    header = read_header(path)
    chosen = target or ("y" if "y" in header else header[-1])
    table = read_csv(path, chosen, "regression")
    request = arrow(*(REAL for _ in table.columns), REAL)
    train = tuple(
        Example(tuple(float(v) for v in row), float(y))
        for row, y in zip(table.X, table.y, strict=True)
    )
    return Task(path.stem, request, train, (), {"columns": list(table.columns)})


def columns_of(task: Task) -> Sequence[str]:
    """The column names a table task was read with (``x0``, ``x1``, ... otherwise)."""
    names = task.metadata.get("columns") if task.metadata else None
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        return names
    return [f"x{i}" for i in range(len(task.request.arguments()))]
