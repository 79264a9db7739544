"""The guides table: schema v2, migration from a v1 file, round trips, one transaction with
the iteration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from metagrow.store import GuideRecord, Store
from metagrow.store._schema import MIGRATIONS, migrate

WEIGHTS = bytes(range(256)) * 3


def guide(iteration: int, loss: float = 1.5) -> GuideRecord:
    return GuideRecord(iteration, {"model": "unigram", "productions": ["map", "+"]}, WEIGHTS,
                       {"seed": 0, "loss_last": loss})  # fmt: skip


def commit(store: Store, run: int, iteration: int, g: GuideRecord | None = None) -> None:
    store.commit_iteration(
        run, iteration, metrics={}, inventions=[], production_weights={"map": -0.5},
        log_variable=0.0, solutions=[], budgets={}, tasks_seen=[], guide=g,
    )  # fmt: skip


def test_a_version_1_file_migrates_to_the_newest_and_keeps_its_runs(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, MIGRATIONS[:1]) == 0
    conn.execute("INSERT INTO runs (domain, config_json, started_at) VALUES ('lists', '{}', 'x')")
    conn.execute("INSERT INTO iterations VALUES (1, 0, '{}', 0.0, 'x')")
    conn.close()
    with Store(db) as store:
        assert store.guide(1) is None
        store.put_guide(1, guide(0))
        assert store.guide(1) == guide(0)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [
        (Store.SCHEMA_VERSION,)
    ]
    conn.close()


def test_the_newest_guide_comes_back_byte_for_byte(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        run = store.start_run("lists", {})
        commit(store, run, 0, guide(7, loss=2.0))  # the iteration number is the commit's
        commit(store, run, 1)
        commit(store, run, 2, guide(2, loss=1.0))
        got = store.guide(run)
        assert got is not None and got.iteration == 2 and got.weights == WEIGHTS
        assert got.training == {"seed": 0, "loss_last": 1.0}
        assert got.architecture["productions"] == ["map", "+"]
        other = store.start_run("lists", {"x": 1})
        assert store.guide(other) is None


def test_a_guide_lands_with_its_iteration_or_not_at_all(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        run = store.start_run("lists", {})
        bad = GuideRecord(0, {"not json": object()}, WEIGHTS, {})
        with pytest.raises(ValueError, match="must be JSON"):
            commit(store, run, 0, bad)
        assert store.checkpoint(run).iteration == -1 and store.guide(run) is None
        with pytest.raises(ValueError, match="no completed iteration 0"):
            store.put_guide(run, guide(0))
