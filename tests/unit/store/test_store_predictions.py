"""Schema v5: each search's attempts for its task's test inputs round-trip through the
store, the newest iteration's per task; a version 4 file upgrades on opening for writing
and keeps its rows, and a reader refuses it until then."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from metagrow.store import PredictionRecord, SolutionRecord, Store, StoreError
from metagrow.store._schema import MIGRATIONS, SCHEMA_VERSION, migrate

GRID_A = [[1, 2], [3, 4]]
GRID_B = [[1, 2], [3, 0]]


def commit(db: Store, run: int, iteration: int, *predictions: PredictionRecord) -> None:
    db.commit_iteration(
        run, iteration, metrics={}, inventions=[], production_weights={}, log_variable=0.0,
        solutions=[], budgets={}, tasks_seen=[p.task for p in predictions],
        predictions=predictions,
    )  # fmt: skip


def test_attempts_round_trip_and_the_newest_iteration_s_are_read(tmp_path: Path) -> None:
    with Store(tmp_path / "p.db") as db:
        run = db.start_run("grids", {})
        other = db.start_run("grids", {"x": 1})
        first = PredictionRecord("t1", ((GRID_A, GRID_B), (None,), ()))
        commit(db, run, 0, first, PredictionRecord("t2", ((7,),)))
        commit(db, run, 1, PredictionRecord("t1", ((GRID_B,), (GRID_A,), (GRID_A,))))
        got = db.predictions(run)
        assert sorted(got) == ["t1", "t2"]
        assert got["t1"] == PredictionRecord("t1", ((GRID_B,), (GRID_A,), (GRID_A,)), 1)
        assert got["t2"] == PredictionRecord("t2", ((7,),), 0)
        assert db.predictions(run, "t2") == {"t2": got["t2"]}
        assert db.predictions(run, "t3") == {} and db.predictions(other) == {}
        rows = db._conn.execute(  # the first iteration's rows are kept, in JSON text
            "SELECT test_index, attempt, value_json FROM predictions WHERE iteration = 0"
            " AND task = 't1' ORDER BY test_index, attempt"
        ).fetchall()
        assert rows == [(0, 0, "[[1,2],[3,4]]"), (0, 1, "[[1,2],[3,0]]"), (1, 0, "null")]


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ((PredictionRecord("t", ((math.nan,),)),), "'t' test 0 attempt 1 is not JSON"),
        ((PredictionRecord("t", ((), (object(),))),), "'t' test 1 attempt 1 is not JSON"),
        ((PredictionRecord("t", ()), PredictionRecord("t", ())), "t twice"),
    ],
)
def test_bad_predictions_refuse_the_whole_iteration(
    tmp_path: Path, records: tuple[PredictionRecord, ...], message: str
) -> None:
    with Store(tmp_path / "p.db") as db:
        run = db.start_run("lists", {})
        with pytest.raises(ValueError, match=message):
            commit(db, run, 0, *records)
        assert db.iterations(run) == [] and db.predictions(run) == {}


def test_a_version_4_file_upgrades_keeps_its_rows_and_readers_wait_for_it(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, MIGRATIONS[:4]) == 0  # a version 4 file with a run's rows
    conn.execute("INSERT INTO runs VALUES (1, 'lists', '{}', 'then')")
    conn.execute("INSERT INTO iterations VALUES (1, 0, '{\"solved\": 1}', 0.0, 'then')")
    conn.execute(
        "INSERT INTO solutions (run_id, task, program, log_prior, seconds, programs_tried,"
        " iteration) VALUES (1, 'inc', '(lam $0)', -1.5, 0.25, 9, 0)"
    )
    conn.close()
    run = 1
    with pytest.raises(StoreError, match=r"v4.db: is at schema version 4, older than 5; open"):
        Store(path, read_only=True)

    with Store(path) as db:
        assert [h.record for h in db.solution_history(run)] == [
            SolutionRecord("inc", "(lam $0)", -1.5, 0.25, 9, 0)
        ]
        assert [i.metrics for i in db.iterations(run)] == [{"solved": 1}]
        assert db.predictions(run) == {}
        commit(db, run, 1, PredictionRecord("inc", (([1, 2],),)))
    with Store(path, read_only=True) as reader:
        assert reader.predictions(run)["inc"].attempts == (([1, 2],),)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
