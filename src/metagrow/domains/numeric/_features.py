"""Reading the feature columns of a CSV file, for predictions: ``metagrow predict`` and
the models ``metagrow export`` writes, which copy these functions (this module imports
only the standard library, numpy and :class:`TableError`'s module, so an exported model
reads a file exactly as ``metagrow predict`` does)."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from metagrow.domains.numeric._table import TableError

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
"""Cells read as a missing value."""


def read_features(path: str | Path, columns: Sequence[str]) -> npt.NDArray[np.float64]:
    """The named columns of the CSV file ``path`` (in that order; other columns are not
    read), one row per data row; :class:`TableError` (one line) for a missing file or
    column, a ragged row or a cell that is not a finite number."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [(n, row) for n, row in enumerate(csv.reader(handle), 1)]
    except FileNotFoundError:
        raise TableError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise TableError(f"{path}: is a directory, not a CSV file") from None
    except (UnicodeDecodeError, csv.Error):
        raise TableError(f"{path}: not a UTF-8 CSV file") from None
    except OSError as err:
        raise TableError(f"{path}: cannot read ({err.strerror})") from None
    rows = [(n, row) for n, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise TableError(f"{path}: empty file; expected a header row of column names")
    header = [name.strip() for name in rows[0][1]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise TableError(
            f"{path}: no column {missing[0]!r}, which the model needs; its columns are "
            f"{', '.join(header)}"
        )
    where = [header.index(c) for c in columns]
    X = np.empty((len(rows) - 1, len(columns)), dtype=np.float64)
    for r, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise TableError(
                f"{path}, line {line}: {len(row)} cells, but the header has {len(header)} columns"
            )
        for j, i in enumerate(where):
            X[r, j] = _number(row[i], f"{path}, column {columns[j]!r}, line {line}")
    return X


def _number(cell: str, where: str) -> float:
    text = cell.strip()
    if text.lower() in MISSING:
        raise TableError(f"{where}: missing value; fill or drop the row")
    try:
        value = float(text)
    except ValueError:
        raise TableError(f"{where}: {text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise TableError(f"{where}: {text[:40]!r} is not a finite number")
    return value


def class_index(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """The class each row's scores pick (one column a program): for one column (two
    classes) the second where the logit is above 0, else the highest score. A score that
    is ``nan`` or infinite (a program failing on the row) never wins."""
    if scores.shape[1] == 1:
        picked = np.nan_to_num(scores[:, 0], nan=0.0) > 0
    else:
        picked = np.argmax(np.where(np.isfinite(scores), scores, -np.inf), axis=1)
    return np.asarray(picked, dtype=np.int64)
