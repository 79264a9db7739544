"""Every misuse of the command line's options is one line on stderr and exit code 2,
found before any search starts: Click's own usage errors included."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import metagrow

TASK = str(Path(__file__).resolve().parents[2] / "examples" / "lists" / "sum.json")
ABSENT = "/nonexistent/metagrow-test"

MISUSES = [
    # solve
    ["solve", TASK, "--budget", "0"],
    ["solve", TASK, "--budget", "-1"],
    ["solve", TASK, "--budget", "inf"],
    ["solve", TASK, "--budget", "nan"],
    ["solve", TASK, "--budget", "abc"],
    ["solve", TASK, "--attempts", "0"],
    ["solve", TASK, "--memory", "0"],
    ["solve", TASK, "--engine", "nope"],
    ["solve", TASK, "--domain", "nope"],
    ["solve", TASK, "--store", f"{ABSENT}.db"],
    ["solve", TASK, "--bogus"],
    ["solve"],
    ["solve", ABSENT],
    # run
    ["run", "(lam $0)", "1", "--domain", "nope"],
    ["run", "(lam $0)", "1", "--store", f"{ABSENT}.db"],
    ["run", "(lam $0)", "1", "--type", "int ->"],
    ["run", "(lam $0)"],
    # bench lists
    ["bench", "lists", "--budget", "0"],
    ["bench", "lists", "--budget", "inf"],
    ["bench", "lists", "--jobs", "-1"],
    ["bench", "lists", "--limit", "-1"],
    ["bench", "lists", "--memory", "0"],
    ["bench", "lists", "--engine", "nope"],
    ["bench", "lists", "--split", "nope"],
    ["bench", "lists", "--tasks", ABSENT],
    ["bench", "lists", "--json", f"{TASK}/report.json"],
    # bench arc
    ["bench", "arc", "--budget", "0"],
    ["bench", "arc", "--jobs", "-1"],
    ["bench", "arc", "--limit", "-1"],
    ["bench", "arc", "--engine", "nope"],
    ["bench", "arc", "--split", "nope"],
    ["bench", "arc", "--tasks", ABSENT],
    ["bench", "arc", "--submission", str(Path(TASK).parent)],
    # bench digits
    ["bench", "digits", "--seed", "-1"],
    ["bench", "digits", "--plot", "curve.txt"],
    # demo
    ["demo", "--budget", "0"],
    ["demo", "--engine", "nope"],
    ["demo", "--domain", "nope"],
    ["demo", ABSENT],
    # guide
    ["guide", "show", "--store", f"{ABSENT}.db"],
    ["guide", "explain", TASK, "--store", f"{ABSENT}.db"],
    # the command itself
    ["nope"],
]


@pytest.mark.parametrize("args", MISUSES, ids=" ".join)
def test_misuse_is_one_line_and_exit_2(args: list[str]) -> None:
    proc = metagrow(*args, timeout=30)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("metagrow: error: ")
    assert proc.stdout == ""
