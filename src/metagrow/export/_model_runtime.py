"""The part of an exported fitted model that is not its programs: rows in, scores and
predictions out (as :meth:`metagrow.api.Model.predict` makes them), reading a CSV file
(as ``metagrow predict`` does: the same function) and the self-check.

This module imports only the standard library, numpy and plain-Python metagrow modules:
:func:`model_to_python` copies the functions it needs (and what they use) into the module
it writes.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from metagrow.domains.numeric._classes import class_index
from metagrow.domains.numeric._csv import read_features
from metagrow.domains.numeric._table import FloatArray


def table(X: Any, columns: Sequence[str]) -> FloatArray:
    """``X`` as float64 rows in the order of ``columns``: a 2-D array-like of rows in that
    order, or a list of dicts, each read by column name."""
    if isinstance(X, (list, tuple)) and X and all(isinstance(r, Mapping) for r in X):
        X = [[_cell(r, c, i) for c in columns] for i, r in enumerate(X)]
    rows = np.asarray(X, dtype=np.float64)
    if rows.size == 0 and rows.ndim < 2:
        rows = rows.reshape(0, len(columns))
    if rows.ndim != 2 or rows.shape[1] != len(columns):
        raise ValueError(
            f"expected rows of {len(columns)} values ({', '.join(columns)}), got an "
            f"array of shape {rows.shape}"
        )
    return rows


def _cell(row: Mapping[str, Any], column: str, i: int) -> Any:
    if column not in row:
        raise ValueError(f"row {i}: no value for the column {column!r}")
    return row[column]


def program_scores(X: FloatArray, programs: Sequence[Callable[[FloatArray], Any]]) -> FloatArray:
    """One column a program: its value on each row of ``X`` (nan or inf where it fails)."""
    rows = X.shape[0] if X.shape[1] else 1
    columns = []
    with np.errstate(all="ignore"):
        for program in programs:
            out = np.asarray(program(X), dtype=np.float64)
            columns.append(out if out.shape == (rows,) else np.broadcast_to(out, (rows,)))
    return np.column_stack(columns)


def pick(scores: FloatArray, kind: str, classes: Sequence[Any]) -> list[Any]:
    """One prediction a row: the value (regression), else the class whose score is
    highest (two classes: the second where the one score is above 0; a score that is
    nan or inf never wins)."""
    if kind == "regression":
        return [float(v) for v in scores[:, 0]]
    return [classes[int(i)] for i in class_index(scores)]


def same(got: Any, expected: Any) -> bool:
    """Equal predictions: the same number (and sign of zero), both nan, or the same label."""
    if isinstance(got, float) and isinstance(expected, float):
        if math.isnan(got) or math.isnan(expected):
            return math.isnan(got) and math.isnan(expected)
        return got == expected and math.copysign(1.0, got) == math.copysign(1.0, expected)
    return type(got) is type(expected) and bool(got == expected)


def main(
    predict: Callable[[Any], list[Any]],
    columns: Sequence[str],
    rows: Sequence[Sequence[float]],
    expected: Sequence[Any],
) -> int:
    """``python THIS.py``: replay ``rows``, exit 1 if a prediction is not the expected
    one. ``python THIS.py FILE.csv``: print one prediction a row of the file."""
    if len(sys.argv) > 1:
        try:
            X = read_features(sys.argv[1], columns)
        except ValueError as err:
            print(err, file=sys.stderr)
            return 2
        for value in predict(X):
            print(repr(value) if isinstance(value, float) else value)
        return 0
    got = predict(np.asarray(rows, dtype=np.float64).reshape(len(rows), len(columns)))
    wrong = [i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if not same(g, e)]
    for i in wrong:
        print(f"row {i}: expected {expected[i]!r}, got {got[i]!r}")
    print(f"{len(rows) - len(wrong)} of {len(rows)} rows give the expected prediction")
    return 1 if wrong else 0
