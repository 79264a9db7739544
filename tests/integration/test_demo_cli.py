"""`metagrow demo` and task loading as a newcomer meets them: the demo runs from any
directory, reads each file in its own domain, and a task a domain cannot express is
refused at once with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import metagrow

from metagrow.domains.lists import examples_folder

FLIP = {
    "train": [
        {"input": [[1, 2], [3, 4]], "output": [[2, 1], [4, 3]]},
        {"input": [[5, 0, 0]], "output": [[0, 0, 5]]},
    ],
    "test": [{"input": [[7, 8, 9]], "output": [[9, 8, 7]]}],
}


def test_the_examples_ship_with_the_package(examples_dir: Path) -> None:
    shipped = sorted(p.name for p in examples_folder().glob("*.json"))
    assert len(shipped) == 13
    assert sorted(p.name for p in examples_dir.glob("*.json")) == shipped  # the repo's view


def test_demo_runs_from_any_directory(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "metagrow", "demo", "--budget", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "13 lists tasks" in proc.stdout
    solved = [line for line in proc.stdout.splitlines() if line.startswith("solved ")]
    assert solved and int(solved[0].split()[1].split("/")[0]) >= 10


def test_demo_reads_each_file_in_its_own_domain(tmp_path: Path, examples_dir: Path) -> None:
    (tmp_path / "flip.json").write_text(json.dumps(FLIP))
    (tmp_path / "reverse.json").write_bytes((examples_dir / "reverse.json").read_bytes())
    proc = metagrow("demo", str(tmp_path), "--budget", "2")
    assert proc.returncode == 0, proc.stderr
    assert "2 tasks (grids, lists)" in proc.stdout
    assert "(lam (flip_h $0))" in proc.stdout and "(lam (reverse $0))" in proc.stdout


@pytest.mark.parametrize("command", ["solve", "demo"])
def test_a_list_task_forced_into_grids_is_refused_at_once(
    tmp_path: Path, examples_dir: Path, command: str
) -> None:
    (tmp_path / "reverse.json").write_bytes((examples_dir / "reverse.json").read_bytes())
    target = tmp_path / "reverse.json" if command == "solve" else tmp_path
    proc = metagrow(command, str(target), "--domain", "grids", "--budget", "10", timeout=5)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "domain grids cannot express list(int) -> list(int)" in lines[0]


def test_a_task_of_two_arguments_without_a_type_is_told_to_add_one(tmp_path: Path) -> None:
    task = {
        "train": [
            {"input": [[1, 2], 3], "output": [1, 2, 3]},
            {"input": [[4], 5], "output": [4, 5]},
        ]
    }
    path = tmp_path / "append-arg.json"
    path.write_text(json.dumps(task))
    proc = metagrow("solve", str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert 'field \'type\', e.g. "type": "list(int) -> int -> list(int)"' in lines[0]
    typed = {"type": "list(int) -> int -> list(int)", **task}
    path.write_text(json.dumps(typed))  # the advice, taken, works
    solved = metagrow("solve", str(path), "--budget", "5", "--json")
    assert solved.returncode == 0, solved.stderr
    assert json.loads(solved.stdout)["solved"] is True
