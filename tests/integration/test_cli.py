"""The command line, run as a user would: in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_run import metagrow


def test_solve_json_contract(examples_dir: Path) -> None:
    proc = metagrow("solve", str(examples_dir / "reverse.json"), "--budget", "5", "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert set(record) == {"task", "solved", "program", "predictions", "seconds", "programs_tried"}
    assert record["task"] == "reverse"
    assert record["solved"] is True
    assert record["program"] == "(lam (reverse $0))"
    task = json.loads((examples_dir / "reverse.json").read_text())
    assert len(record["predictions"]) == len(task["test"])
    for preds, ex in zip(record["predictions"], task["test"], strict=True):
        assert 1 <= len(preds) <= 2
        assert preds[0] == ex["output"]
    assert record["seconds"] < 5.5
    assert record["programs_tried"] > 0


def test_unsolved_task_exits_zero_with_null_program(tmp_path: Path) -> None:
    noise = {
        "type": "int -> int",
        "train": [
            {"input": 1, "output": 913},
            {"input": 2, "output": -77},
            {"input": 3, "output": 5},
        ],
        "test": [{"input": 4}],
    }
    path = tmp_path / "noise.json"
    path.write_text(json.dumps(noise))
    proc = metagrow("solve", str(path), "--budget", "1", "--json", "--attempts", "3")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["solved"] is False
    assert record["program"] is None
    assert record["predictions"] == [[]]
    assert record["task"] == "noise"
    assert record["seconds"] < 1.3


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "no such file"),
        ("{oops", "not valid JSON"),
        ('{"type": "foo(int) -> int", "train": [{"input": 1, "output": 1}]}', "cannot express foo"),
        ('{"type": "int -> int ->", "train": []}', "field 'type'"),
        ('{"type": "int -> int", "train": [{"input": "x", "output": 1}]}', "train[0].input"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, content: str | None, needle: str) -> None:
    path = tmp_path / "task.json"
    if content is not None:
        path.write_text(content)
    proc = metagrow("solve", str(path), "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr


def test_bad_options_exit_2(examples_dir: Path) -> None:
    for args in (
        ["--budget", "0"],
        ["--attempts", "0"],
        ["--engine", "nope"],
        ["--domain", "nope"],
    ):
        proc = metagrow("solve", str(examples_dir / "sum.json"), *args)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_run_program() -> None:
    proc = metagrow("run", "(lam (map (lam (+ $0 1)) $0))", "[1, 2, 3]")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [2, 3, 4]


@pytest.mark.parametrize(
    ("program", "arg", "needle"),
    [
        ("(lam (+ $0 true))", "1", "cannot apply"),
        ("(lam (map $0", "1", "program ends before a closing ')'"),
        ("(lam (frobnicate $0))", "1", "unknown primitive 'frobnicate'"),
        ("(lam (head $0))", "[]", "the program failed"),
        ("(lam (length $0))", "[1,", "not JSON"),
        ("(lam (length $0))", "3", "expected a list"),
    ],
)
def test_run_bad_program_is_one_line(program: str, arg: str, needle: str) -> None:
    proc = metagrow("run", program, arg)
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_demo_solves_the_examples(examples_dir: Path) -> None:
    proc = metagrow("demo", str(examples_dir), "--budget", "3", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "(lam (reverse $0))" in proc.stdout
    solved = [line for line in proc.stdout.splitlines() if line.startswith("solved ")]
    n, total = map(int, solved[0].split()[1].split("/"))
    assert total >= 10
    assert n >= total - 1


def test_help_shows_every_bracket(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer renders help as Rich markup, where an unescaped ``[word]`` is a style tag and
    vanishes: every bracket in a help text must be escaped, and the extra's name shows."""
    import typer

    from metagrow.cli import app

    def texts(command: Any) -> list[str]:  # Typer bundles its own Click: matched by shape
        found = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
        for sub in getattr(command, "commands", {}).values():
            found += texts(sub)
        return found

    every = texts(typer.main.get_command(app))
    assert len(every) > 100
    assert [t for t in every if "[" in t.replace("\\[", "")] == []
    monkeypatch.setenv("COLUMNS", "200")  # one line per option
    proc = metagrow("bench", "arc", "--help")
    assert "pip install 'metagrow[ray]'" in proc.stdout
