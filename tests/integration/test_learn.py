"""`metagrow learn` end to end: a run killed with SIGKILL resumes from its last iteration."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from cli_run import kill_after_commits, metagrow

from metagrow.store import Store

EASY = ("reverse", "sum", "length", "double-each")


def task_folder(tmp_path: Path, examples_dir: Path) -> Path:
    folder = tmp_path / "tasks"
    folder.mkdir()
    for name in EASY:
        shutil.copy(examples_dir / f"{name}.json", folder / f"{name}.json")
    noise = {
        "name": "noise",
        "type": "list(int) -> int",
        "train": [
            {"input": [1, 2], "output": 917},
            {"input": [3], "output": -4},
            {"input": [], "output": 55},
        ],
    }
    (folder / "noise.json").write_text(json.dumps(noise))
    return folder


def learn_args(folder: Path, db: Path, iterations: int = 4) -> list[str]:
    return [
        "learn", "--tasks", str(folder), "--iterations", str(iterations),
        "--budget", "1", "--jobs", "1", "--store", str(db),
    ]  # fmt: skip


def test_sigkill_during_learn_then_the_same_command_resumes(
    tmp_path: Path, examples_dir: Path
) -> None:
    folder = task_folder(tmp_path, examples_dir)
    db = tmp_path / "metagrow.db"
    done = kill_after_commits(learn_args(folder, db), db, 2)
    assert 2 <= done < 4

    again = metagrow(*learn_args(folder, db), timeout=120)
    assert again.returncode == 0, again.stderr
    resumed = re.search(r"resuming run (\d+) after iteration (\d+)", again.stdout)
    assert resumed is not None, again.stdout
    assert int(resumed.group(2)) == done - 1
    first_new = re.search(r"iteration (\d+):", again.stdout)
    assert first_new is not None and int(first_new.group(1)) == done

    with Store(db) as store:
        history = store.iterations()
        assert [it.iteration for it in history] == [0, 1, 2, 3]
        assert {it.run_id for it in history} == {int(resumed.group(1))}
        point = store.checkpoint(history[0].run_id)
        assert {s.task for s in point.solutions} == set(EASY)
        assert point.budgets["noise"] > 1.0  # the curriculum grew the unsolved task's budget


def test_library_commands_and_solve_with_a_store(tmp_path: Path, examples_dir: Path) -> None:
    folder = task_folder(tmp_path, examples_dir)
    db = tmp_path / "lib.db"
    run = metagrow(*learn_args(folder, db, iterations=1), timeout=120)
    assert run.returncode == 0, run.stderr
    assert "iteration 0" in run.stdout
    history = metagrow("library", "history", "--store", str(db))
    assert history.returncode == 0, history.stderr
    assert "iteration 0: solved 4/5" in history.stdout
    solved = metagrow(
        "solve", str(examples_dir / "reverse.json"), "--json", "--store", str(db), "--budget", "5"
    )
    assert solved.returncode == 0, solved.stderr
    assert json.loads(solved.stdout)["solved"] is True


def test_missing_or_corrupt_store_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("this is not a database\n" * 100)
    for path in (tmp_path / "absent.db", bad):
        proc = metagrow("library", "show", "--store", str(path))
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert str(path) in proc.stderr
    assert bad.read_text().startswith("this is not a database")  # never overwritten
