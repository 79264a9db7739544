"""The ``guides`` table: per run and iteration, a trained guide's architecture (JSON), its
weights (safetensors bytes, stored as a BLOB; the store never loads them) and its training
record (JSON)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import final


@final
@dataclass(frozen=True)
class GuideRecord:
    """A guide as stored: the iteration that trained it and its three parts."""

    iteration: int
    architecture: Mapping[str, object]
    weights: bytes = field(repr=False)
    training: Mapping[str, object]


def insert_guide(conn: sqlite3.Connection, run_id: int, guide: GuideRecord) -> None:
    """Write ``guide`` for ``run_id`` (replacing one of the same iteration); the caller
    holds the transaction, and the iteration must already be recorded."""
    try:
        architecture = json.dumps(dict(guide.architecture), sort_keys=True)
        training = json.dumps(dict(guide.training), sort_keys=True)
    except (TypeError, ValueError) as err:
        raise ValueError(f"guide architecture and training must be JSON: {err}") from None
    conn.execute(
        "INSERT OR REPLACE INTO guides (run_id, iteration, architecture_json, weights,"
        " training_json) VALUES (?, ?, ?, ?, ?)",
        (run_id, guide.iteration, architecture, bytes(guide.weights), training),
    )


def newest_guide(conn: sqlite3.Connection, run_id: int) -> GuideRecord | None:
    """The guide of ``run_id``'s latest iteration that has one, or ``None``."""
    row = conn.execute(
        "SELECT iteration, architecture_json, weights, training_json FROM guides"
        " WHERE run_id = ? ORDER BY iteration DESC LIMIT 1",
        (run_id,),
    ).fetchone()
    if row is None:
        return None
    iteration, architecture, weights, training = row
    return GuideRecord(iteration, json.loads(architecture), bytes(weights), json.loads(training))


def guide_trainings(conn: sqlite3.Connection, run_id: int) -> list[tuple[int, dict[str, object]]]:
    """Each stored guide's training record of ``run_id`` with its iteration, oldest first
    (the weights are not read)."""
    rows = conn.execute(
        "SELECT iteration, training_json FROM guides WHERE run_id = ? ORDER BY iteration",
        (run_id,),
    ).fetchall()
    return [(int(iteration), json.loads(training)) for iteration, training in rows]
