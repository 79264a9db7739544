"""`metagrow solve` as a newcomer meets it: attempts that read unambiguously and differ."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_run import metagrow


def test_int_attempts_print_one_per_line_and_never_as_a_list(examples_dir: Path) -> None:
    proc = metagrow("solve", str(examples_dir / "length.json"), "--budget", "3")
    assert proc.returncode == 0, proc.stderr
    tests = [line for line in proc.stdout.splitlines() if line.startswith("test ")]
    assert tests, proc.stdout
    for line in tests:
        assert re.fullmatch(r"test \d+(, attempt \d+)?: -?\d+", line), line
    labelled = [line for line in tests if "attempt" in line]
    assert not labelled or any(", attempt 2: " in line for line in labelled)


def test_json_attempts_are_distinct_for_every_test_input(examples_dir: Path) -> None:
    for name in ("length", "drop-first", "max-minus-min"):
        proc = metagrow("solve", str(examples_dir / f"{name}.json"), "--budget", "3", "--json")
        assert proc.returncode == 0, proc.stderr
        for preds in json.loads(proc.stdout)["predictions"]:
            assert len(preds) == len({json.dumps(p) for p in preds}), (name, preds)


def test_the_evolution_engine_solves_from_the_command_line(examples_dir: Path) -> None:
    args = ("solve", str(examples_dir / "reverse.json"), "--engine", "evolution", "--json")
    proc = metagrow(*args, "--budget", "5")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["solved"] and out["program"] == "(lam (reverse $0))", out
    assert out["predictions"] == [[[1, 9, 9, 8, 5, 2]], [[4, 4, 9]]]
