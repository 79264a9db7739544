"""Tables: named feature columns and one target, the data a numeric program is fitted to.

A table holds only finite float64 numbers, so every later stage (fitting, scoring,
simplifying) can skip the checks; readers and generators reject anything else with one
line that says where.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, final

import numpy as np
import numpy.typing as npt

Kind = Literal["regression", "classification"]
KINDS: tuple[Kind, ...] = ("regression", "classification")
MAX_GUESSED_CLASSES = 10
"""At most this many distinct integer or text labels make a target guessed as classes."""

FloatArray = npt.NDArray[np.float64]
Cell = str | float | int


class TableError(ValueError):
    """Data that cannot be used as a table; the message is one line naming the place."""


@final
@dataclass(frozen=True, slots=True, eq=False)
class Table:
    """Feature columns ``X`` (rows x columns) and a target ``y``, both finite float64 and
    read-only. For classification, ``y`` holds integer values: the labels themselves, or,
    when ``classes`` is not empty, codes ``0..len(classes)-1`` into the text labels.
    ``metadata`` keeps where the table came from (for a formula: its expression)."""

    name: str
    columns: tuple[str, ...]
    X: FloatArray
    y: FloatArray
    kind: Kind = "regression"
    target: str = "y"
    metadata: dict[str, str] = field(default_factory=dict)
    classes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        X = _frozen(self.X)
        y = _frozen(self.y)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "classes", tuple(self.classes))
        object.__setattr__(self, "metadata", dict(self.metadata))
        if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
            raise TableError(f"{self.name}: X must be rows x columns and y one value a row")
        if X.shape[1] != len(self.columns):
            raise TableError(
                f"{self.name}: {X.shape[1]} feature columns but {len(self.columns)} names"
            )
        names = [*self.columns, self.target]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate is not None:
            raise TableError(f"{self.name}: column {duplicate!r} appears twice")
        if self.kind not in KINDS:
            raise TableError(f"{self.name}: kind must be 'regression' or 'classification'")
        if not (np.isfinite(X).all() and np.isfinite(y).all()):
            raise TableError(f"{self.name}: every value must be a finite number")
        if self.kind == "regression" and self.classes:
            raise TableError(f"{self.name}: a regression table has no classes")
        if self.kind == "classification":
            _check_labels(self.name, y, self.classes)

    @property
    def rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def labels(self) -> npt.NDArray[np.int64]:
        """The target as integers (classification tables)."""
        return self.y.astype(np.int64)


def _frozen(values: object) -> FloatArray:
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


def _check_labels(name: str, y: FloatArray, classes: tuple[str, ...]) -> None:
    if not np.array_equal(y, np.round(y)):
        raise TableError(f"{name}: classification labels must be integers")
    if classes and not ((y >= 0).all() and (y < len(classes)).all()):
        raise TableError(f"{name}: label codes must lie in 0..{len(classes) - 1}")


def split(table: Table, train_fraction: float, seed: int) -> tuple[Table, Table]:
    """A shuffled train and held-out part, as scikit-learn's ``train_test_split`` with
    ``train_size=train_fraction, random_state=seed`` draws them (so a 0.75 split with seed
    0 is the 75/25 split everyone else reports)."""
    if not 0.0 < train_fraction < 1.0:
        raise ValueError(f"train_fraction must lie strictly between 0 and 1, got {train_fraction}")
    if table.rows < 2:
        raise ValueError(f"{table.name}: cannot split {table.rows} row(s) into two parts")
    from sklearn.model_selection import train_test_split

    train_rows, heldout_rows = train_test_split(
        np.arange(table.rows), train_size=train_fraction, random_state=seed
    )
    return _subset(table, train_rows, "train"), _subset(table, heldout_rows, "heldout")


def take_rows(table: Table, rows: Sequence[int] | npt.NDArray[np.int64], part: str) -> Table:
    """The table restricted to ``rows`` (in that order), marked as ``part`` in metadata."""
    return _subset(table, np.asarray(rows, dtype=np.int64), part)


def _subset(table: Table, rows: npt.NDArray[np.int64], part: str) -> Table:
    return Table(
        name=table.name,
        columns=table.columns,
        X=table.X[rows],
        y=table.y[rows],
        kind=table.kind,
        target=table.target,
        metadata={**table.metadata, "split": part},
        classes=table.classes,
    )


def guess_kind(y_values: Sequence[Cell]) -> Kind:
    """``"classification"`` when the target holds at most ten distinct labels that are all
    integers or not all numbers (text labels), else ``"regression"``."""
    numbers = [_number(v) for v in y_values]
    if all(n is not None for n in numbers):
        integral = all(_integral(n) for n in numbers)
        few = len({n for n in numbers}) <= MAX_GUESSED_CLASSES
        return "classification" if integral and few else "regression"
    few = len({str(v).strip() for v in y_values}) <= MAX_GUESSED_CLASSES
    return "classification" if few else "regression"


def _number(value: Cell) -> float | None:
    """The number in a cell (possibly ``inf`` or ``nan``), or None for text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value.strip())
    except ValueError:
        return None


def _integral(number: float | None) -> bool:
    return number is not None and math.isfinite(number) and number.is_integer()


def encode_labels(values: Sequence[str]) -> tuple[FloatArray, tuple[str, ...]]:
    """Labels as codes: integer labels are kept as they are (no classes); otherwise text
    labels become codes into their sorted distinct values, which are returned as classes."""
    numbers = [_number(v) for v in values]
    if all(_integral(n) for n in numbers):
        return np.array(numbers, dtype=np.float64), ()
    classes = tuple(sorted({v.strip() for v in values}))
    code = {label: i for i, label in enumerate(classes)}
    return np.array([code[v.strip()] for v in values], dtype=np.float64), classes


@final
@dataclass(frozen=True, slots=True, eq=False)
class Dataset:
    """A named pair of tables over the same columns: fit on ``train``, score on
    ``heldout``."""

    name: str
    train: Table
    heldout: Table

    def __post_init__(self) -> None:
        same = (self.train.columns, self.train.target, self.train.kind) == (
            self.heldout.columns,
            self.heldout.target,
            self.heldout.kind,
        )
        if not same:
            raise TableError(f"{self.name}: train and held-out tables differ in their columns")
