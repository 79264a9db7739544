"""Fitted models in a real SQLite store: the ``models`` table of schema v4, saved and
read back by name as JSON dicts, and the migration of a version 3 file."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from metagrow.store import Store
from metagrow.store._schema import MIGRATIONS, SCHEMA_VERSION, migrate


def model(kind: str = "regression", constant: float = 1.5) -> dict[str, Any]:
    return {
        "format": "metagrow-model",
        "kind": kind,
        "programs": [{"structure": "(lam c)", "constants": [constant]}],
        "target": None,
    }


def test_models_are_saved_by_name_and_survive_reopening(tmp_path: Path) -> None:
    with Store(tmp_path / "m.db") as store:
        store.save_model("b", model())
        store.save_model("a", model("classification"))
        assert store.model("missing") is None
    with Store(tmp_path / "m.db") as store:
        assert store.models() == ["a", "b"]
        assert store.model("b") == model()
        assert store.model("a") == model("classification")
    conn = sqlite3.connect(tmp_path / "m.db")
    rows = conn.execute("SELECT name, kind, created_at FROM models ORDER BY name").fetchall()
    conn.close()
    assert [(name, kind) for name, kind, _ in rows] == [
        ("a", "classification"),
        ("b", "regression"),
    ]
    assert all(created.endswith("+00:00") for _, _, created in rows)


def test_a_taken_name_is_kept_unless_replaced(tmp_path: Path) -> None:
    with Store(tmp_path / "m.db") as store:
        store.save_model("m", model(constant=1.0))
        with pytest.raises(ValueError, match="already stored; pass replace=True"):
            store.save_model("m", model(constant=2.0))
        assert store.model("m") == model(constant=1.0)
        store.save_model("m", model("classification", 3.0), replace=True)
        assert store.model("m") == model("classification", 3.0) and store.models() == ["m"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("", model(), "needs a name"),
        ("m", {"programs": []}, "must have a 'kind' string"),
        ("m", {**model(), "loss": float("nan")}, "JSON-serialisable"),
        ("m", {**model(), "when": object()}, "JSON-serialisable"),
    ],
)
def test_bad_models_are_refused_and_nothing_is_written(
    tmp_path: Path, name: str, data: dict[str, Any], message: str
) -> None:
    with Store(tmp_path / "m.db") as store:
        with pytest.raises(ValueError, match=message):
            store.save_model(name, data)
        assert store.models() == []


def test_a_version_3_file_gains_models_and_keeps_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, MIGRATIONS[:3]) == 0
    conn.execute("INSERT INTO runs (domain, config_json, started_at) VALUES ('lists', '{}', 'x')")
    assert "models" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    with Store(path) as store:
        assert [run["domain"] for run in store.runs()] == ["lists"]
        assert store.models() == []
        store.save_model("m", model())
        assert store.model("m") == model()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    columns = [row[1] for row in conn.execute("PRAGMA table_info(models)")]
    assert columns == ["name", "kind", "data_json", "created_at"]
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
