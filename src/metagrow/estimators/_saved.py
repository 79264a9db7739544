"""Fitted models by their JSON form: the estimator a dict describes, and models saved in
and loaded from a :class:`~metagrow.store.Store` by name (no pickles)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metagrow.estimators._classifier import ProgramClassifier
from metagrow.estimators._regressor import ProgramRegressor
from metagrow.estimators._serial import KINDS
from metagrow.store import Store

ProgramModel = ProgramRegressor | ProgramClassifier


def model_from_dict(data: Mapping[str, Any]) -> ProgramModel:
    """The fitted estimator that ``data`` (from ``to_dict``) describes, a regressor or a
    classifier by its ``kind``; ``ValueError`` in one line for anything else."""
    if not isinstance(data, Mapping):
        raise ValueError("model data: must be a JSON object")
    kind = data.get("kind")
    if kind == "regression":
        return ProgramRegressor.from_dict(data)
    if kind == "classification":
        return ProgramClassifier.from_dict(data)
    raise ValueError(f"model data: kind must be one of {', '.join(KINDS)}, got {kind!r}")


def save_model(store: Store, name: str, estimator: ProgramModel, *, replace: bool = False) -> None:
    """Save the fitted ``estimator`` in ``store`` as ``name`` (``ValueError`` if taken,
    unless ``replace``)."""
    store.save_model(name, estimator.to_dict(), replace=replace)


def load_model(store: Store, name: str) -> ProgramModel:
    """The model saved as ``name``; ``ValueError`` (one line, naming the saved ones) if
    there is none or its data is not a model."""
    data = store.model(name)
    if data is None:
        saved = ", ".join(store.models()) or "none"
        raise ValueError(f"no model named {name!r} in {store.path}; saved: {saved}")
    return model_from_dict(data)
