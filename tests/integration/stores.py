"""A small store for the tests of what reads stores: two runs of the lists domain (the
newer with an invention ``f0``) and a fitted model."""

from __future__ import annotations

from pathlib import Path

from metagrow.store import InventionRecord, SolutionRecord, Store

MODEL = {
    "format": "metagrow-model", "version": 1, "kind": "regression",
    "columns": ["a", "b"], "target": "y", "classes": [],
    "programs": [{"structure": "(lam (lam (div (add $1 c) $0)))", "constants": [1.0]}],
}  # fmt: skip
"""(a + 1) / b: infinite where b is 0."""


def solution(task: str, program: str, iteration: int = 0) -> SolutionRecord:
    return SolutionRecord(task, program, -5.0, 0.5, 120, iteration)


def commit(
    store: Store,
    run: int,
    solutions: list[SolutionRecord],
    inventions: tuple[InventionRecord, ...] = (),
) -> None:
    store.commit_iteration(
        run, 0, metrics={}, inventions=list(inventions), production_weights={},
        log_variable=0.0, solutions=solutions, budgets={},
        tasks_seen=[s.task for s in solutions],
    )  # fmt: skip


def make_store(db: Path) -> Path:
    """Two runs of the lists domain (the newer one with an invention ``f0``) and a model."""
    with Store(db) as store:
        old = store.start_run("lists", {"suite": "old"})
        commit(store, old, [solution("sum", "(lam (sum $0))"),
                             solution("reverse", "(lam $0)")])  # fmt: skip
        new = store.start_run("lists", {"suite": "new"})
        f0 = InventionRecord("f0", "(lam (map (lam (+ $0 1)) $0))", "list(int) -> list(int)",
                             0.0, 0, ("add-one",))  # fmt: skip
        commit(store, new, [
            solution("add-one-reversed", "(lam (f0 (reverse $0)))"),
            solution("reverse", "(lam (reverse $0))"),
            solution("first", "(lam (head $0))"),
            solution("join", "(lam (lam (append $0 $1)))"),
        ], (f0,))  # fmt: skip
        store.save_model("ratio", MODEL)
    return db
