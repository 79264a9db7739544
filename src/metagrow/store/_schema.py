"""Opening a store file, and its SQLite schema kept as data: ordered migrations, applied
atomically.

A file's ``schema_version`` table holds one row with the version it is at. An empty
database counts as version 0, so a new store is made by the same path that upgrades an
old one: every migration after the stored version runs in one transaction, and a failure
leaves the file exactly as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

Migration = tuple[int, tuple[str, ...]]
"""A target version and the SQL statements that bring the previous version to it."""


class StoreError(Exception):
    """A store file cannot be used: corrupt, not a store, too new, or not writable.

    The message is one line that names the file and says what to do.
    """


_V1: tuple[str, ...] = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        domain TEXT NOT NULL,
        config_json TEXT NOT NULL,
        started_at TEXT NOT NULL
    )""",
    """CREATE TABLE iterations (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        iteration INTEGER NOT NULL,
        metrics_json TEXT NOT NULL,
        log_variable REAL NOT NULL,
        finished_at TEXT NOT NULL,
        PRIMARY KEY (run_id, iteration)
    )""",
    """CREATE TABLE library (
        run_id INTEGER NOT NULL,
        iteration INTEGER NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        type TEXT NOT NULL,
        log_weight REAL NOT NULL,
        created_iteration INTEGER NOT NULL,
        tasks_json TEXT NOT NULL,
        uses INTEGER NOT NULL,
        PRIMARY KEY (run_id, iteration, position),
        UNIQUE (run_id, iteration, name),
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, iteration)
    )""",
    """CREATE TABLE weights (
        run_id INTEGER NOT NULL,
        iteration INTEGER NOT NULL,
        name TEXT NOT NULL,
        log_weight REAL NOT NULL,
        PRIMARY KEY (run_id, iteration, name),
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, iteration)
    )""",
    """CREATE TABLE solutions (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        task TEXT NOT NULL,
        program TEXT NOT NULL,
        log_prior REAL NOT NULL,
        seconds REAL NOT NULL,
        programs_tried INTEGER NOT NULL,
        iteration INTEGER NOT NULL,
        PRIMARY KEY (run_id, task)
    )""",
    """CREATE TABLE tasks_seen (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        task TEXT NOT NULL,
        first_iteration INTEGER NOT NULL,
        PRIMARY KEY (run_id, task)
    )""",
    """CREATE TABLE budgets (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        task TEXT NOT NULL,
        seconds REAL NOT NULL,
        PRIMARY KEY (run_id, task)
    )""",
    """CREATE TABLE modules (
        name TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        architecture_json TEXT NOT NULL,
        weights BLOB NOT NULL,
        training_json TEXT NOT NULL,
        provenance_json TEXT NOT NULL
    )""",
)

_V2: tuple[str, ...] = (
    """CREATE TABLE guides (
        run_id INTEGER NOT NULL,
        iteration INTEGER NOT NULL,
        architecture_json TEXT NOT NULL,
        weights BLOB NOT NULL,
        training_json TEXT NOT NULL,
        PRIMARY KEY (run_id, iteration),
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, iteration)
    )""",
)
"""Version 2: the neural guide trained in each iteration (safetensors weights)."""

_V3: tuple[str, ...] = (
    "ALTER TABLE solutions RENAME TO solutions_v2",
    """CREATE TABLE solutions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        task TEXT NOT NULL,
        program TEXT NOT NULL,
        log_prior REAL NOT NULL,
        seconds REAL NOT NULL,
        programs_tried INTEGER NOT NULL,
        iteration INTEGER NOT NULL,
        rewrite_of INTEGER REFERENCES solutions(id)
    )""",
    """INSERT INTO solutions (run_id, task, program, log_prior, seconds, programs_tried,
        iteration)
        SELECT run_id, task, program, log_prior, seconds, programs_tried, iteration
        FROM solutions_v2 ORDER BY run_id, task""",
    "DROP TABLE solutions_v2",
    "CREATE INDEX solutions_by_task ON solutions (run_id, task, id)",
)
"""Version 3: every solution a run stored, in the order stored, instead of one per task: a
row per solution found and per rewrite of it by compression (``rewrite_of`` the row it
rewrites). A version 2 file's rows become found solutions. SQLite cannot change a primary
key in place, so the table is rebuilt (the old one renamed first, so that the new one's
reference to itself names its final name); no other table refers to it."""

_V4: tuple[str, ...] = (
    """CREATE TABLE models (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        data_json TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
)
"""Version 4: fitted models (a regressor or classifier over a table) by name, each as the
JSON text of its ``metagrow-model`` dict; no other table changes."""

_V5: tuple[str, ...] = (
    """CREATE TABLE predictions (
        run_id INTEGER NOT NULL,
        task TEXT NOT NULL,
        iteration INTEGER NOT NULL,
        test_index INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        value_json TEXT NOT NULL,
        PRIMARY KEY (run_id, task, iteration, test_index, attempt),
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, iteration)
    )""",
)
"""Version 5: what each iteration's search predicted for a task's test inputs, solved or
not: up to two attempts per test input, best first, each the JSON text of the value in
the domain's encoding (``null`` where every program failed on that input). Older files
gain the empty table: their runs show no stored predictions."""

MIGRATIONS: tuple[Migration, ...] = ((1, _V1), (2, _V2), (3, _V3), (4, _V4), (5, _V5))
"""Every schema version in order; append a ``(version, statements)`` pair to add one."""

SCHEMA_VERSION = MIGRATIONS[-1][0]


_T = TypeVar("_T")

_SQLITE_MAGIC = b"SQLite format 3\x00"


def connect(path: Path, name: str) -> sqlite3.Connection:
    """Open (creating or migrating) the store at ``path`` in autocommit mode, WAL journal,
    ``synchronous=FULL``; ``StoreError`` naming the file as ``name`` if it cannot be used."""
    if path.is_dir():
        raise StoreError(f"{name}: is a directory; give a file path such as metagrow.db")
    if not path.parent.is_dir():
        raise StoreError(f"{name}: directory {path.parent} does not exist")
    if not _looks_like_sqlite(path):
        raise StoreError(f"{name}: not a metagrow store (file is not a database)")

    def prepare(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)

    conn, _ = _opened(
        name, lambda: sqlite3.connect(path, isolation_level=None, timeout=30.0), prepare
    )
    return conn


def connect_read_only(path: Path, name: str) -> sqlite3.Connection:
    """Open the existing store at ``path`` for reading only (SQLite's ``mode=ro``): it is
    never created, migrated or written, so a reader never blocks the writer of a WAL-mode
    file and always sees its last committed transaction. ``StoreError`` naming the file as
    ``name`` if it is missing, not a store, or not at this metagrow's schema version."""
    if not path.is_file():
        raise StoreError(f"{name}: no such store; create one with `metagrow learn --store {name}`")
    if not _looks_like_sqlite(path):
        raise StoreError(f"{name}: not a metagrow store (file is not a database)")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn, found = _opened(
        name,
        lambda: sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30.0),
        lambda conn: _checked(stored_version(conn), SCHEMA_VERSION),
    )
    if found != SCHEMA_VERSION:
        conn.close()
        message = (
            "is empty"
            if found == 0
            else f"is at schema version {found}, older than {SCHEMA_VERSION}"
        )
        raise StoreError(
            f"{name}: {message}; open it once for writing (`metagrow library show --store "
            f"{name}` upgrades it)"
        )
    return conn


def _opened(
    name: str,
    open_: Callable[[], sqlite3.Connection],
    prepare: Callable[[sqlite3.Connection], _T],
) -> tuple[sqlite3.Connection, _T]:
    """A connection from ``open_`` and what ``prepare`` makes of it; on any failure the
    connection is closed and ``StoreError`` names the file as ``name``."""
    try:
        conn = open_()
    except sqlite3.Error as err:
        raise StoreError(f"{name}: {_describe_open_error(err)}") from None
    try:
        return conn, prepare(conn)
    except StoreError as err:
        conn.close()
        raise StoreError(f"{name}: {err}") from None
    except sqlite3.Error as err:
        conn.close()
        raise StoreError(f"{name}: {_describe_open_error(err)}") from None


def stored_version(conn: sqlite3.Connection) -> int | None:
    """The file's schema version: 0 for an empty database, ``None`` if it is some other
    database (tables but no ``schema_version``). Raises ``StoreError`` if the version table
    does not hold exactly one integer."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "schema_version" not in tables:
        return 0 if not tables else None
    rows = conn.execute("SELECT version FROM schema_version").fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], int):
        raise StoreError("schema_version table must hold exactly one integer")
    version: int = rows[0][0]
    return version


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database to the last version in ``migrations``, in one transaction.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Returns the version
    found before migrating. Raises ``StoreError`` (message without the file name) for a
    database that is not a store or whose version is newer than ``migrations`` knows.
    """
    _check_sequence(migrations)
    target = migrations[-1][0]
    found = _checked(stored_version(conn), target)
    if found == target:
        return found
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = _checked(stored_version(conn), target)
        if found == 0 and not _has_version_table(conn):
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
        for version, statements in migrations:
            if version > found:
                for statement in statements:
                    conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = ?", (target,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found


def _checked(version: int | None, target: int) -> int:
    if version is None:
        raise StoreError("not a metagrow store (it has tables but no schema_version)")
    if version > target:
        raise StoreError(
            f"schema version {version} is newer than this metagrow ({target}); upgrade metagrow"
        )
    if version < 0:
        raise StoreError(f"schema version {version} is invalid")
    return version


def _has_version_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    return row is not None


def _check_sequence(migrations: Sequence[Migration]) -> None:
    versions = [version for version, _ in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1, 2, 3, ... in order, got {versions}")


def _looks_like_sqlite(path: Path) -> bool:
    """Absent, empty, or starting with SQLite's magic header: SQLite itself would take a
    file of a few stray bytes for an empty database and overwrite it."""
    try:
        with path.open("rb") as file:
            return file.read(len(_SQLITE_MAGIC)) in (b"", _SQLITE_MAGIC)
    except OSError:
        return True  # absent, or unreadable: sqlite3 creates it or says why it cannot


def _describe_open_error(err: sqlite3.Error) -> str:
    message = one_line(err)
    if "not a database" in message or "malformed" in message:
        return f"not a metagrow store ({message})"
    return f"cannot open ({message}); check the file and its directory are writable"


def one_line(err: BaseException) -> str:
    """The first line of an error's message (its type name if it has none)."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__
