"""Tables as CSV files: a header row of column names, then one row per sample.

Read with the standard ``csv`` module (no pandas needed). Every problem a user's file can
have is one :class:`TableError` line naming the file and, for a bad cell, its column and
row. Floats are written with ``repr``, so a written table reads back bit for bit.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from metagrow.domains.numeric._table import (
    FloatArray,
    Kind,
    Table,
    TableError,
    encode_labels,
    guess_kind,
)

MIN_ROWS = 5
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
"""Cells (compared in lower case, stripped) that mean a value is missing."""


def write_csv(table: Table, path: str | Path) -> None:
    """Write the feature columns and then the target; class codes are written as their
    text labels when the table has them, integer labels as integers."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*table.columns, table.target])
        for features, target in zip(table.X.tolist(), table.y.tolist(), strict=True):
            writer.writerow([*(repr(v) for v in features), _target_cell(table, target)])


def _target_cell(table: Table, value: float) -> str:
    if table.kind == "regression":
        return repr(value)
    return table.classes[int(value)] if table.classes else str(int(value))


def read_csv(path: str | Path, target: str, kind: Kind | None = None) -> Table:
    """The table in ``path`` with ``target`` as the target and every other column as a
    feature. ``kind`` defaults to :func:`guess_kind` of the target column; text labels are
    kept as ``classes``. Raises :class:`TableError` (one line) for a missing file, an
    unknown target, duplicate or empty column names, ragged rows, missing or non-numeric
    cells, fewer than 5 rows or no feature column."""
    path = Path(path)
    header, body = _read_rows(path)
    _check_header(path, header, target)
    if len(body) < MIN_ROWS:
        raise TableError(f"{path}: {len(body)} data row(s); at least {MIN_ROWS} are needed")
    t = header.index(target)
    columns = tuple(name for i, name in enumerate(header) if i != t)
    features = [i for i in range(len(header)) if i != t]
    X = np.empty((len(body), len(features)), dtype=np.float64)
    for j, i in enumerate(features):
        X[:, j] = _numbers(path, header[i], [(line, row[i]) for line, row in body])
    cells = [(line, row[t]) for line, row in body]
    for n, (line, cell) in enumerate(cells):
        if cell.strip().lower() in MISSING:
            raise TableError(
                f"{_where(path, target, n, line)}: missing value; fill or drop the row"
            )
    y, classes, kind = _target(path, target, cells, kind)
    return Table(path.stem, columns, X, y, kind, target, {"source": str(path)}, classes)


def read_features(path: str | Path, columns: Sequence[str]) -> FloatArray:
    """The named columns of the CSV file ``path`` (in that order; other columns are not
    read), one row per data row, for predictions: ``metagrow predict``, and the models
    ``metagrow export`` writes (which copy this function and what it uses). Raises
    :class:`TableError` (one line) as :func:`read_csv` does, and for a missing column."""
    path = Path(path)
    header, body = _read_rows(path)
    missing = [c for c in columns if c not in header]
    if missing:
        raise TableError(
            f"{path}: no column {missing[0]!r}, which the model needs; its columns are "
            f"{', '.join(header)}"
        )
    X = np.empty((len(body), len(columns)), dtype=np.float64)
    for j, column in enumerate(columns):
        i = header.index(column)
        X[:, j] = _numbers(path, column, [(line, row[i]) for line, row in body])
    return X


def read_header(path: str | Path) -> list[str]:
    """The column names in the header of the CSV file at ``path``."""
    header, _ = _read_rows(Path(path))
    return header


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank data rows with their line numbers."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            rows = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise TableError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise TableError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise TableError(f"{path}: not UTF-8 text") from None
    except csv.Error as err:
        raise TableError(f"{path}: not valid CSV ({err})") from None
    except OSError as err:
        raise TableError(f"{path}: cannot read ({err.strerror})") from None
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise TableError(f"{path}: empty file; expected a header row of column names")
    (_, header), body = rows[0], rows[1:]
    for line, row in body:
        if len(row) != len(header):
            raise TableError(
                f"{path}, line {line}: {len(row)} cells, but the header has {len(header)} columns"
            )
    return [name.strip() for name in header], body


def _check_header(path: Path, header: list[str], target: str) -> None:
    if any(not name for name in header):
        raise TableError(f"{path}: column {header.index('') + 1} has no name in the header")
    duplicate = next((name for name in header if header.count(name) > 1), None)
    if duplicate is not None:
        raise TableError(f"{path}: column name {duplicate!r} appears twice in the header")
    if target not in header:
        raise TableError(f"{path}: no column {target!r}; the columns are {', '.join(header)}")
    if len(header) < 2:
        raise TableError(f"{path}: no feature column besides the target {target!r}")


def _numbers(path: Path, column: str, cells: list[tuple[int, str]]) -> FloatArray:
    values = np.empty(len(cells), dtype=np.float64)
    for n, (line, cell) in enumerate(cells):
        text, where = cell.strip(), _where(path, column, n, line)
        if text.lower() in MISSING:
            raise TableError(f"{where}: missing value; fill or drop the row")
        try:
            value = float(text)
        except ValueError:
            raise TableError(f"{where}: {_shown(text)} is not a number") from None
        if not math.isfinite(value):
            raise TableError(f"{where}: {_shown(text)} is not a finite number")
        values[n] = value
    return values


def _where(path: Path, column: str, n: int, line: int) -> str:
    """A bad cell's place: data rows count from 1 after the header; lines from 1 in the file."""
    return f"{path}, column {column!r}, row {n + 1} (line {line})"


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _target(
    path: Path, target: str, cells: list[tuple[int, str]], kind: Kind | None
) -> tuple[FloatArray, tuple[str, ...], Kind]:
    values = [cell.strip() for _, cell in cells]
    kind = guess_kind(values) if kind is None else kind
    if kind == "classification":
        y, classes = encode_labels(values)
        return y, classes, kind
    return _numbers(path, target, cells), (), kind
