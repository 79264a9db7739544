"""`metagrow run`: the programs `solve` prints run as printed, polymorphic or not, with a
store's inventions by name; a program that fails says why in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import metagrow

from metagrow.store import InventionRecord, Store

# What `solve` finds for each task in examples/lists, run on one of its test inputs.
SOLVED = [
    ("(lam (append $0 (reverse $0)))", "[4, 3, 2]", [4, 3, 2, 2, 3, 4]),
    ("(lam (length (filter (lam (gt? $0 2)) $0)))", "[1, 5, 3, 2]", 2),
    ("(lam (map (lam (+ $0 $0)) $0))", "[1, 2]", [2, 4]),
    ("(lam (tail $0))", "[4, 5, 5, 9]", [5, 5, 9]),
    ("(lam (map (lam (+ $0 1)) $0))", "[7, 8]", [8, 9]),
    ("(lam (filter (lam (even? $0)) $0))", "[0, 3, 8]", [0, 8]),
    ("(lam (head (reverse $0)))", "[1, 2, 5]", 5),
    ("(lam (length $0))", "[3, 3]", 2),
    ("(lam (- (max $0) (min $0)))", "[9, 2, 4]", 7),
    ("(lam (reverse $0))", "[1, 2, 3]", [3, 2, 1]),
    ("(lam (reverse (sort $0)))", "[0, 2, 1]", [2, 1, 0]),
    ("(lam (map (lam (* $0 $0)) $0))", "[3, 4]", [9, 16]),
    ("(lam (sum $0))", "[1, 2, 3]", 6),
]


@pytest.mark.parametrize(("program", "arg", "expected"), SOLVED)
def test_every_example_program_runs(program: str, arg: str, expected: object) -> None:
    proc = metagrow("run", program, arg)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["(lam (reverse $0))", "[[1], [2, 3]]"], [[2, 3], [1]]),
        (["(lam (reverse $0))", "[true, false]"], [False, True]),
        (["(lam (reverse $0))", "[]"], []),
        (["(lam (lam (append $0 $1)))", "[1]", "[2, 3]"], [2, 3, 1]),
        (["(lam (if (empty? $0) 0 1))", "[]"], 0),
        (["(+ 1 2)"], 3),
        (["(lam $0)", "[[true]]", "--type", "list(list(bool)) -> list(list(bool))"], [[True]]),
    ],
)
def test_type_variables_are_filled_in_from_the_arguments(args: list[str], expected: object) -> None:
    proc = metagrow("run", *args)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["(lam (head $0))", "[]"], "the program failed: head of an empty list"),
        (["(lam (max $0))", "[]"], "the program failed: max of an empty list"),
        (
            ["(lam (index 3 $0))", "[1]"],
            "the program failed: index 3 is outside a list of length 1",
        ),
        (["(lam (mod 1 $0))", "0"], "the program failed: mod by zero"),
        (["(lam (reverse $0))", '"abc"'], "cannot tell the type of argument 1"),
        (["(lam (reverse $0))", "[1, true]"], "cannot tell the type of argument 1"),
        (["(lam (lam (append $0 $1)))", "[1]", "[true]"], "expected an int, got True"),
        (["(lam (reverse $0))", "[1]", "--type", "int -> int"], "not --type int -> int"),
        (["(lam (reverse $0))", "[1]", "--type", "list(int ->"], "--type"),
        (["(lam (length $0))", "[1]", "[2]"], "takes 1 argument(s), got 2"),
    ],
)
def test_a_failing_run_is_one_line(args: list[str], needle: str) -> None:
    proc = metagrow("run", *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]
    assert "Error" not in lines[0]  # no Python exception names


def test_run_names_a_stored_invention(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    with Store(db) as store:
        run_id = store.start_run("lists", {"suite": "test"})
        f0 = InventionRecord("f0", "(lam (map (lam (+ $0 1)) $0))", "list(int) -> list(int)",
                             0.0, 0, ("increment-each",))  # fmt: skip
        store.commit_iteration(
            run_id, 0, metrics={}, inventions=[f0], production_weights={}, log_variable=0.0,
            solutions=[], budgets={}, tasks_seen=[],
        )  # fmt: skip
    proc = metagrow("run", "(lam (f0 (reverse $0)))", "[1, 2]", "--store", str(db))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [3, 2]
    without = metagrow("run", "(lam (f0 $0))", "[1, 2]")
    assert without.returncode == 2
    assert "unknown primitive 'f0'" in without.stderr
