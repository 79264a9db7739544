"""Trained modules in the store: the ``modules`` table of schema v1.

Weights are safetensors bytes and the rest is JSON text, so the store needs no torch
and holds no pickles.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, final


@final
@dataclass(frozen=True, slots=True)
class ModuleRecord:
    """A trained module: its name, type (as text), architecture, safetensors weights,
    how it was trained (epochs, losses, accuracy) and where it came from (task, parent
    module, seed)."""

    name: str
    type: str
    architecture: Mapping[str, object]
    weights: bytes
    training: Mapping[str, object]
    provenance: Mapping[str, object]

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a module needs a name")
        if not isinstance(self.weights, bytes) or not self.weights:
            raise ValueError(f"module {self.name!r}: weights must be non-empty safetensors bytes")


_COLUMNS = "name, type, architecture_json, weights, training_json, provenance_json"


def _json(value: Mapping[str, object], what: str, name: str) -> str:
    try:
        return json.dumps(dict(value), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"module {name!r}: {what} must be JSON-serialisable: {err}") from None


def insert_module(conn: sqlite3.Connection, record: ModuleRecord, replace: bool) -> None:
    """Write ``record``; ``ValueError`` if the name is taken and ``replace`` is false.
    Runs inside the caller's transaction."""
    row = (
        record.name,
        record.type,
        _json(record.architecture, "architecture", record.name),
        record.weights,
        _json(record.training, "training", record.name),
        _json(record.provenance, "provenance", record.name),
    )
    taken = conn.execute("SELECT 1 FROM modules WHERE name = ?", (record.name,)).fetchone()
    if taken and not replace:
        raise ValueError(f"a module named {record.name!r} is already stored; pass replace=True")
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    conn.execute(f"{verb} INTO modules ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", row)


def select_modules(conn: sqlite3.Connection, name: str | None = None) -> list[ModuleRecord]:
    """Every stored module in the order they were first stored, or the one named."""
    if name is None:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM modules ORDER BY rowid").fetchall()
    else:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM modules WHERE name = ?", (name,)).fetchall()
    return [_record(row) for row in rows]


def _record(row: Sequence[Any]) -> ModuleRecord:
    name, type_, architecture, weights, training, provenance = row
    return ModuleRecord(
        name, type_, json.loads(architecture), bytes(weights), json.loads(training),
        json.loads(provenance),
    )  # fmt: skip
