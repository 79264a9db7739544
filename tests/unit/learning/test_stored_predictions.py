"""What `learn` predicted for each task's test inputs lands in the store: solved tasks
and unsolved ones the search still guessed at, up to two attempts each in the domain's
JSON encoding; one attempt when the run caps its programs (so that it repeats exactly)."""

from __future__ import annotations

from pathlib import Path

import pytest

import metagrow
from metagrow.domains import domain_from_spec
from metagrow.lang import Task
from metagrow.store import Store


@pytest.fixture(scope="module")
def arc_tasks() -> list[Task]:
    """Two tasks solved by rules fitted to them (which the library does not store, so
    their attempts are guesses) and one by a library program (`crop`)."""
    wanted = ("007bbfb7", "00d62c1b", "1cf80156")
    return [t for t in domain_from_spec("grids").suite("training") if t.name in wanted]


def stored(path: Path) -> tuple[dict[str, str], dict[str, tuple[tuple[object, ...], ...]]]:
    with Store(path, read_only=True) as db:
        run = db.runs()[-1]["id"]
        assert isinstance(run, int)
        programs = {s.task: s.program for s in db.checkpoint(run).solutions}
        return programs, {t: p.attempts for t, p in db.predictions(run).items()}


def test_solved_and_unsolved_tasks_keep_their_attempts(
    arc_tasks: list[Task], tmp_path: Path
) -> None:
    db = tmp_path / "arc.db"
    metagrow.learn(arc_tasks, "grids", iterations=1, budget=1, jobs=1, guide=False, store=db)
    programs, attempts = stored(db)
    grids = domain_from_spec("grids")
    truth = {
        t.name: [grids.encode(ex.output, t.request.returns()) for ex in t.test] for t in arc_tasks
    }
    assert set(attempts) == set(truth)
    for name, per_input in attempts.items():
        assert len(per_input) == len(truth[name])
        assert all(1 <= len(a) <= 2 for a in per_input)
        assert all(isinstance(v, list) and isinstance(v[0], list) for a in per_input for v in a)
    solved = next(iter(programs))
    assert truth[solved] == [a[0] for a in attempts[solved]]
    unsolved_guesses = [t for t in attempts if t not in programs]
    assert unsolved_guesses, "an unsolved task's guesses were not stored"
    assert any(len(a) == 2 for t in attempts for a in attempts[t]), "no second attempt"


def test_a_run_with_a_program_cap_stores_one_attempt(arc_tasks: list[Task], tmp_path: Path) -> None:
    db = tmp_path / "capped.db"
    metagrow.learn(
        arc_tasks, "grids", iterations=1, budget=1, programs=3000, jobs=1, guide=False, store=db
    )
    _, attempts = stored(db)
    assert attempts and all(len(a) == 1 for t in attempts for a in attempts[t])
