"""``metagrow bench regression``: fitted programs on the formula suite and scikit-learn's
data, next to gplearn, a linear model and gradient boosting at the same time budget.

Every task (a formula's train and held-out tables, or a scikit-learn data set split 75/25
with ``random_state=0``) runs its systems one after another in one worker process, so
the systems share the machine the same way; tasks run in parallel across workers.
Per task and system: test R² (accuracy for a class task), R² > 0.999, exact recovery of
the formula (see :mod:`metagrow.bench._recovery`), size in nodes, seconds.
"""

from __future__ import annotations

import math
import multiprocessing
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, final

from metagrow.bench._recovery import CHECK_SECONDS, limit_memory, recovered
from metagrow.bench._regression_systems import SYSTEMS, System, fit_system, test_score
from metagrow.bench._report import SuiteInterrupted, git_commit, machine, stopped_note
from metagrow.domains.numeric import Dataset, Formula

Suite = Literal["formulas", "sklearn", "all"]
R2_GOOD = 0.999


@final
@dataclass(frozen=True, slots=True, eq=False)
class RegressionTask:
    """One task: its data, which suite it is from, and the true formula (formula tasks)."""

    dataset: Dataset
    suite: Literal["formulas", "sklearn"]
    formula: Formula | None = None

    @property
    def name(self) -> str:
        return self.dataset.name


def regression_tasks(suite: Suite = "all", seed: int = 0) -> tuple[RegressionTask, ...]:
    """The formula suite (``formula_suite(seed)``) then the scikit-learn tables."""
    from metagrow.domains.numeric import FORMULAS, formula_suite, sklearn_suite

    tasks: list[RegressionTask] = []
    if suite in ("formulas", "all"):
        datasets = formula_suite(seed)
        tasks += [RegressionTask(d, "formulas", f) for d, f in zip(datasets, FORMULAS, strict=True)]
    if suite in ("sklearn", "all"):
        tasks += [RegressionTask(d, "sklearn") for d in sklearn_suite()]
    return tuple(tasks)


@final
@dataclass(frozen=True, slots=True)
class SystemRecord:
    """One system on one task. ``score`` is test R² (``metric="r2"``) or accuracy;
    ``r2_good`` and ``recovered`` are ``None`` where they do not apply (``recovered`` is
    also ``None`` when the check ran out of time)."""

    task: str
    suite: str
    system: str
    metric: Literal["r2", "accuracy"]
    score: float | None
    r2_good: bool | None
    recovered: bool | None
    size: int | None
    seconds: float
    program: str | None
    error: str | None = None


@final
@dataclass(frozen=True, slots=True)
class RegressionReport:
    """The whole run; ``planned`` is the number of tasks when Ctrl-C stopped it early."""

    suite: str
    systems: tuple[str, ...]
    budget: float
    jobs: int
    seed: int
    tasks: tuple[SystemRecord, ...]
    wall_seconds: float
    planned: int | None = None
    notes: tuple[str, ...] = ()
    commit: str = field(default_factory=lambda: git_commit())
    machine: dict[str, object] = field(default_factory=lambda: machine())

    @property
    def engine(self) -> str:
        return ",".join(self.systems)

    @property
    def task_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.task for r in self.tasks))

    @property
    def totals(self) -> dict[str, object]:
        return {s: self.aggregate(s) for s in self.systems}

    def aggregate(self, system: str) -> dict[str, object]:
        """Per system: tasks, exact-recovery share (formula tasks), share with R² > 0.999
        and median test R² (regression tasks), mean accuracy (class tasks), mean size,
        total seconds and errors."""
        rows = [r for r in self.tasks if r.system == system]
        formulas = [r for r in rows if r.suite == "formulas"]
        regression = [r for r in rows if r.metric == "r2"]
        classes = [r for r in rows if r.metric == "accuracy"]
        sizes = [r.size for r in rows if r.size is not None]
        r2 = [-math.inf if r.score is None else r.score for r in regression]
        return {
            "tasks": len(rows),
            "formula_tasks": len(formulas),
            "recovered": sum(bool(r.recovered) for r in formulas),
            "recovery_timeouts": sum(r.recovered is None and r.error is None for r in formulas)
            if system in ("metagrow", "gplearn")
            else 0,
            "recovered_share": _share(sum(bool(r.recovered) for r in formulas), len(formulas)),
            "r2_good_share": _share(sum(bool(r.r2_good) for r in regression), len(regression)),
            "median_r2": _finite(statistics.median(r2)) if r2 else None,
            "mean_accuracy": _mean([r.score for r in classes if r.score is not None]),
            "mean_size": _mean([float(s) for s in sizes]),
            "seconds": round(sum(r.seconds for r in rows), 1),
            "errors": sum(r.error is not None for r in rows),
        }

    def to_json(self) -> dict[str, object]:
        return {
            "suite": self.suite,
            "systems": list(self.systems),
            "budget": self.budget,
            "jobs": self.jobs,
            "seed": self.seed,
            "commit": self.commit,
            "machine": self.machine,
            "wall_seconds": round(self.wall_seconds, 2),
            "interrupted": self.planned is not None,
            "tasks_planned": len(self.task_names) if self.planned is None else self.planned,
            "notes": list(self.notes),
            "totals": self.totals,
            "tasks": [asdict(r) for r in self.tasks],
        }

    def aggregate_markdown(self) -> str:
        lines = [
            "| system | tasks | exact recovery | R² > 0.999 | median R² | mean accuracy "
            "| mean size | seconds |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for system in self.systems:
            a = self.aggregate(system)
            lines.append(
                f"| {system} | {a['tasks']} | {_recovery(a)} | {_pct(a['r2_good_share'])} "
                f"| {_num(a['median_r2'])} | {_num(a['mean_accuracy'])} "
                f"| {_num(a['mean_size'], 1)} | {a['seconds']} |"
            )
        return "\n".join(lines) + "\n"

    def sklearn_markdown(self) -> str:
        """Test R² (accuracy for class tasks) per scikit-learn data set and system."""
        names = [n for n in self.task_names if self._row(n, None).suite == "sklearn"]
        if not names:
            return ""
        lines = ["| data set | metric | " + " | ".join(self.systems) + " |"]
        lines.append("|---|---|" + "---|" * len(self.systems))
        for name in names:
            cells = [_num(self._row(name, s).score) for s in self.systems]
            lines.append(f"| {name} | {self._row(name, None).metric} | " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"

    def _row(self, task: str, system: str | None) -> SystemRecord:
        return next(
            r for r in self.tasks if r.task == task and (system is None or r.system == system)
        )

    def markdown(self) -> str:
        head = (
            f"**regression bench** ({self.suite}), systems {', '.join(self.systems)}, "
            f"{self.budget:g} s per task per system, {self.jobs} jobs, seed {self.seed}, "
            f"commit `{self.commit}`{stopped_note(self)}, wall {self.wall_seconds:.0f} s"
        )
        parts = [head, "", self.aggregate_markdown()]
        if self.notes:
            parts += ["", *[f"- {n}" for n in self.notes], ""]
        sk = self.sklearn_markdown()
        if sk:
            parts += ["", sk]
        parts += ["", "| task | system | score | recovered | size | seconds | program |"]
        parts.append("|---|---|---|---|---|---|---|")
        for r in self.tasks:
            program = f"`{r.program}`" if r.program else (r.error or "-")
            parts.append(
                f"| {r.task} | {r.system} | {_num(r.score)} | {_yes(r.recovered, r.suite)} "
                f"| {r.size if r.size is not None else 'n/a'} | {r.seconds:.2f} | {program} |"
            )
        return "\n".join(parts) + "\n"


def run_task(
    task: RegressionTask, systems: Sequence[System], budget: float, seed: int,
    check_seconds: float = CHECK_SECONDS,
) -> tuple[SystemRecord, ...]:  # fmt: skip
    """Run ``systems`` one after another on ``task`` and score each, every system on one
    thread (BLAS and OpenMP limited to one), as the symbolic systems run."""
    import numpy as np
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    from metagrow.domains.numeric import parse_formula

    data = task.dataset
    metric: Literal["r2", "accuracy"] = "r2" if data.train.kind == "regression" else "accuracy"
    truth = parse_formula(task.formula) if task.formula is not None else None
    out = []
    for system in systems:
        try:
            with np.errstate(all="ignore"), threadpool_limits(1):
                fitted = fit_system(system, data.train, data.heldout, budget, seed)
        except Exception as err:  # one system failing must not lose the others
            message = f"{type(err).__name__}: {err}".splitlines()[0][:200]
            out.append(
                SystemRecord(data.name, task.suite, system, metric, None, None, None, None,
                             0.0, None, message)
            )  # fmt: skip
            continue
        score = test_score(data.heldout, fitted.predictions)
        found = None
        if truth is not None and fitted.expression is not None:
            assert task.formula is not None
            ranges = {v.name: (v.low, v.high) for v in task.formula.variables}
            found = recovered(fitted.expression, truth, check_seconds, ranges)
        elif truth is not None:
            found = False  # a model with no formula recovers none
        out.append(
            SystemRecord(
                task=data.name,
                suite=task.suite,
                system=system,
                metric=metric,
                score=_finite(score),
                r2_good=score > R2_GOOD if metric == "r2" else None,
                recovered=found,
                size=fitted.size,
                seconds=round(fitted.seconds, 3),
                program=fitted.text,
            )
        )
    return tuple(out)


def run_regression(
    tasks: Sequence[RegressionTask],
    systems: Sequence[System] = SYSTEMS,
    *,
    budget: float = 60.0,
    jobs: int = 1,
    seed: int = 0,
    suite: str = "all",
    notes: Sequence[str] = (),
    check_seconds: float = CHECK_SECONDS,
    on_task: Callable[[tuple[SystemRecord, ...]], None] | None = None,
    backend: Literal["pool", "ray"] = "pool",
) -> RegressionReport:
    """Run every task in ``jobs`` processes (in this one for ``jobs=1``), or ``jobs`` at a
    time as Ray tasks with ``backend="ray"`` (the cluster in ``RAY_ADDRESS``, else a local
    Ray); records come back in task order. Ctrl-C raises :class:`SuiteInterrupted` with
    the tasks finished."""
    start = time.perf_counter()
    done: dict[int, tuple[SystemRecord, ...]] = {}

    def report(planned: int | None = None) -> RegressionReport:
        records = tuple(r for i in sorted(done) for r in done[i])
        return RegressionReport(
            suite, tuple(systems), budget, jobs, seed, records,
            time.perf_counter() - start, planned, tuple(notes),
        )  # fmt: skip

    def finish(index: int, records: tuple[SystemRecord, ...]) -> None:
        done[index] = records
        if on_task is not None:
            on_task(records)

    args = (tuple(systems), budget, seed, check_seconds)
    try:
        if jobs <= 1 and backend == "pool":
            for i, task in enumerate(tasks):
                finish(i, run_task(task, *args))
        else:
            _run_pool(tasks, args, jobs, finish, backend)
    except KeyboardInterrupt:
        raise SuiteInterrupted(replace(report(), planned=len(tasks)), len(tasks)) from None
    return report()


WORKER_MEMORY_MB = 6144
"""Address space a bench worker may map beyond what it starts with: a system that blows up
(a bloated gplearn program, a sympy expansion) fails its task with ``MemoryError``
instead of taking the machine."""


def _limit_memory() -> None:
    limit_memory(WORKER_MEMORY_MB)


def _run_pool(
    tasks: Sequence[RegressionTask],
    args: tuple[Any, ...],
    jobs: int,
    finish: Callable[[int, tuple[SystemRecord, ...]], None],
    backend: Literal["pool", "ray"] = "pool",
) -> None:
    """At most ``jobs`` tasks at a time in worker processes or Ray tasks."""
    pool: Executor
    if backend == "ray":
        from metagrow.search import RayExecutor

        pool = RayExecutor(memory_mb=WORKER_MEMORY_MB)
    else:
        pool = ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("fork"), initializer=_limit_memory
        )
    todo = list(enumerate(tasks))[::-1]
    futures: dict[Future[tuple[SystemRecord, ...]], int] = {}
    try:
        while todo or futures:
            while todo and len(futures) < jobs:
                i, task = todo.pop()
                futures[pool.submit(run_task, task, *args)] = i
            finished, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in finished:
                finish(futures.pop(future), future.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():
            child.kill()
        raise
    pool.shutdown()


def _share(n: int, total: int) -> float | None:
    return round(n / total, 4) if total else None


def _mean(xs: Sequence[float]) -> float | None:
    return round(sum(xs) / len(xs), 4) if xs else None


def _finite(x: float) -> float | None:
    return round(x, 6) if math.isfinite(x) else None


def _num(x: object, digits: int = 4) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def _pct(x: object) -> str:
    return "n/a" if not isinstance(x, float) else f"{x:.0%}"


def _recovery(a: dict[str, object]) -> str:
    if not a["formula_tasks"]:
        return "n/a"
    return f"{a['recovered']}/{a['formula_tasks']} ({_pct(a['recovered_share'])})"


def _yes(value: bool | None, suite: str) -> str:
    if suite != "formulas":
        return "n/a"
    return "timeout" if value is None else "yes" if value else "no"
