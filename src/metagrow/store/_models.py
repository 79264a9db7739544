"""Fitted models in the store: the ``models`` table of schema v4, one row per name with
the model's kind and its JSON form (``metagrow-model``, as the estimators write it)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any


def insert_model(
    conn: sqlite3.Connection, name: str, data: Mapping[str, Any], replace: bool, now: str
) -> None:
    """Write the model ``data`` as ``name``; ``ValueError`` if the name is taken and
    ``replace`` is false, or if ``data`` has no kind or is not JSON. Runs inside the
    caller's transaction."""
    if not name:
        raise ValueError("a model needs a name")
    kind = data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise ValueError(f"model {name!r}: data must have a 'kind' string")
    try:
        text = json.dumps(dict(data), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"model {name!r}: data must be JSON-serialisable: {err}") from None
    taken = conn.execute("SELECT 1 FROM models WHERE name = ?", (name,)).fetchone()
    if taken and not replace:
        raise ValueError(f"a model named {name!r} is already stored; pass replace=True")
    conn.execute(
        "INSERT INTO models (name, kind, data_json, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,"
        " data_json = excluded.data_json, created_at = excluded.created_at",
        (name, kind, text, now),
    )


def select_model(conn: sqlite3.Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT data_json FROM models WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    data: dict[str, Any] = json.loads(row[0])
    return data


def model_names(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT name FROM models ORDER BY name")]
