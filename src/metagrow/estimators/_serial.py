"""A fitted estimator as a JSON-able dict (format ``metagrow-model``, version 1) and back.

Programs travel as the S-expression text of their structure and the list of their
constants, so a model file holds no code and no pickles; the front's expressions are there
for people to read. Besides the keys the format names, a dict carries ``feature_names``
(whether the columns came from a frame), ``n_evaluations``, ``fit_seconds``, and each front
entry's ``structure`` and ``constants`` (so ``front_`` comes back whole); reading accepts
their absence. Reading checks every field and raises ``ValueError`` in one line.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any

import numpy as np

from metagrow.estimators._front import FrontEntry, default_names
from metagrow.fit import FittedProgram

FORMAT = "metagrow-model"
VERSION = 1
KINDS = ("regression", "classification")


def model_dict(est: Any, kind: str) -> dict[str, Any]:
    """The fitted ``est`` as a dict that ``json.dumps`` writes (``ValueError`` if a
    constant or a loss is not finite: JSON has no such numbers)."""
    names = list(est._names())
    programs = est.program_ if kind == "classification" else (est.program_,)
    multi = kind == "classification" and len(est.classes_) > 2
    params = dict(est.get_params())
    if not isinstance(params["random_state"], int | None):
        params["random_state"] = None  # a RandomState instance has no JSON form
    return {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "columns": names,
        "feature_names": hasattr(est, "feature_names_in_"),
        "target": est.target_name_,
        "classes": est.classes_.tolist() if kind == "classification" else [],
        "selection": est.selection,
        "programs": [_program(p) for p in programs],
        "front": [_entry(e, multi) for e in est.front_],
        "params": params,
        "n_evaluations": int(est.n_evaluations_),
        "fit_seconds": float(est.fit_seconds_),
    }


def restore(est: Any, kind: str, data: object) -> Any:
    """``est`` (a new estimator of ``kind``) given the fitted state ``data`` describes."""
    d = _mapping(data, "model data")
    if d.get("format") != FORMAT:
        raise ValueError(f"model data: format must be {FORMAT!r}, got {d.get('format')!r}")
    if d.get("version") != VERSION:
        raise ValueError(f"model data: version {d.get('version')!r} is not {VERSION}")
    if d.get("kind") != kind:
        raise ValueError(f"model data: kind is {d.get('kind')!r}, not {kind!r}")
    columns = _strings(d.get("columns"), "columns")
    if not columns:
        raise ValueError("model data: columns must name at least one feature")
    target = d.get("target")
    if target is not None and not isinstance(target, str):
        raise ValueError("model data: target must be a string or null")
    # a model written by ``metagrow fit`` has no estimator parameters: the defaults, with
    # its selection
    params = _mapping(d.get("params", {"selection": d.get("selection", "best")}), "params")
    unknown = sorted(set(params) - set(est.get_params()))
    if unknown:
        raise ValueError(f"model data: unknown params {', '.join(unknown)}")
    est.set_params(**params)
    try:
        est._validate_params()
    except (TypeError, ValueError) as err:
        raise ValueError(f"model data: {err}") from None
    if d.get("selection") != est.selection:
        raise ValueError("model data: selection differs from params.selection")
    arity = len(columns)
    programs = tuple(
        _read_program(p, arity, f"programs[{i}]") for i, p in enumerate(_list(d, "programs"))
    )
    classes: Sequence[Any] = _list(d, "classes")
    if kind == "classification":
        if len(classes) < 2 or len({repr(c) for c in classes}) != len(classes):
            raise ValueError("model data: classes must list at least 2 distinct labels")
        est.classes_ = np.asarray(classes)
    wanted = 1 if kind == "regression" or len(classes) == 2 else len(classes)
    if len(programs) != wanted:
        raise ValueError(f"model data: expected {wanted} programs, got {len(programs)}")
    named = d.get("feature_names", list(columns) != list(default_names(arity)))
    if not isinstance(named, bool):
        raise ValueError("model data: feature_names must be true or false")
    if named:
        est.feature_names_in_ = np.asarray(columns, dtype=object)
    est.n_features_in_ = arity
    est.program_ = programs if kind == "classification" else programs[0]
    multi = kind == "classification" and len(classes) > 2
    est.front_ = tuple(
        _read_entry(e, arity, tuple(columns), multi, classes, f"front[{i}]")
        for i, e in enumerate(_list(d, "front"))
    )
    est.target_name_ = target
    est.n_evaluations_ = _integer(d.get("n_evaluations", 0), "n_evaluations")
    est.fit_seconds_ = _number(d.get("fit_seconds", 0.0), "fit_seconds")
    return est


def _program(p: FittedProgram) -> dict[str, Any]:
    return {
        "structure": str(p.structure),
        "constants": [_finite(c, "a constant") for c in p.constants],
        "loss": _finite(p.loss, "a loss"),
        "complexity": p.complexity,
    }


def _entry(e: FrontEntry, multi: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "complexity": e.complexity,
        "loss": _finite(e.loss, "a loss"),
        "expression": e.expression,
        "structure": str(e.program.structure),
        "constants": [_finite(c, "a constant") for c in e.program.constants],
    }
    if multi:
        out["class"] = e.class_.item() if isinstance(e.class_, np.generic) else e.class_
    return out


def _read_program(data: object, arity: int, where: str) -> FittedProgram:
    d = _mapping(data, where)
    structure = d.get("structure")
    if not isinstance(structure, str):
        raise ValueError(f"model data: {where}.structure must be program text")
    constants = [_number(c, f"{where}.constants") for c in _list(d, "constants", where)]
    try:
        program = FittedProgram.from_text(structure, constants, arity)
    except ValueError as err:
        raise ValueError(f"model data: {where}: {_one_line(err)}") from None
    loss = _number(d.get("loss"), f"{where}.loss")
    complexity = _integer(d.get("complexity", program.complexity), f"{where}.complexity")
    return dataclasses.replace(program, loss=loss, complexity=complexity)


def _read_entry(
    data: object,
    arity: int,
    names: tuple[str, ...],
    multi: bool,
    classes: Sequence[Any],
    where: str,
) -> FrontEntry:
    d = _mapping(data, where)
    program = _read_program(d, arity, where)
    class_ = d.get("class") if multi else None
    if multi and class_ not in classes:
        raise ValueError(f"model data: {where}.class {class_!r} is not one of the classes")
    return FrontEntry(program.complexity, program.loss, program, names, class_)


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"model data: {what} must be a JSON object")
    return value


def _list(d: Mapping[str, Any], key: str, where: str = "") -> list[Any]:
    value = d.get(key)
    if not isinstance(value, list):
        raise ValueError(f"model data: {where + '.' if where else ''}{key} must be a list")
    return value


def _strings(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"model data: {what} must be a list of strings")
    return value


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"model data: {what} must be a finite number, got {value!r}")
    return float(value)


def _integer(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) < 0:
        raise ValueError(f"model data: {what} must be a non-negative integer, got {value!r}")
    return int(value)


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} of the model is {value}; JSON cannot hold it")
    return float(value)


def _one_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__
