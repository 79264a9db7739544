"""The store keeps runs, libraries and solutions in one SQLite file that survives SIGKILL.

Every test uses a real file under ``tmp_path``; the crash tests kill a real child process.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from metagrow.store import (
    Checkpoint,
    InventionRecord,
    SolutionRecord,
    Store,
    StoreError,
)
from metagrow.store._schema import MIGRATIONS, SCHEMA_VERSION, migrate

SRC = Path(__file__).resolve().parents[3] / "src"


def invention(name: str, iteration: int = 0, **changes: object) -> InventionRecord:
    fields: dict[str, object] = {
        "name": name,
        "source": f"(lam (map (lam (+ $0 {name[1:]})) $0))",
        "type": "list(int) -> list(int)",
        "log_weight": -1.5,
        "iteration": iteration,
        "tasks": ("add-1", "add-2"),
        "uses": 2,
    }
    fields.update(changes)
    return InventionRecord(**fields)  # type: ignore[arg-type]


def solution(task: str, log_prior: float, iteration: int = 0) -> SolutionRecord:
    return SolutionRecord(task, f"(lam ({task} $0))", log_prior, 0.25, 1234, iteration)


def commit(store: Store, run: int, iteration: int, **changes: object) -> None:
    """Commit an iteration with small defaults, overridden by ``changes``."""
    fields: dict[str, object] = {
        "metrics": {"solved": iteration, "tasks": 3, "new_inventions": []},
        "inventions": [],
        "production_weights": {"map": -0.5, "+": -1.0},
        "log_variable": -0.25,
        "solutions": [],
        "budgets": {},
        "tasks_seen": [],
    }
    fields.update(changes)
    store.commit_iteration(run, iteration, **fields)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "metagrow.db"


# -- round trips -------------------------------------------------------------------------------


def test_a_new_store_has_the_current_schema_in_wal_mode(db: Path) -> None:
    with Store(db) as store:
        assert store.path == db
        assert store.runs() == []
        assert store.iterations() == []
        assert store.inventions() == []
        assert store.library_history() == []
    conn = sqlite3.connect(db)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "iterations", "library", "weights", "solutions", "tasks_seen"} <= tables
    assert {"budgets", "modules", "schema_version"} <= tables
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [
        (Store.SCHEMA_VERSION,)
    ]
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_every_record_kind_round_trips(db: Path) -> None:
    f1, f2 = invention("f1"), invention("f2", tasks=(), uses=0, log_weight=-math.inf)
    metrics = {"solved": 2, "tasks": 3, "seconds": 1.5, "new_inventions": ["f1", "f2"]}
    with Store(db) as store:
        run = store.start_run("lists", {"engine": "topdown", "budget": 2.0, "tasks": ["a", "b"]})
        commit(
            store,
            run,
            0,
            metrics=metrics,
            inventions=[f1, f2],
            production_weights={"map": -0.5, "f1": -1.5, "f2": -2.0},
            log_variable=-0.75,
            solutions=[solution("add-1", -3.0), solution("add-2", -4.0)],
            budgets={"sort": 4.0, "add-1": 1.0},
            tasks_seen=["add-1", "add-2", "sort"],
        )
        checkpoint = store.checkpoint(run)
        assert checkpoint == Checkpoint(
            run_id=run,
            iteration=0,
            inventions=(f1, f2),
            production_weights={"map": -0.5, "f1": -1.5, "f2": -2.0},
            log_variable=-0.75,
            solutions=(solution("add-1", -3.0), solution("add-2", -4.0)),
            budgets={"add-1": 1.0, "sort": 4.0},
        )
        [record] = store.iterations(run)
        assert (record.run_id, record.iteration, record.metrics) == (run, 0, metrics)
        assert record.finished_at.endswith("+00:00")
        assert store.inventions(run) == store.inventions() == [f1, f2]
        assert store.library_history(run) == [(0, f1), (0, f2)]
        assert store.tasks_seen(run) == {"add-1": 0, "add-2": 0, "sort": 0}
        [info] = store.runs()
        assert info["id"] == run and info["domain"] == "lists" and info["iterations"] == 1
        assert info["config"] == {"engine": "topdown", "budget": 2.0, "tasks": ["a", "b"]}
        assert isinstance(info["started_at"], str)


def test_checkpoint_after_zero_one_and_two_iterations(db: Path) -> None:
    with Store(db) as store:
        run = store.start_run("lists", {})
        assert store.checkpoint(run) == Checkpoint(run, -1, (), {}, 0.0, (), {})
        commit(store, run, 0, inventions=[invention("f1")], solutions=[solution("a", -5.0)])
        first = store.checkpoint(run)
        assert first.iteration == 0 and first.inventions == (invention("f1"),)
        library = [invention("f1", uses=5), invention("f2", iteration=1)]
        commit(
            store,
            run,
            1,
            inventions=library,
            production_weights={"map": -0.1},
            log_variable=-2.0,
            solutions=[solution("b", -6.0, 1)],
            budgets={"c": 8.0},
        )
        second = store.checkpoint(run)
        assert second.iteration == 1
        assert second.inventions == tuple(library)
        assert second.production_weights == {"map": -0.1}
        assert second.log_variable == -2.0
        assert second.solutions == (solution("a", -5.0), solution("b", -6.0, 1))
        assert second.budgets == {"c": 8.0}
        assert [r.iteration for r in store.iterations(run)] == [0, 1]
        assert store.library_history(run) == [(0, invention("f1")), (1, invention("f2", 1))]


def rewrite(task: str, log_prior: float, iteration: int) -> SolutionRecord:
    return SolutionRecord(task, f"(lam (f{iteration} $0))", log_prior, 0.25, 1234, iteration, True)


def test_every_solution_and_rewrite_is_kept_and_the_newest_is_resumed_from(db: Path) -> None:
    with Store(db) as store:
        run = store.start_run("lists", {})
        commit(store, run, 0, solutions=[solution("a", -5.0), solution("b", -6.0)])
        first = rewrite("a", -3.0, 1)
        commit(store, run, 1, solutions=[first, solution("c", -7.0, 1), rewrite("c", -2.0, 1)])
        second = rewrite("a", -1.5, 2)
        commit(store, run, 2, solutions=[second])
        assert store.checkpoint(run).solutions == (
            second,
            solution("b", -6.0),
            rewrite("c", -2.0, 1),
        )
        history = store.solution_history(run, "a")
        assert [h.record for h in history] == [solution("a", -5.0), first, second]
        assert [h.rewrite_of for h in history] == [None, history[0].id, history[1].id]
        c = store.solution_history(run, "c")
        assert c[1].rewrite_of == c[0].id  # a rewrite of a row of the same commit
        assert [h.record.task for h in store.solution_history(run)] == [
            "a",
            "b",
            "a",
            "c",
            "c",
            "a",
        ]


def test_a_rewrite_of_a_task_without_a_solution_writes_nothing(db: Path) -> None:
    with Store(db) as store:
        run = store.start_run("lists", {})
        with pytest.raises(ValueError, match="'a', which has no solution"):
            commit(store, run, 0, solutions=[solution("b", -1.0), rewrite("a", -1.0, 0)])
        assert store.checkpoint(run).iteration == -1
        assert store.solution_history(run) == []


def test_iterations_must_be_consecutive_and_a_refused_commit_writes_nothing(db: Path) -> None:
    with Store(db) as store:
        run = store.start_run("lists", {})
        with pytest.raises(ValueError, match="next iteration must be 0, got 1"):
            commit(store, run, 1, solutions=[solution("a", -1.0)])
        commit(store, run, 0)
        for wrong in (0, 2, -1):
            with pytest.raises(ValueError, match=f"must be 1, got {wrong}"):
                commit(store, run, wrong, tasks_seen=["x"], budgets={"x": 1.0})
        assert store.checkpoint(run) == Checkpoint(
            run, 0, (), {"map": -0.5, "+": -1.0}, -0.25, (), {}
        )
        assert store.tasks_seen(run) == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"metrics": {"when": object()}}, "metrics must be JSON-serialisable"),
        ({"log_variable": math.nan}, "log_variable is NaN"),
        ({"solutions": [solution("a", math.nan)]}, "solution for 'a' log_prior is NaN"),
        ({"inventions": [invention("f1"), invention("f1")]}, "must be unique, got f1"),
    ],
)
def test_bad_values_are_refused_before_writing(
    db: Path, changes: dict[str, object], message: str
) -> None:
    with Store(db) as store:
        run = store.start_run("lists", {})
        with pytest.raises(ValueError, match=message):
            commit(store, run, 0, **changes)
        assert store.iterations() == []
        with pytest.raises(ValueError, match="config must be JSON-serialisable"):
            store.start_run("lists", {"path": Path("x")})


def test_unknown_runs_are_a_store_error(db: Path) -> None:
    with Store(db) as store:
        for read in (store.checkpoint, store.iterations, store.inventions, store.tasks_seen):
            with pytest.raises(StoreError, match="no run 7"):
                read(7)
        with pytest.raises(StoreError, match="no run 7"):
            commit(store, 7, 0)


def test_find_run_matches_config_subsets_and_prefers_the_newest(db: Path) -> None:
    with Store(db) as store:
        old = store.start_run("lists", {"engine": "topdown", "tasks": ["a", "b"], "seed": 0})
        new = store.start_run("lists", {"engine": "topdown", "tasks": ["a", "b"], "seed": 1})
        other = store.start_run("grids", {"engine": "topdown"})
        assert store.find_run("lists", {"engine": "topdown"}) == new
        assert store.find_run("lists", {}) == new
        assert store.find_run("lists", {"seed": 0}) == old
        assert store.find_run("lists", {"tasks": ("a", "b"), "seed": 0}) == old
        assert store.find_run("grids", {}) == other
        assert store.find_run("lists", {"seed": 2}) is None
        assert store.find_run("lists", {"missing": None}) is None
        assert store.find_run("strings", {}) is None
        key = {"engine": "topdown", "tasks": ["a", "b"], "seed": 0}
        assert store.find_run("lists", key, exact=True) == old
        assert store.find_run("lists", {"engine": "topdown"}, exact=True) is None
        assert store.find_run("grids", {"engine": "topdown"}, exact=True) == other


def test_a_reopened_store_sees_everything_and_runs_are_independent(db: Path) -> None:
    with Store(db) as store:
        first = store.start_run("lists", {"seed": 0})
        second = store.start_run("lists", {"seed": 1})
        commit(store, first, 0, inventions=[invention("f1")], solutions=[solution("a", -1.0)])
        commit(store, first, 1, inventions=[invention("f1"), invention("f2", 1)])
        commit(store, second, 0, inventions=[invention("f9")], budgets={"a": 3.0})
        before = (store.checkpoint(first), store.checkpoint(second), store.iterations())
        runs = store.runs()
    with Store(db) as store:
        assert (store.checkpoint(first), store.checkpoint(second), store.iterations()) == before
        assert store.runs() == runs
        assert store.checkpoint(second).solutions == ()
        assert store.checkpoint(first).budgets == {}
        assert store.inventions() == [invention("f9")]
        assert [i.name for i in store.inventions(first)] == ["f1", "f2"]
        assert [r["iterations"] for r in store.runs()] == [2, 1]
        commit(store, second, 1)
        assert store.checkpoint(first).iteration == 1


def test_library_history_shows_each_invention_as_first_added(db: Path) -> None:
    with Store(db) as store:
        run = store.start_run("lists", {})
        commit(store, run, 0, inventions=[invention("f1")])
        commit(store, run, 1, inventions=[invention("f1", log_weight=-0.1), invention("f2", 1)])
        rewritten = invention("f2", 2, source="(lam (reverse $0))")
        commit(store, run, 2, inventions=[rewritten])
        assert store.library_history() == [
            (0, invention("f1")),
            (1, invention("f2", 1)),
            (2, rewritten),
        ]


# -- files that are not (usable) stores -------------------------------------------------------


def assert_one_line_naming(err: pytest.ExceptionInfo[StoreError], path: Path) -> None:
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message


@pytest.mark.parametrize(
    "content",
    [os.urandom(8192), b"tasks:\n  - sort\n  - reverse\n" * 20, b"x"],
    ids=["random-bytes", "text", "one-byte"],
)
def test_a_file_that_is_not_a_database_is_a_store_error_and_left_alone(
    db: Path, content: bytes
) -> None:
    db.write_bytes(content)
    with pytest.raises(StoreError, match="not a metagrow store") as err:
        Store(db)
    assert_one_line_naming(err, db)
    assert db.read_bytes() == content


def test_another_sqlite_database_is_not_a_store(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a metagrow store") as err:
        Store(db)
    assert_one_line_naming(err, db)


def test_a_newer_schema_is_a_store_error(db: Path) -> None:
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE schema_version SET version = 9")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"schema version 9 is newer .* upgrade metagrow") as err:
        Store(db)
    assert_one_line_naming(err, db)


def test_a_directory_or_a_missing_directory_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory") as err:
        Store(tmp_path)
    assert_one_line_naming(err, tmp_path)
    missing = tmp_path / "nowhere" / "metagrow.db"
    with pytest.raises(StoreError, match="does not exist") as err:
        Store(missing)
    assert_one_line_naming(err, missing)


# -- migrations ------------------------------------------------------------------------------


def test_a_version_0_file_is_migrated_to_the_current_schema(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (0)")
    conn.commit()
    conn.close()
    with Store(db) as store:
        run = store.start_run("lists", {})
        commit(store, run, 0, inventions=[invention("f1")])
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    conn.close()
    with Store(db) as store:
        assert store.inventions() == [invention("f1")]


def test_a_version_2_file_keeps_its_solutions_as_found_ones_in_version_3(db: Path) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, MIGRATIONS[:2]) == 0
    conn.execute("INSERT INTO runs (domain, config_json, started_at) VALUES ('lists', '{}', 'x')")
    conn.execute("INSERT INTO iterations VALUES (1, 0, '{}', -0.5, 'x')")
    for task, prior in (("b", -6.0), ("a", -5.0)):
        conn.execute(
            "INSERT INTO solutions VALUES (1, ?, ?, ?, 0.25, 1234, 0)",
            (task, f"(lam ({task} $0))", prior),
        )
    conn.close()
    with Store(db) as store:
        assert store.checkpoint(1).solutions == (solution("a", -5.0), solution("b", -6.0))
        commit(store, 1, 1, solutions=[rewrite("a", -2.0, 1)])
        a = store.solution_history(1, "a")
        assert [h.record for h in a] == [solution("a", -5.0), rewrite("a", -2.0, 1)]
        assert a[1].rewrite_of == a[0].id
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    columns = [row[1] for row in conn.execute("PRAGMA table_info(solutions)")]
    assert columns[:1] == ["id"] and columns[-1] == "rewrite_of"
    assert {"task", "program", "log_prior", "seconds", "programs_tried", "iteration"} <= set(
        columns
    )
    conn.close()


def test_a_later_migration_runs_from_the_stored_version_and_keeps_data(db: Path) -> None:
    with Store(db) as store:
        store.start_run("lists", {"seed": 3})
    later = (
        SCHEMA_VERSION + 1,
        ("ALTER TABLE runs ADD COLUMN note TEXT", "UPDATE runs SET note = 'new'"),
    )
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, (*MIGRATIONS, later)) == SCHEMA_VERSION
    assert migrate(conn, (*MIGRATIONS, later)) == SCHEMA_VERSION + 1
    assert conn.execute("SELECT domain, note FROM runs").fetchall() == [("lists", "new")]
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION + 1,)]
    conn.close()
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1} is newer"):
        Store(db)


def test_a_failing_migration_leaves_the_file_as_it_was(db: Path) -> None:
    Store(db).close()
    broken = (
        SCHEMA_VERSION + 1,
        ("CREATE TABLE extra (x INTEGER)", "ALTER TABLE no_such_table ADD COLUMN y"),
    )
    conn = sqlite3.connect(db, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        migrate(conn, (*MIGRATIONS, broken))
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'extra'").fetchall() == []
    conn.close()
    Store(db).close()


def test_migrations_must_be_numbered_in_order(db: Path) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    with pytest.raises(ValueError, match="must be 1, 2, 3"):
        migrate(conn, (*MIGRATIONS, (SCHEMA_VERSION + 2, ())))
    conn.close()


# -- crash safety ----------------------------------------------------------------------------

CHILD = """
import sys, time
from metagrow.store import InventionRecord, SolutionRecord, Store

path, run = sys.argv[1], int(sys.argv[2])
tasks = [f"task-{k}" for k in range(300)]
with Store(path) as store:
    start = store.checkpoint(run).iteration + 1
    print("ready", flush=True)
    for i in range(start, start + 5000):
        store.commit_iteration(
            run,
            i,
            metrics={"i": i},
            inventions=[
                InventionRecord(f"f{k}", f"(lam (+ $0 {k}))", "int -> int", -k, k, ("t",))
                for k in range(i + 1)
            ],
            production_weights={f"p{k}": -float(k + i) for k in range(200)},
            log_variable=-float(i),
            solutions=[SolutionRecord(t, "(lam $0)", -1000.0 + i, 0.1, 7, i) for t in tasks],
            budgets={t: float(i) for t in tasks},
            tasks_seen=tasks,
        )
        print(i, flush=True)
        time.sleep(0.002)
"""


def run_child_and_kill(db: Path, run: int, delay: float) -> int:
    """Start the child, SIGKILL it ``delay`` seconds after it is ready; the last iteration
    it reported committed (-1 if none)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(run)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL
    committed = [int(line) for line in out.split()]
    return committed[-1] if committed else -1


@pytest.mark.parametrize("delays", [(0.0, 0.03), (0.011, 0.2), (0.07, 0.0), (0.13, 0.05)])
def test_a_killed_run_keeps_every_committed_iteration_and_resumes(
    db: Path, delays: tuple[float, ...]
) -> None:
    with Store(db) as store:
        run = store.start_run("lists", {})
    resumed_from = -1
    for delay in delays:
        last_done = max(run_child_and_kill(db, run, delay), resumed_from)
        with Store(db) as store:
            checkpoint = store.checkpoint(run)
            assert last_done <= checkpoint.iteration <= last_done + 1
            check_consistent(store, checkpoint)
            resumed_from = checkpoint.iteration
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
    with Store(db) as store:
        commit(store, run, resumed_from + 1)
        assert store.checkpoint(run).iteration == resumed_from + 1


def check_consistent(store: Store, checkpoint: Checkpoint) -> None:
    """Everything in the checkpoint comes from the same, complete iteration."""
    i = checkpoint.iteration
    history = store.iterations(checkpoint.run_id)
    assert [r.iteration for r in history] == list(range(i + 1))
    if i < 0:
        assert checkpoint == Checkpoint(checkpoint.run_id, -1, (), {}, 0.0, (), {})
        return
    assert history[-1].metrics == {"i": i}
    assert [inv.name for inv in checkpoint.inventions] == [f"f{k}" for k in range(i + 1)]
    assert len(checkpoint.production_weights) == 200
    assert checkpoint.production_weights["p0"] == -float(i)
    assert checkpoint.log_variable == -float(i)
    assert len(checkpoint.solutions) == 300
    assert {s.iteration for s in checkpoint.solutions} == {i}
    assert set(checkpoint.budgets.values()) == {float(i)}
    assert json.dumps(history[-1].metrics) == json.dumps({"i": i})
