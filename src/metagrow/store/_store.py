"""The persistent library and history: one SQLite file, one transaction per learner iteration.

Values go in as JSON text and plain columns, never pickles. The file runs in WAL mode with
``synchronous=FULL``, so an iteration whose commit returned survives the process being
killed, and an iteration being written when it dies simply never happened.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, final

from metagrow.store._guides import GuideRecord, guide_trainings, insert_guide, newest_guide
from metagrow.store._models import insert_model, model_names, select_model
from metagrow.store._modules import ModuleRecord, insert_module, select_modules
from metagrow.store._predictions import PredictionRecord, insert_predictions, newest_predictions
from metagrow.store._schema import (
    SCHEMA_VERSION,
    StoreError,
    connect,
    connect_read_only,
    one_line,
)
from metagrow.store._solutions import (
    SolutionRecord,
    StoredSolution,
    insert_solution,
    newest_solutions,
    solution_rows,
)


@final
@dataclass(frozen=True, slots=True)
class InventionRecord:
    """A library function learned by compression, with where it came from."""

    name: str
    source: str
    type: str
    log_weight: float
    iteration: int
    tasks: tuple[str, ...]
    uses: int = 0


@final
@dataclass(frozen=True, slots=True)
class IterationRecord:
    """One completed learner iteration: its JSON metrics and when it finished (ISO, UTC)."""

    run_id: int
    iteration: int
    metrics: Mapping[str, object]
    finished_at: str


@final
@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Everything needed to resume: the last completed iteration of a run (-1 if none)."""

    run_id: int
    iteration: int
    inventions: tuple[InventionRecord, ...]
    production_weights: Mapping[str, float]
    log_variable: float
    solutions: tuple[SolutionRecord, ...]
    budgets: Mapping[str, float]
    modules: tuple[ModuleRecord, ...] = ()
    """The trained modules in the library (those among the production weights)."""


_INVENTION_COLUMNS = "name, source, type, log_weight, created_iteration, tasks_json, uses"


@final
class Store:
    """A metagrow store file: runs, their per-iteration library snapshots and metrics,
    every solution found and its rewrites, each search's predictions for its task's test
    inputs, tasks seen and curriculum budgets; trained
    modules and fitted models by name.

    Opening creates the file (or migrates an older schema); every write is one transaction.
    With ``read_only`` the file must exist at this schema version and is never written
    (a write raises ``StoreError``), so it can be read while another process learns into it.
    """

    SCHEMA_VERSION: ClassVar[int] = SCHEMA_VERSION

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self._name = str(path)
        opener = connect_read_only if read_only else connect
        self._conn = opener(self.path, self._name)

    def close(self) -> None:
        """Close the file; further calls fail. Closing twice is harmless."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._name!r})"

    def start_run(self, domain: str, config: Mapping[str, object]) -> int:
        """Record a new run of ``domain`` with its JSON-serialisable ``config``; its id."""
        config_json = _to_json(config, "config")
        with self._transaction():
            cursor = self._conn.execute(
                "INSERT INTO runs (domain, config_json, started_at) VALUES (?, ?, ?)",
                (domain, config_json, _now()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def find_run(
        self, domain: str, config_key: Mapping[str, object], *, exact: bool = False
    ) -> int | None:
        """The newest run of ``domain`` whose config has every item of ``config_key`` (with
        ``exact``, no other item either), so that re-running the same command resumes it;
        ``None`` if there is none."""
        wanted = json.loads(_to_json(config_key, "config_key"))
        with self._errors():
            rows = self._conn.execute(
                "SELECT id, config_json FROM runs WHERE domain = ? ORDER BY id DESC", (domain,)
            ).fetchall()
        for run_id, config_json in rows:
            config = json.loads(config_json)
            if exact and config.keys() != wanted.keys():
                continue
            if all(key in config and config[key] == value for key, value in wanted.items()):
                return int(run_id)
        return None

    def runs(self) -> list[dict[str, object]]:
        """Every run, oldest first: ``id``, ``domain``, ``config``, ``started_at`` and
        ``iterations`` (how many completed)."""
        with self._errors():
            rows = self._conn.execute(
                "SELECT r.id, r.domain, r.config_json, r.started_at,"
                " (SELECT COUNT(*) FROM iterations i WHERE i.run_id = r.id)"
                " FROM runs r ORDER BY r.id"
            ).fetchall()
        return [
            {
                "id": run_id,
                "domain": domain,
                "config": json.loads(config_json),
                "started_at": started_at,
                "iterations": count,
            }
            for run_id, domain, config_json, started_at, count in rows
        ]

    def commit_iteration(
        self,
        run_id: int,
        iteration: int,
        *,
        metrics: Mapping[str, object],
        inventions: Sequence[InventionRecord],
        production_weights: Mapping[str, float],
        log_variable: float,
        solutions: Sequence[SolutionRecord],
        budgets: Mapping[str, float],
        tasks_seen: Sequence[str],
        guide: GuideRecord | None = None,
        modules: Sequence[ModuleRecord] = (),
        predictions: Sequence[PredictionRecord] = (),
    ) -> None:
        """Record a completed iteration in one transaction: it all lands or none of it does.

        Stores the metrics, the library snapshot (inventions in creation order, weights and
        ``log_variable``), appends ``solutions`` in order to the run's solutions (a rewrite
        points at the task's newest row, which may be one of this batch), records tasks
        first seen, and sets the given tasks' budgets (others keep theirs). Raises
        ``ValueError`` unless ``iteration`` is one past the run's last completed iteration,
        or for a rewrite of a task with no solution. A ``guide`` trained in the iteration
        lands with it, and so do the ``modules`` trained in it (``ValueError`` if a name
        is taken) and the ``predictions`` its searches made (``ValueError`` if one is not
        JSON, or a task has two).
        """
        metrics_json = _to_json(metrics, "metrics")
        names = [invention.name for invention in inventions]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"invention names must be unique, got {', '.join(duplicates)} twice")
        _check_numbers(log_variable, production_weights, inventions, solutions, budgets)
        predicted = [p.task for p in predictions]
        twice = sorted({task for task in predicted if predicted.count(task) > 1})
        if twice:
            raise ValueError(f"one prediction record per task, got {', '.join(twice)} twice")
        with self._transaction():
            last = self._last_iteration(run_id)
            if iteration != last + 1:
                raise ValueError(
                    f"run {run_id}: next iteration must be {last + 1}, got {iteration}"
                )
            self._conn.execute(
                "INSERT INTO iterations (run_id, iteration, metrics_json, log_variable,"
                " finished_at) VALUES (?, ?, ?, ?, ?)",
                (run_id, iteration, metrics_json, log_variable, _now()),
            )
            self._conn.executemany(
                f"INSERT INTO library (run_id, iteration, position, {_INVENTION_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (run_id, iteration, position, *_invention_row(invention))
                    for position, invention in enumerate(inventions)
                ],
            )
            self._conn.executemany(
                "INSERT INTO weights (run_id, iteration, name, log_weight) VALUES (?, ?, ?, ?)",
                [(run_id, iteration, name, w) for name, w in production_weights.items()],
            )
            for solution in solutions:
                insert_solution(self._conn, run_id, solution)
            self._conn.executemany(
                "INSERT OR IGNORE INTO tasks_seen (run_id, task, first_iteration) VALUES (?, ?, ?)",
                [(run_id, task, iteration) for task in tasks_seen],
            )
            self._conn.executemany(
                "INSERT INTO budgets (run_id, task, seconds) VALUES (?, ?, ?)"
                " ON CONFLICT (run_id, task) DO UPDATE SET seconds = excluded.seconds",
                [(run_id, task, seconds) for task, seconds in budgets.items()],
            )
            if guide is not None:
                insert_guide(self._conn, run_id, replace(guide, iteration=iteration))
            for module in modules:
                insert_module(self._conn, module, replace=False)
            for record in predictions:
                insert_predictions(self._conn, run_id, iteration, record)

    def checkpoint(self, run_id: int) -> Checkpoint:
        """The state after the run's last completed iteration, read in one snapshot; its
        solutions are each task's newest (the latest rewrite), by task name."""
        with self._transaction("BEGIN"):
            last = self._last_iteration(run_id)
            if last < 0:
                return Checkpoint(run_id, -1, (), {}, 0.0, (), {})
            (log_variable,) = self._conn.execute(
                "SELECT log_variable FROM iterations WHERE run_id = ? AND iteration = ?",
                (run_id, last),
            ).fetchone()
            weights = self._conn.execute(
                "SELECT name, log_weight FROM weights WHERE run_id = ? AND iteration = ?"
                " ORDER BY rowid",
                (run_id, last),
            ).fetchall()

            budgets = self._conn.execute(
                "SELECT task, seconds FROM budgets WHERE run_id = ? ORDER BY task", (run_id,)
            ).fetchall()
            return Checkpoint(
                run_id=run_id,
                iteration=last,
                inventions=tuple(self._library(run_id, last)),
                production_weights=dict(weights),
                log_variable=log_variable,
                solutions=tuple(newest_solutions(self._conn, run_id)),
                budgets=dict(budgets),
                modules=tuple(m for m in select_modules(self._conn) if m.name in dict(weights)),
            )

    def iterations(self, run_id: int | None = None) -> list[IterationRecord]:
        """Completed iterations in order: of one run, or of every run (by run, then number)."""
        query = "SELECT run_id, iteration, metrics_json, finished_at FROM iterations"
        with self._errors():
            if run_id is None:
                rows = self._conn.execute(f"{query} ORDER BY run_id, iteration").fetchall()
            else:
                self._require_run(run_id)
                rows = self._conn.execute(
                    f"{query} WHERE run_id = ? ORDER BY iteration", (run_id,)
                ).fetchall()
        return [IterationRecord(r, i, json.loads(m), f) for r, i, m, f in rows]

    def inventions(self, run_id: int | None = None) -> list[InventionRecord]:
        """The library after the last completed iteration of ``run_id`` (the newest run if
        ``None``), in creation order; empty if there is no such iteration."""
        with self._transaction("BEGIN"):
            chosen = self._newest_run() if run_id is None else run_id
            if chosen is None:
                return []
            last = self._last_iteration(chosen)
            return self._library(chosen, last) if last >= 0 else []

    def library_history(self, run_id: int | None = None) -> list[tuple[int, InventionRecord]]:
        """Each invention of ``run_id`` (the newest run if ``None``) as it was when first
        added, with the iteration that added it, oldest first. An invention is its name and
        source: a name reused for a different program counts as a new one."""
        with self._errors():
            chosen = self._newest_run() if run_id is None else run_id
            if chosen is None:
                return []
            self._require_run(chosen)
            rows = self._conn.execute(
                f"SELECT iteration, {_INVENTION_COLUMNS} FROM library WHERE run_id = ?"
                " ORDER BY iteration, position",
                (chosen,),
            ).fetchall()
        history: list[tuple[int, InventionRecord]] = []
        seen: set[tuple[str, str]] = set()
        for iteration, *columns in rows:
            invention = _invention(columns)
            if (invention.name, invention.source) not in seen:
                seen.add((invention.name, invention.source))
                history.append((iteration, invention))
        return history

    def solution_history(self, run_id: int, task: str | None = None) -> list[StoredSolution]:
        """Every solution ``run_id`` stored (for ``task`` only, if given), in the order
        stored: each program found, then its rewrites, each pointing at the one before."""
        with self._errors():
            self._require_run(run_id)
            return solution_rows(self._conn, run_id, task)

    def predictions(self, run_id: int, task: str | None = None) -> dict[str, PredictionRecord]:
        """What the newest search of each task of ``run_id`` (of ``task`` only, if given)
        predicted for its test inputs, by task; tasks never predicted are absent."""
        with self._errors():
            self._require_run(run_id)
            return newest_predictions(self._conn, run_id, task)

    def tasks_seen(self, run_id: int) -> dict[str, int]:
        """Every task the run has seen, with the iteration that first saw it."""
        with self._errors():
            self._require_run(run_id)
            rows = self._conn.execute(
                "SELECT task, first_iteration FROM tasks_seen WHERE run_id = ?"
                " ORDER BY first_iteration, task",
                (run_id,),
            ).fetchall()
        return dict(rows)

    def put_guide(self, run_id: int, guide: GuideRecord) -> None:
        """Store ``guide`` for a completed iteration of ``run_id`` (replacing one there)."""
        with self._transaction():
            if not 0 <= guide.iteration <= self._last_iteration(run_id):
                raise ValueError(f"run {run_id} has no completed iteration {guide.iteration}")
            insert_guide(self._conn, run_id, guide)

    def guide(self, run_id: int) -> GuideRecord | None:
        """The newest guide of ``run_id``, or ``None`` if it has none."""
        with self._errors():
            self._require_run(run_id)
            return newest_guide(self._conn, run_id)

    def guide_trainings(self, run_id: int) -> list[tuple[int, dict[str, object]]]:
        """The training record of each guide ``run_id`` stored, with its iteration, oldest
        first: how the guide's training went from iteration to iteration."""
        with self._errors():
            self._require_run(run_id)
            return guide_trainings(self._conn, run_id)

    def put_module(self, record: ModuleRecord, *, replace: bool = False) -> None:
        """Store a trained module in one transaction; ``ValueError`` if its name is taken
        (unless ``replace``)."""
        with self._transaction():
            insert_module(self._conn, record, replace)

    def modules(self) -> list[ModuleRecord]:
        """Every stored module, in the order they were first stored."""
        with self._errors():
            return select_modules(self._conn)

    def module(self, name: str) -> ModuleRecord | None:
        """The module called ``name``, or ``None``."""
        with self._errors():
            found = select_modules(self._conn, name)
        return found[0] if found else None

    def save_model(self, name: str, data: Mapping[str, Any], *, replace: bool = False) -> None:
        """Store a fitted model's JSON-able dict (it needs a ``kind``) as ``name`` in one
        transaction; ``ValueError`` if the name is taken (unless ``replace``)."""
        with self._transaction():
            insert_model(self._conn, name, data, replace, _now())

    def model(self, name: str) -> dict[str, Any] | None:
        """The dict of the model called ``name``, or ``None``."""
        with self._errors():
            return select_model(self._conn, name)

    def models(self) -> list[str]:
        """The names of the stored models, in alphabetical order."""
        with self._errors():
            return model_names(self._conn)

    def _library(self, run_id: int, iteration: int) -> list[InventionRecord]:
        rows = self._conn.execute(
            f"SELECT {_INVENTION_COLUMNS} FROM library WHERE run_id = ? AND iteration = ?"
            " ORDER BY position",
            (run_id, iteration),
        ).fetchall()
        return [_invention(row) for row in rows]

    def _last_iteration(self, run_id: int) -> int:
        self._require_run(run_id)
        (last,) = self._conn.execute(
            "SELECT COALESCE(MAX(iteration), -1) FROM iterations WHERE run_id = ?", (run_id,)
        ).fetchone()
        return int(last)

    def _newest_run(self) -> int | None:
        (newest,) = self._conn.execute("SELECT MAX(id) FROM runs").fetchone()
        return None if newest is None else int(newest)

    def _require_run(self, run_id: int) -> None:
        if self._conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
            raise StoreError(f"{self._name}: no run {run_id}; list the runs with Store.runs()")

    @contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
        """One transaction: committed if the block returns, rolled back if it raises.
        ``BEGIN IMMEDIATE`` takes the write lock up front so a commit cannot fail halfway
        on a concurrent writer; a plain ``BEGIN`` gives readers one consistent snapshot."""
        with self._errors():
            self._conn.execute(begin)
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite failures (disk full, locked, corrupted) as a one-line ``StoreError``."""
        try:
            yield
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.Error as err:
            raise StoreError(f"{self._name}: {one_line(err)}") from None


def _invention_row(invention: InventionRecord) -> tuple[object, ...]:
    return (
        invention.name,
        invention.source,
        invention.type,
        invention.log_weight,
        invention.iteration,
        json.dumps(list(invention.tasks)),
        invention.uses,
    )


def _invention(row: Sequence[Any]) -> InventionRecord:
    name, source, type_, log_weight, created, tasks_json, uses = row
    return InventionRecord(
        name, source, type_, log_weight, created, tuple(json.loads(tasks_json)), uses
    )


def _check_numbers(
    log_variable: float,
    weights: Mapping[str, float],
    inventions: Sequence[InventionRecord],
    solutions: Sequence[SolutionRecord],
    budgets: Mapping[str, float],
) -> None:
    """SQLite stores NaN as NULL, so reject it up front with a message naming the value."""
    named: list[tuple[str, float]] = [("log_variable", log_variable)]
    named += [(f"production weight {k!r}", w) for k, w in weights.items()]
    named += [(f"invention {i.name!r} log_weight", i.log_weight) for i in inventions]
    named += [(f"solution for {s.task!r} log_prior", s.log_prior) for s in solutions]
    named += [(f"solution for {s.task!r} seconds", s.seconds) for s in solutions]
    named += [(f"budget for {k!r}", b) for k, b in budgets.items()]
    for what, value in named:
        if math.isnan(value):
            raise ValueError(f"{what} is NaN; store a number (or -inf for impossible)")


def _to_json(value: Mapping[str, object], what: str) -> str:
    try:
        return json.dumps(dict(value), sort_keys=True)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must be JSON-serialisable: {err}") from None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
