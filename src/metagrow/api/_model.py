"""Model files written by ``metagrow fit -o`` (format in ``docs/fit.md``), read back to
predict new rows: ``metagrow predict`` and :func:`predict_csv`."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, final

import numpy as np

from metagrow.api._fit import MODEL_FORMAT, MODEL_VERSION
from metagrow.domains.numeric import TableError
from metagrow.domains.numeric._vector import FloatArray, NotNumeric
from metagrow.fit import FittedProgram
from metagrow.lang import ProgramParseError

_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})


class ModelError(ValueError):
    """A model file that cannot be used; the message is one line naming the file."""


@final
@dataclass(frozen=True, slots=True)
class Model:
    """A fitted model: its feature ``columns``, ``target``, ``kind``, class labels and
    programs (one for regression and two classes, one per class otherwise)."""

    kind: str
    columns: tuple[str, ...]
    target: str
    classes: tuple[str | int, ...]
    programs: tuple[FittedProgram, ...]

    def predict(self, X: FloatArray) -> list[Any]:
        """One prediction a row of ``X`` (columns in the model's order): a number (``nan``
        where the program fails), or a class label."""
        scores = np.column_stack([p.predict(X) for p in self.programs])
        if self.kind == "regression":
            return [float(v) for v in scores[:, 0]]
        if scores.shape[1] == 1:
            picked = (np.nan_to_num(scores[:, 0], nan=0.0) > 0).astype(np.int64)
        else:
            picked = np.argmax(np.where(np.isfinite(scores), scores, -np.inf), axis=1)
        return [self.classes[int(i)] for i in picked]


def model_of(data: object, where: str = "model") -> Model:
    """The model a model file's JSON ``data`` describes; :class:`ModelError` (one line,
    starting with ``where``) if it is not one."""
    if not isinstance(data, Mapping) or data.get("format") != MODEL_FORMAT:
        raise ModelError(f'{where}: not a metagrow model file (no "format": "{MODEL_FORMAT}")')
    if data.get("version") != MODEL_VERSION:
        raise ModelError(
            f"{where}: model file version {data.get('version')!r}; this metagrow reads "
            f"version {MODEL_VERSION}"
        )
    kind, columns, target = data.get("kind"), data.get("columns"), data.get("target")
    classes, programs = data.get("classes", []), data.get("programs")
    if kind not in ("regression", "classification"):
        raise ModelError(f'{where}: "kind" must be regression or classification')
    if target is None:
        target = "prediction"  # an estimator fitted on arrays names no target
    if not _strings(columns) or not isinstance(target, str):
        raise ModelError(f'{where}: "columns" must list names and "target" name one')
    if not isinstance(classes, list) or not all(isinstance(c, str | int) for c in classes):
        raise ModelError(f'{where}: "classes" must list labels')
    wanted = 1 if kind == "regression" or len(classes) == 2 else len(classes)
    if kind == "classification" and len(classes) < 2:
        raise ModelError(f"{where}: a classifier needs at least two classes")
    if not isinstance(programs, list) or len(programs) != wanted:
        raise ModelError(f'{where}: "programs" must list {wanted} program(s)')
    assert isinstance(columns, list)
    fitted = tuple(_program(p, len(columns), f"{where}, program {i + 1}")
                   for i, p in enumerate(programs))  # fmt: skip
    return Model(kind, tuple(columns), target, tuple(classes), fitted)


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _program(record: object, arity: int, where: str) -> FittedProgram:
    if not isinstance(record, Mapping):
        raise ModelError(f'{where}: expected an object with "structure" and "constants"')
    structure, constants = record.get("structure"), record.get("constants", [])
    if not isinstance(structure, str) or not isinstance(constants, list):
        raise ModelError(f'{where}: "structure" must be text and "constants" a list')
    if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in constants):
        raise ModelError(f'{where}: "constants" must be numbers')
    try:
        return FittedProgram.from_text(structure, [float(c) for c in constants], arity)
    except (ProgramParseError, NotNumeric, ValueError) as err:
        message = " ".join(str(err).split())
        raise ModelError(f"{where}: not a numeric program of {arity} columns ({message})") from None


def read_model(path: str | Path) -> Model:
    """The model in the JSON file ``path``; :class:`ModelError` (one line) otherwise."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ModelError(f"{path}: is a directory, not a model file") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{path}: not a JSON model file") from None
    except OSError as err:
        raise ModelError(f"{path}: cannot read ({err.strerror})") from None
    return model_of(data, str(path))


def read_features(path: str | Path, columns: Sequence[str]) -> FloatArray:
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
    if text.lower() in _MISSING:
        raise TableError(f"{where}: missing value; fill or drop the row")
    try:
        value = float(text)
    except ValueError:
        raise TableError(f"{where}: {text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise TableError(f"{where}: {text[:40]!r} is not a finite number")
    return value


def predict_csv(model: str | Path, data: str | Path) -> tuple[str, list[Any]]:
    """The target's name and one prediction a data row of the CSV file ``data`` by the
    model in the file ``model``."""
    m = read_model(model)
    with np.errstate(all="ignore"):
        return m.target, m.predict(read_features(data, m.columns))
