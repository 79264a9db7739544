"""Islands in parallel processes: loss-driven evolution over a table on several workers.

The search runs in epochs. In each, every worker evolves its own populations from where
they were (its programs, plus the best few of the previous worker: a ring of migrants) for
a fixed number of programs scored, then sends its population and front back. Epochs and
counts are fixed in advance, so for a seed the result does not depend on which worker is
faster; only a deadline can cut a run short.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Literal, final

import numpy as np

from metagrow.domains.numeric import NumericDomain
from metagrow.domains.numeric._vector import FloatArray
from metagrow.fit._constants import ConstantMethod, Loss
from metagrow.fit._objective import SOLVED_RELATIVE_MSE, TableObjective, table_request
from metagrow.lang import Expr, Grammar, GrammarSpec, build_grammar, grammar_spec
from metagrow.search import Front, MinimiseConfig, MinimiseStatus, Report, minimise

IslandBackend = Literal["pool", "ray"]
"""Where islands evolve: worker processes of this machine, or Ray tasks."""

EPOCHS = 8
"""How many times the workers' islands exchange migrants over a whole run."""


@final
@dataclass(frozen=True, slots=True)
class _Job:
    X: FloatArray
    y: FloatArray
    loss: Loss
    constants: ConstantMethod
    spec: GrammarSpec | None
    config: MinimiseConfig
    seed: int
    evaluations: int
    seconds: float
    start: tuple[Expr, ...]


def _run_island(job: _Job) -> MinimiseStatus:
    base = NumericDomain().grammar()
    grammar = base if job.spec is None else build_grammar(base, job.spec)
    objective = TableObjective(job.X, job.y, loss=job.loss, constants=job.constants)
    with np.errstate(all="ignore"):
        return minimise(
            objective,
            grammar,
            table_request(job.X.shape[1]),
            evaluations=job.evaluations,
            seconds=job.seconds,
            seed=job.seed,
            config=job.config,
            start=job.start,
        )


def parallel_islands(
    X: FloatArray,
    y: FloatArray,
    *,
    jobs: int,
    loss: Loss,
    evaluations: int,
    seconds: float,
    seed: int,
    grammar: Grammar | None,
    config: MinimiseConfig,
    constants: ConstantMethod,
    report: Report | None,
    start: tuple[Expr, ...] = (),
    backend: IslandBackend = "pool",
) -> MinimiseStatus:
    """Evolve on ``jobs`` worker processes from ``start`` programs (and the grammar's
    cheapest); the merged front of all of them. The workers are processes of this machine
    (``backend="pool"``) or Ray tasks (``"ray"``: the cluster in ``RAY_ADDRESS``, else a
    local Ray); the result is the same."""
    started = time.perf_counter()
    spec = None if grammar is None else grammar_spec(grammar)
    per_epoch = max(1, evaluations // (jobs * EPOCHS))
    populations: list[tuple[Expr, ...]] = [() for _ in range(jobs)]
    front, done, solved_epochs = Front(), 0, 0
    exact = SOLVED_RELATIVE_MSE * float(np.var(y)) if loss == "mse" else -1.0
    with _executor(backend, jobs) as pool:
        for epoch in range(EPOCHS):
            left = seconds - (time.perf_counter() - started)
            if left <= 0 or done >= evaluations:
                break
            runs = []
            for w in range(jobs):
                migrants = populations[(w - 1) % jobs][: config.migrants]
                own = populations[w] if epoch else start
                epoch_config = config if epoch == 0 else replace(config, enumerated=0)
                runs.append(
                    pool.submit(
                        _run_island,
                        _Job(
                            X,
                            y,
                            loss,
                            constants,
                            spec,
                            epoch_config,
                            seed * 7919 + epoch * 131 + w,
                            per_epoch,
                            left,
                            (*migrants, *own),
                        ),
                    )
                )
            results = [r.result() for r in runs]
            for w, status in enumerate(results):
                populations[w] = status.population
                front = front.merge(status.front.members)
                done += status.evaluations
            if report is not None:
                report(MinimiseStatus(done, time.perf_counter() - started, front))
            solved_epochs += front.best_loss <= exact
            if solved_epochs > 1:
                break  # fits exactly, and one more epoch looked for simpler programs
    return MinimiseStatus(done, time.perf_counter() - started, front)


def _executor(backend: IslandBackend, jobs: int) -> Executor:
    if backend == "ray":
        from metagrow.search import RayExecutor

        return RayExecutor()
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    return ProcessPoolExecutor(jobs, mp_context=context)
