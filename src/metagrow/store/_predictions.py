"""The ``predictions`` table of schema v5: what a search predicted for a task's test
inputs in an iteration, solved or not, one row per attempt (as JSON text)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import final


@final
@dataclass(frozen=True, slots=True)
class PredictionRecord:
    """A search's attempts for a task's test inputs: ``attempts[i]`` are test input
    ``i``'s, best first, each a value in its domain's JSON encoding (``None`` where every
    program failed on that input). ``iteration`` is the one that searched (set when the
    iteration is committed)."""

    task: str
    attempts: tuple[tuple[object, ...], ...]
    iteration: int = 0


def insert_predictions(
    conn: sqlite3.Connection, run_id: int, iteration: int, record: PredictionRecord
) -> None:
    """Write ``record``'s attempts as ``iteration``'s; ``ValueError`` if an attempt is not
    JSON. Runs inside the caller's transaction."""
    rows = []
    for index, attempts in enumerate(record.attempts):
        for attempt, value in enumerate(attempts):
            try:
                text = json.dumps(value, allow_nan=False, separators=(",", ":"))
            except (TypeError, ValueError) as err:
                raise ValueError(
                    f"prediction for {record.task!r} test {index} attempt {attempt + 1}"
                    f" is not JSON: {err}"
                ) from None
            rows.append((run_id, record.task, iteration, index, attempt, text))
    conn.executemany(
        "INSERT INTO predictions (run_id, task, iteration, test_index, attempt, value_json)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def newest_predictions(
    conn: sqlite3.Connection, run_id: int, task: str | None = None
) -> dict[str, PredictionRecord]:
    """Each task's (or ``task``'s) attempts from the newest iteration that predicted it."""
    query = (
        "SELECT p.task, p.iteration, p.test_index, p.value_json FROM predictions p"
        " JOIN (SELECT task, MAX(iteration) AS newest FROM predictions WHERE run_id = ?"
        "{only} GROUP BY task) n ON p.task = n.task AND p.iteration = n.newest"
        " WHERE p.run_id = ? ORDER BY p.task, p.test_index, p.attempt"
    )
    if task is None:
        rows = conn.execute(query.format(only=""), (run_id, run_id)).fetchall()
    else:
        rows = conn.execute(query.format(only=" AND task = ?"), (run_id, task, run_id)).fetchall()
    found: dict[str, tuple[int, list[list[object]]]] = {}
    for name, iteration, index, text in rows:
        _, inputs = found.setdefault(name, (iteration, []))
        while len(inputs) <= index:
            inputs.append([])
        inputs[index].append(json.loads(text))
    return {
        name: PredictionRecord(name, tuple(tuple(a) for a in inputs), iteration)
        for name, (iteration, inputs) in found.items()
    }
