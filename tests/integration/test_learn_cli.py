"""`metagrow learn` and `metagrow library` as a user meets them: progress while learning,
which run is resumed, started or shown and why, and one line for every misuse."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cli_run import metagrow
from rich.console import Console

from metagrow.cli._learn_progress import PhaseDisplay
from metagrow.learning import Phase


def quick(db: Path, *more: str) -> list[str]:
    return [
        "learn", "--no-guide", "--programs", "2000", "--limit", "6", "--iterations", "1",
        "--jobs", "1", "--store", str(db), *more,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--jobs", "-1"),
        ("--iterations", "0"),
        ("--budget", "-1"),
        ("--budget", "0"),
        ("--budget", "inf"),
        ("--programs", "0"),
        ("--limit", "-1"),
        ("--guide-seconds", "0"),
        ("--pseudo-count", "0"),
        ("--engine", "nope"),
        ("--domain", "nope"),
    ],
)
def test_a_bad_learn_option_is_one_line_and_exit_2(tmp_path: Path, option: str, value: str) -> None:
    db = tmp_path / "m.db"
    proc = metagrow(*quick(db, option, value))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("metagrow: error:"), proc.stderr
    assert option.lstrip("-").split("-")[0] in lines[0]
    assert not db.exists()


def test_learn_says_which_run_it_starts_or_resumes_and_shows_its_phases(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    first = metagrow(*quick(db, "--budget", "5"))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"starting run 1 in {db}\n")
    assert "iteration 0: searching 0/6 tasks, 0 solved" in first.stderr
    assert "iteration 0: searching 6/6 tasks, " in first.stderr
    assert "iteration 0: compressing" in first.stderr

    other = metagrow(*quick(db, "--budget", "2"))
    assert other.returncode == 0, other.stderr
    assert other.stdout.splitlines()[0] == (
        f"starting run 2: no earlier run in {db} has these settings "
        "(run 1 differs in: budget 5 -> 2)"
    )
    uncapped = ["learn", "--no-guide", "--limit", "6", "--iterations", "1", "--jobs", "1"]
    third = metagrow(*uncapped, "--budget", "0.2", "--store", str(db))
    assert third.returncode == 0, third.stderr
    assert third.stdout.splitlines()[0] == (
        f"starting run 3: no earlier run in {db} has these settings "
        "(run 2 differs in: budget 2 -> 0.2, programs 2000 -> unset)"
    )
    again = metagrow(*quick(db, "--budget", "2", "--iterations", "2"))
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == "resuming run 2 after iteration 0"

    newest = metagrow("library", "history", "--store", str(db))
    assert newest.returncode == 0, newest.stderr
    assert newest.stdout.startswith(f"run 3 (the newest of 3) in {db}: lists lists/train[:6], 1 ")
    resumed = metagrow("library", "history", "--store", str(db), "--run", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith(f"run 2 (3 in all) in {db}: lists lists/train[:6], 2 ")
    assert "iteration 1: solved" in resumed.stdout
    older = metagrow("library", "history", "--store", str(db), "--run", "1")
    assert older.returncode == 0, older.stderr
    assert older.stdout.startswith(f"run 1 (3 in all) in {db}: lists lists/train[:6], 1 ")
    assert "iteration 1: solved" not in older.stdout
    shown = metagrow("library", "show", "--store", str(db), "--run", "1")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"run 1 (3 in all) in {db}")

    for command in ("show", "history"):
        missing = metagrow("library", command, "--store", str(db), "--run", "7")
        assert missing.returncode == 2
        assert missing.stderr.strip() == f"metagrow: error: {db}: no run 7; its runs are 1, 2, 3"


def test_library_of_a_store_without_runs_is_one_line(tmp_path: Path) -> None:
    from metagrow.store import Store

    db = tmp_path / "empty.db"
    Store(db).close()
    for command in ("show", "history"):
        proc = metagrow("library", command, "--store", str(db))
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1 and "no learning runs" in proc.stderr


def test_on_a_terminal_the_phase_is_redrawn_with_its_counts() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with PhaseDisplay(console) as display:
        display.phase(Phase(0, "search", 3))
        display.task("a", True)
        display.task("b", False)
        display.phase(Phase(0, "compress"))
        display.phase(Phase(0, "dream"))
    shown = screen.getvalue()
    assert "iteration 0: searching 2/3 tasks, 1 solved" in shown
    assert "iteration 0: compressing" in shown
    assert "iteration 0: training the guide" in shown
