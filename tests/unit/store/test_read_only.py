"""A store opened read-only: never created, migrated or written, and readable while a
writer holds it open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from metagrow.store import InventionRecord, Store, StoreError


def test_a_missing_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with pytest.raises(StoreError, match="no such store"):
        Store(path, read_only=True)
    assert not path.exists()


def test_an_older_schema_is_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 3")
    conn.close()
    with pytest.raises(StoreError, match=r"older than .*metagrow library show"):
        Store(path, read_only=True)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (3,)
    conn.close()


def test_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_text("hello, not sqlite")
    with pytest.raises(StoreError, match="not a metagrow store"):
        Store(path, read_only=True)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not a metagrow store"):
        Store(empty, read_only=True)


def test_reads_what_a_writer_commits_while_it_stays_open(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as writer:
        run = writer.start_run("lists", {})
        with Store(path, read_only=True) as reader:
            assert reader.iterations(run) == []
            inv = InventionRecord("f0", "(lam $0)", "t0 -> t0", 0.0, 0, ("id",))
            writer.commit_iteration(
                run, 0, metrics={"solved": 1}, inventions=[inv], production_weights={},
                log_variable=0.0, solutions=[], budgets={}, tasks_seen=["id"],
            )  # fmt: skip
            assert [i.metrics for i in reader.iterations(run)] == [{"solved": 1}]
            assert [r.name for _, r in reader.library_history(run)] == ["f0"]
            with pytest.raises(StoreError, match="readonly"):
                reader.start_run("lists", {})


def test_guide_trainings_by_iteration(tmp_path: Path) -> None:
    from metagrow.store import GuideRecord

    with Store(tmp_path / "g.db") as db:
        run = db.start_run("lists", {})
        for i in range(2):
            db.commit_iteration(
                run, i, metrics={}, inventions=[], production_weights={}, log_variable=0.0,
                solutions=[], budgets={}, tasks_seen=[],
                guide=GuideRecord(i, {}, b"w", {"loss_last": 2.0 - i}),
            )  # fmt: skip
        assert db.guide_trainings(run) == [(0, {"loss_last": 2.0}), (1, {"loss_last": 1.0})]
