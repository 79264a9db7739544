"""The ``solutions`` table: every program a run stored for a task, in the order stored. A
program found by search is one row; each rewrite of it by a later compression is another,
pointing at the row it rewrites, so a task's newest row is the program to resume from."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from typing import Any, final


@final
@dataclass(frozen=True, slots=True)
class SolutionRecord:
    """A program for a task: its log-prior (nats, under the library it was found or
    rewritten with), the search that found it (seconds, programs tried), and the iteration
    that stored it. A ``rewrite`` is the task's previous program rewritten by compression
    with new inventions; it keeps the search figures of the program it rewrites."""

    task: str
    program: str
    log_prior: float
    seconds: float
    programs_tried: int
    iteration: int
    rewrite: bool = False


@final
@dataclass(frozen=True, slots=True)
class StoredSolution:
    """A stored solution row: its id, the record, and the id of the row it rewrites
    (``None`` for a program found by search)."""

    id: int
    record: SolutionRecord
    rewrite_of: int | None


_COLUMNS = "task, program, log_prior, seconds, programs_tried, iteration"


def insert_solution(conn: sqlite3.Connection, run_id: int, solution: SolutionRecord) -> None:
    """Append ``solution`` to ``run_id``'s rows (a rewrite pointing at the task's newest
    row); the caller holds the transaction. ``ValueError`` for a rewrite of a task that
    has no row."""
    rewrite_of = None
    if solution.rewrite:
        (newest,) = conn.execute(
            "SELECT MAX(id) FROM solutions WHERE run_id = ? AND task = ?",
            (run_id, solution.task),
        ).fetchone()
        if newest is None:
            raise ValueError(f"a rewrite for {solution.task!r}, which has no solution")
        rewrite_of = int(newest)
    conn.execute(
        f"INSERT INTO solutions (run_id, rewrite_of, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (run_id, rewrite_of, *astuple(solution)[:6]),
    )


def newest_solutions(conn: sqlite3.Connection, run_id: int) -> list[SolutionRecord]:
    """Each task's newest row (its latest rewrite), by task name."""
    rows = conn.execute(
        f"SELECT rewrite_of, {_COLUMNS} FROM solutions WHERE id IN"
        " (SELECT MAX(id) FROM solutions WHERE run_id = ? GROUP BY task) ORDER BY task",
        (run_id,),
    ).fetchall()
    return [_record(row) for row in rows]


def solution_rows(
    conn: sqlite3.Connection, run_id: int, task: str | None = None
) -> list[StoredSolution]:
    """Every row of ``run_id`` (of ``task`` only, if given), in the order stored."""
    query = f"SELECT id, rewrite_of, {_COLUMNS} FROM solutions WHERE run_id = ?"
    if task is None:
        rows = conn.execute(f"{query} ORDER BY id", (run_id,)).fetchall()
    else:
        rows = conn.execute(f"{query} AND task = ? ORDER BY id", (run_id, task)).fetchall()
    return [StoredSolution(row[0], _record(row[1:]), row[1]) for row in rows]


def _record(row: Sequence[Any]) -> SolutionRecord:
    """A record from a row ``rewrite_of, task, program, ...`` (``_COLUMNS``)."""
    rewrite_of, task, program, log_prior, seconds, programs_tried, iteration = row
    return SolutionRecord(
        task, program, log_prior, seconds, programs_tried, iteration, rewrite_of is not None
    )
