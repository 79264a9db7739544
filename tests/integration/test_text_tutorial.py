"""The tutorial's domain (docs/new-domain.md, examples/text): a domain written outside
metagrow plugs in by import string for solve, bench and learn, from the CLI and from
Python, and passes the domain contract."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import metagrow
from metagrow.domains import Domain
from metagrow.testing import check_domain

TEXT = Path(__file__).resolve().parents[2] / "examples" / "text"
DOMAIN = "textdomain:TextDomain"


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metagrow", *args],
        cwd=TEXT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def text_domain() -> Iterator[Domain]:
    """The tutorial's domain, imported as its user would (its folder on the path, where
    worker processes find it too)."""
    sys.path.insert(0, str(TEXT))
    from textdomain import TextDomain

    yield TextDomain()
    sys.path.remove(str(TEXT))


def test_the_tutorial_domain_is_short_and_passes_the_contract(text_domain: Domain) -> None:
    assert len((TEXT / "textdomain.py").read_text().splitlines()) <= 80
    tasks = [text_domain.read_task(f) for f in sorted(TEXT.glob("*.json"))]
    report = check_domain(text_domain, tasks)
    assert {r.status for r in report.results} == {"passed"}, report.lines()
    done = _cli("domain", "check", "--domain", DOMAIN, "--tasks", ".")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("passed") == len(report.results)


def test_solve_with_an_imported_domain_from_the_cli() -> None:
    done = _cli("solve", "initials.json", "--domain", DOMAIN, "--budget", "10", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["solved"] and record["predictions"] == [["JVN"], ["DK"]]
    bad = _cli("solve", "initials.json", "--domain", "textdomain:Nope")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "has no 'Nope'" in bad.stderr


def test_solve_with_a_domain_instance_from_python(text_domain: Domain) -> None:
    path = TEXT / "title-case.json"
    result = metagrow.solve(path, text_domain, budget=10)
    truth = [(ex["output"],) for ex in json.loads(path.read_text())["test"]]
    assert result.solved and list(result.predictions) == truth


def test_bench_and_learn_with_an_imported_domain(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    bench = _cli(
        "bench", "lists", "--domain", DOMAIN, "--tasks", ".", "--budget", "3", "--jobs", "2",
        "--json", str(out),
    )  # fmt: skip
    assert bench.returncode == 0, bench.stderr
    totals = json.loads(out.read_text())["totals"]
    assert totals["tasks"] == 9 and totals["test_correct"] >= 7
    store = tmp_path / "text.db"
    learn = _cli(
        "learn", "--domain", DOMAIN, "--tasks", ".", "--iterations", "1", "--budget", "2",
        "--jobs", "2", "--store", str(store), "--guide-seconds", "4",
    )  # fmt: skip
    assert learn.returncode == 0, learn.stderr
    assert "generic token encoder" in learn.stderr
    assert "iteration 0" in learn.stdout and "new inventions: f" in learn.stdout
    shown = _cli("library", "show", "--store", str(store))
    assert shown.returncode == 0 and "split" in shown.stdout
