"""The guide from the command line: `learn` trains and stores it, `solve` and `bench` use
it unless `--no-guide`; importing the CLI does not import torch."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from cli_run import metagrow

EASY = ("reverse", "sum", "double-each", "keep-evens")


def folder_of(tmp_path: Path, examples_dir: Path) -> Path:
    folder = tmp_path / "tasks"
    folder.mkdir()
    for name in EASY:
        shutil.copy(examples_dir / f"{name}.json", folder / f"{name}.json")
    return folder


def test_importing_the_cli_learner_and_search_does_not_import_torch() -> None:
    code = (
        "import sys, metagrow.cli, metagrow.learning, metagrow.search, metagrow.guide\n"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_learn_trains_a_guide_each_iteration_and_solve_and_bench_use_it(
    tmp_path: Path, examples_dir: Path
) -> None:
    folder = folder_of(tmp_path, examples_dir)
    db = tmp_path / "g.db"
    common = ["--engine", "topdown", "--budget", "1", "--jobs", "1"]
    learned = metagrow("learn", "--tasks", str(folder), "--iterations", "2", "--store", str(db),
                       *common, timeout=180)  # fmt: skip
    assert learned.returncode == 0, learned.stderr
    assert learned.stdout.count("guide trained in") == 2
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT iteration, training_json FROM guides").fetchall()
    assert [r[0] for r in rows] == [0, 1]
    assert all(json.loads(r[1])["replays"] >= 3 for r in rows)

    task = str(folder / "keep-evens.json")
    guided = metagrow("solve", task, "--store", str(db), "--json", *common[:4])
    plain = metagrow("solve", task, "--store", str(db), "--json", "--no-guide", *common[:4])
    assert guided.returncode == 0 and plain.returncode == 0, guided.stderr + plain.stderr
    assert json.loads(guided.stdout)["solved"] and json.loads(plain.stdout)["solved"]

    out = tmp_path / "bench.json"
    bench = metagrow("bench", "lists", "--tasks", str(folder), "--store", str(db), "--json",
                     str(out), *common, timeout=120)  # fmt: skip
    assert bench.returncode == 0, bench.stderr
    report = json.loads(out.read_text())
    assert report["suite"].endswith("and its guide")
    solved = [t for t in report["tasks"] if t["solved"]]
    assert solved and all(t["first_programs"] >= 1 for t in solved)

    shown = metagrow("guide", "show", "--store", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "trained in iteration 1: int-lists encoder, 2 member(s), contextual" in shown.stdout
    assert shown.stdout.count("  member ") == 2
    explained = metagrow("guide", "explain", task, "--store", str(db), "--json", "--top", "3")
    assert explained.returncode == 0, explained.stderr
    said = json.loads(explained.stdout)
    assert said["task"] == "keep-evens" and len(said["raised"]) == len(said["lowered"]) == 3
    assert said["raised"][0]["change"] >= said["lowered"][0]["change"]
    for side in ("library", "guide"):
        priors = [p["log_prior"] for p in said["likeliest"][side]]
        assert len(priors) == 5 and priors == sorted(priors, reverse=True)
    text = metagrow("guide", "explain", task, "--store", str(db))
    assert text.returncode == 0 and "likeliest programs under the guide" in text.stdout


def test_no_guide_learns_as_before(tmp_path: Path, examples_dir: Path) -> None:
    folder = folder_of(tmp_path, examples_dir)
    db = tmp_path / "plain.db"
    learned = metagrow("learn", "--tasks", str(folder), "--iterations", "1", "--store", str(db),
                       "--budget", "1", "--jobs", "1", "--no-guide", timeout=120)  # fmt: skip
    assert learned.returncode == 0, learned.stderr
    assert "guide trained" not in learned.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM guides").fetchone() == (0,)
        (config,) = conn.execute("SELECT config_json FROM runs").fetchone()
    assert "guide" not in json.loads(config)
    for args in (["show"], ["explain", str(folder / "sum.json")]):
        shown = metagrow("guide", *args, "--store", str(db))
        assert shown.returncode == 2
        assert shown.stderr.splitlines() == [
            f"metagrow: error: {db}: no guide for the lists domain; train one with `metagrow learn`"
        ]
