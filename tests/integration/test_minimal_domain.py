"""A domain that defines only ``name``, ``grammar()`` and ``constructors()`` works with
solve, bench, learn and check_domain, imported by string from the current directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MINIMAL = """
from metagrow.domains import Domain
from metagrow.domains.lists import list_primitives
from metagrow.lang import Grammar

class Tiny(Domain):
    name = "tiny"

    def grammar(self):
        keep = {"+", "1", "map", "reverse", "sum"}
        return Grammar.uniform([p for p in list_primitives() if p.name in keep])

    def constructors(self):
        return frozenset({"int", "list"})
"""


def _task(name: str, f: object) -> dict[str, object]:
    xs = [[1, 2], [5, 0, 3], [4], [2, 2, 7]]
    return {
        "name": name,
        "type": "list(int) -> list(int)",
        "train": [{"input": x, "output": f(x)} for x in xs[:3]],  # type: ignore[operator]
        "test": [{"input": xs[3]}],
    }


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metagrow", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_minimal_domain_solves_benches_learns_and_is_checked(tmp_path: Path) -> None:
    (tmp_path / "tiny.py").write_text(MINIMAL)
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    for name, f in [
        ("incr", lambda x: [v + 1 for v in x]),
        ("incr2", lambda x: [v + 2 for v in x]),
        ("rev-incr", lambda x: [v + 1 for v in reversed(x)]),
    ]:
        (tasks / f"{name}.json").write_text(json.dumps(_task(name, f)))
    solved = _cli(tmp_path, "solve", "tasks/incr.json", "--domain", "tiny:Tiny", "--json",
                  "--budget", "5")  # fmt: skip
    assert solved.returncode == 0, solved.stderr
    assert json.loads(solved.stdout)["predictions"] == [[[3, 3, 8]]]
    bench = _cli(tmp_path, "bench", "lists", "--domain", "tiny:Tiny", "--tasks", "tasks",
                 "--budget", "3", "--jobs", "2")  # fmt: skip
    assert bench.returncode == 0, bench.stderr
    assert "train-solved 3/3" in bench.stdout
    learn = _cli(tmp_path, "learn", "--domain", "tiny:Tiny", "--tasks", "tasks", "--iterations",
                 "1", "--budget", "2", "--no-guide", "--jobs", "1", "--store", "t.db")  # fmt: skip
    assert learn.returncode == 0, learn.stderr
    assert "solved 3/3" in learn.stdout
    no_suite = _cli(tmp_path, "learn", "--domain", "tiny:Tiny", "--store", "t.db")
    assert no_suite.returncode == 2 and "has no built-in suite" in no_suite.stderr
    check = subprocess.run(
        [sys.executable, "-c", "import tiny; from metagrow.testing import check_domain; "
         "print(*check_domain(tiny.Tiny()).lines(), sep='\\n')"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    assert "not applicable  values round-trip" in check.stdout
    assert "passed  workers rebuild the domain by class" in check.stdout
