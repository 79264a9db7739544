"""Running the command line as a user would: ``python -m metagrow ...`` in a subprocess."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


def metagrow(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metagrow", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def committed(db: Path) -> int:
    """How many iterations the store at ``db`` has committed (0 while it cannot be read)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM iterations").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_after_commits(args: list[str], db: Path, commits: int, timeout: float = 60) -> int:
    """Start ``metagrow ARGS`` in its own session, SIGKILL it (workers included) once ``db``
    holds ``commits`` iterations, and return how many it had committed then."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "metagrow", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while committed(db) < commits and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    return committed(db)
