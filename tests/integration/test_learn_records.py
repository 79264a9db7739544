"""`metagrow learn` keeps an exact record: a run killed with SIGKILL and resumed stores, task
by task, the same programs, log-priors, programs tried and iterations as a run that was
never interrupted (with ``--no-guide`` and a program budget a run repeats exactly, in one
process or in a pool: the killed run uses two workers, the uninterrupted one none)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

from cli_run import kill_after_commits, metagrow

from metagrow.domains.lists import suite_paths
from metagrow.store import Store

# The first 24 train tasks of the suite's first families (the deep families are mostly out
# of reach of this budget), 3 iterations: at 15,000 programs (growing with the budget)
# some tasks are solved only in a later iteration, and some solutions are rewritten by
# compression, so the record has every kind of row.
ITERATIONS = 3


def first_tasks(folder: Path, count: int = 24) -> Path:
    folder.mkdir()
    paths = [
        p
        for p in suite_paths("train")
        if not json.loads(p.read_text())["family"].startswith("deep-")
    ]
    for path in paths[:count]:
        shutil.copy(path, folder / path.name)
    return folder


def learn_args(folder: Path, db: Path, jobs: int = 1) -> list[str]:
    return [
        "learn", "--no-guide", "--programs", "15000", "--budget", "60", "--tasks", str(folder),
        "--iterations", str(ITERATIONS), "--jobs", str(jobs), "--store", str(db),
    ]  # fmt: skip


Row = tuple[str, float, int, int, int | None]


def record(db: Path) -> dict[str, list[Row]]:
    """Per task, every stored row but its seconds: program, log-prior, programs tried,
    iteration, and which earlier row of the task it rewrites (by position)."""
    with Store(db) as store:
        (run,) = store.runs()
        rows = store.solution_history(int(run["id"]))  # type: ignore[call-overload]
        assert len(store.iterations()) == ITERATIONS
    out: dict[str, list[Row]] = {}
    ids: dict[int, int] = {}
    for row in rows:
        r = row.record
        mine = out.setdefault(r.task, [])
        ids[row.id] = len(mine)
        rewrites = None if row.rewrite_of is None else ids[row.rewrite_of]
        mine.append((r.program, r.log_prior, r.programs_tried, r.iteration, rewrites))
    return out


def test_a_killed_and_resumed_run_stores_what_an_uninterrupted_run_stores(tmp_path: Path) -> None:
    folder = first_tasks(tmp_path / "tasks")
    whole = tmp_path / "whole.db"
    ran = metagrow(*learn_args(folder, whole), timeout=120)
    assert ran.returncode == 0, ran.stderr
    expected = record(whole)
    rows = [row for task in expected.values() for row in task]
    assert all(p > 0 and math.isfinite(lp) and lp < 0 for _, lp, p, _, _ in rows)
    iterations = {it for _, _, _, it, _ in rows}
    assert 0 in iterations and len(iterations) > 1, "no task solved in a later iteration"
    assert any(rewrites is not None for *_, rewrites in rows), "no rewrite was stored"

    killed = tmp_path / "killed.db"
    done = kill_after_commits(learn_args(folder, killed, jobs=2), killed, 1)
    assert 1 <= done < ITERATIONS

    resumed = metagrow(*learn_args(folder, killed, jobs=2), timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming run 1 after iteration" in resumed.stdout
    assert record(killed) == expected
