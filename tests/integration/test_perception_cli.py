"""Perception tasks from the command line: task files with PNG images, a learn run that
keeps the module it trains in the store's library, and solve reusing it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_run import metagrow

from metagrow.domains.perception import digit_tasks, write_task_files


@pytest.fixture(scope="module")
def task_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("perception")
    tasks = digit_tasks({"recognise_digit": 250, "sum_digits": 30}, test_size=60)
    write_task_files(tasks, folder)
    return folder


def test_learn_keeps_the_module_and_later_tasks_reuse_it(task_dir: Path, tmp_path: Path) -> None:
    """A user's lifelong folder: one task first, a second one added later; the run
    resumes with the module it learned in its library."""
    folder, db = tmp_path / "tasks", tmp_path / "p.db"
    folder.mkdir()
    (folder / "images").symlink_to(task_dir / "images")
    shutil.copy(task_dir / "recognise_digit.json", folder)

    def learn(iterations: int) -> None:
        proc = metagrow(
            "learn", "--domain", "perception", "--tasks", str(folder), "--iterations",
            str(iterations), "--budget", "15", "--jobs", "1", "--no-guide", "--store", str(db),
            timeout=240,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr

    learn(1)
    shutil.copy(task_dir / "sum_digits.json", folder)
    learn(2)
    with sqlite3.connect(db) as conn:
        modules = conn.execute("SELECT name, type, provenance_json FROM modules").fetchall()
        programs = dict(conn.execute("SELECT task, program FROM solutions").fetchall())
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)
    assert modules[0][:2] == ("net_recognise_digit", "image[8,8] -> int")
    assert json.loads(modules[0][2])["task"] == "recognise_digit"
    # the library module frozen, or a copy of it fine-tuned for the sum
    reused = programs["sum_digits"] == "(lam (sum (map (lam (net_recognise_digit $0)) $0)))"
    tuned = [json.loads(p)["parent"] for n, _, p in modules if n == "net_sum_digits"]
    assert reused or tuned == ["net_recognise_digit"], (programs, modules)

    shown = metagrow("library", "show", "--store", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "net_recognise_digit" in shown.stdout and "mlp 64-128-10" in shown.stdout

    solved = metagrow(
        "solve", str(folder / "sum_digits.json"), "--store", str(db), "--budget", "10", "--json"
    )
    assert solved.returncode == 0, solved.stderr
    report = json.loads(solved.stdout)
    assert "net_recognise_digit" in report["program"] or "net_sum_digits" in report["program"]
    truth = [ex["output"] for ex in json.loads((folder / "sum_digits.json").read_text())["test"]]
    right = sum(p[0] == t for p, t in zip(report["predictions"], truth, strict=True))
    assert right / len(truth) >= 0.5


def test_perception_task_files_are_detected_and_bad_images_get_one_line(
    task_dir: Path, tmp_path: Path
) -> None:
    proc = metagrow("solve", str(task_dir / "recognise_digit.json"), "--budget", "15", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["program"] == "(lam (net_recognise_digit $0))"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": "image[8,8] -> int", "train": [
        {"input": {"file": "nowhere.png"}, "output": 1}]}))  # fmt: skip
    proc = metagrow("solve", str(bad), "--budget", "2")
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    assert "nowhere.png: no such file" in proc.stderr and "train[0].input" in proc.stderr
