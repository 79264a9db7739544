"""Model files written by ``metagrow fit -o`` (format in ``docs/fit.md``), read back to
predict new rows: ``metagrow predict`` and :func:`predict_csv`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, final

import numpy as np

from metagrow.api._fit import MODEL_FORMAT, MODEL_VERSION
from metagrow.domains.numeric import read_features
from metagrow.domains.numeric._classes import class_index
from metagrow.domains.numeric._vector import FloatArray, NotNumeric
from metagrow.fit import FittedProgram
from metagrow.lang import ProgramParseError


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
        return [self.classes[int(i)] for i in class_index(scores)]


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


def predict_csv(model: str | Path, data: str | Path) -> tuple[str, list[Any]]:
    """The target's name and one prediction a data row of the CSV file ``data`` by the
    model in the file ``model``."""
    m = read_model(model)
    with np.errstate(all="ignore"):
        return m.target, m.predict(read_features(data, m.columns))
