"""A store written through the store's own API: a lists run on the built-in train suite
(so the pages can read the tasks' examples again), two iterations, two inventions (``f1``
built on ``f0``), a right program, a wrong one and a guide's training record; the search's
attempts for ``any-gt-5`` (solved) and ``count-down`` (not solved), none for ``cons-5``."""

from __future__ import annotations

import warnings
from pathlib import Path

from metagrow.store import GuideRecord, InventionRecord, PredictionRecord, SolutionRecord, Store

with warnings.catch_warnings():  # starlette's advice to move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["TestClient", "write_store"]

F0 = InventionRecord(
    "f0", "(lam (lam (lam (gt? ($1 $0) $2))))", "int -> (t0 -> int) -> t0 -> bool", 1.4, 0,
    ("all-gt-2",), 1,
)  # fmt: skip
F1 = InventionRecord("f1", "(f0 4)", "(t0 -> int) -> t0 -> bool", 1.6, 0, ("any-gt-5",), 2)

# any-gt-5's test truths are false, true, true, false: every row has a right attempt, the
# second and third a wrong one too. count-down's are [1, 0], [5, ..., 0], [0], [8, ..., 0].
ATTEMPTS = (
    PredictionRecord("any-gt-5", ((False,), (True, False), (False, True), (False,))),
    PredictionRecord("count-down", (([1, 0],), ([5, 4, 3, 2, 1, 0], [6, 5]), (None,), ([8, 7],))),
)


def write_store(path: Path) -> Path:
    with Store(path) as db:
        run = db.start_run("lists", {"suite": "lists/train", "budget": 1.0})
        db.commit_iteration(
            run, 0,
            metrics={"solved": 2, "tasks": 3, "attempted": 3, "seconds": 2.5,
                     "newly_solved": ["any-gt-5", "cons-5"], "added": ["f0", "f1"]},
            inventions=[F0, F1], production_weights={}, log_variable=0.0,
            solutions=[
                SolutionRecord("any-gt-5", "(lam (gt? (head $0) 4))", -9.0, 0.1, 598, 0),
                SolutionRecord("any-gt-5", "(f1 head)", -4.0, 0.1, 598, 0, rewrite=True),
                SolutionRecord("cons-5", "(lam (cons 4 $0))", -6.0, 0.2, 80, 0),  # wrong
            ],
            budgets={"any-gt-5": 1.0, "cons-5": 1.0, "count-down": 1.5},
            tasks_seen=["any-gt-5", "cons-5", "count-down"], predictions=ATTEMPTS,
        )  # fmt: skip
        commit_second(db, run)
    return path


def commit_second(db: Store, run: int) -> None:
    training = {"epochs": 7, "loss_first": 3.5, "loss_last": 1.25, "seconds": 1.5}
    guide = GuideRecord(1, {"kind": "test"}, b"weights", training)
    db.commit_iteration(
        run, 1,
        metrics={"solved": 2, "tasks": 3, "attempted": 1, "seconds": 4.0, "guide_seconds": 1.5,
                 "newly_solved": [], "added": []},
        inventions=[F0, F1], production_weights={}, log_variable=0.0, solutions=[],
        budgets={"count-down": 2.25}, tasks_seen=[], guide=guide,
    )  # fmt: skip
