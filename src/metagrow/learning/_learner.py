"""The lifelong learner: wake (search every task) -> abstraction (compress) -> dream (train
the guide, when on) -> checkpoint.

Each iteration searches the tasks not yet solved with the current library, in parallel,
then compresses all solutions found so far into new inventions with stitch-core,
re-weights the grammar, and commits the iteration to the store in one transaction. A run
killed at any moment resumes from the last committed iteration; unsolved tasks are
retried with a larger budget each time (the curriculum).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import final

from metagrow.domains import Domain
from metagrow.guide import (
    Guide,
    GuideConfig,
    GuideData,
    encoder_for,
    load_guide,
    train_guide,
)
from metagrow.lang import (
    Expr,
    Grammar,
    GrammarSpec,
    Invented,
    InventionSpec,
    Prim,
    Task,
    build_grammar,
    grammar_spec,
)
from metagrow.library import compress
from metagrow.search import Backend, Budget, Engine, SolveJob, SolveResult
from metagrow.store import Checkpoint, GuideRecord, InventionRecord, SolutionRecord, Store


@final
@dataclass(frozen=True, slots=True)
class LearnConfig:
    """What a learning run does; runs with the same config resume each other."""

    domain: str
    suite: str
    iterations: int = 3
    budget: float = 10.0
    engine: str = "bottomup"
    budget_growth: float = 1.5
    max_budget_factor: float = 4.0
    compress_iterations: int = 5
    max_arity: int = 2
    pseudo_count: float = 3.0
    guide: bool = False
    guide_seconds: float | None = None
    """A cap on each dream phase (a third sampling fantasies, the rest training); ``None``
    keeps the guide's own limits."""

    def __post_init__(self) -> None:
        if self.iterations < 1:
            raise ValueError(f"iterations must be at least 1, got {self.iterations}")
        if not self.budget > 0:
            raise ValueError(f"budget must be positive, got {self.budget}")
        if self.budget_growth < 1 or self.max_budget_factor < 1:
            raise ValueError("budget growth and max budget factor must be at least 1")
        if self.guide_seconds is not None and not self.guide_seconds > 0:
            raise ValueError(f"guide seconds must be positive, got {self.guide_seconds}")

    def key(self) -> dict[str, object]:
        """The settings that identify "the same run" for resuming (not the iteration count,
        so a finished run can be continued for more iterations)."""
        out = asdict(self)
        del out["iterations"]
        if not self.guide:
            del out["guide"]  # runs from before the guide existed resume as they were
        if self.guide_seconds is None:
            del out["guide_seconds"]
        return out


@final
@dataclass(frozen=True, slots=True)
class IterationReport:
    """What one iteration did, for progress display."""

    iteration: int
    attempted: int
    newly_solved: tuple[str, ...]
    solved: int
    tasks: int
    added: tuple[str, ...]
    seconds: float
    library: tuple[tuple[str, str, str], ...] = field(default=())  # (name, body, type)
    guide_seconds: float | None = None  # time to train the guide, when one was trained


@final
class Learner:
    """Runs the lifelong loop over ``tasks``, persisting to ``store``.

    With ``config.guide`` each iteration ends by training a guide (``guide_config``, by
    default seeded with the iteration number) that the next iteration's search uses.
    """

    def __init__(
        self,
        domain: Domain,
        engine: Engine,
        tasks: Sequence[Task],
        store: Store,
        backend: Backend,
        config: LearnConfig,
        guide_config: GuideConfig | None = None,
    ) -> None:
        names = [t.name for t in tasks]
        if len(set(names)) != len(names):
            raise ValueError("task names must be unique")
        self.domain = domain
        self.engine = engine
        self.tasks = {t.name: t for t in tasks}
        self.store = store
        self.backend = backend
        self.config = config
        self.guide_config = guide_config

    def run(
        self,
        on_iteration: Callable[[IterationReport], None] | None = None,
        on_task: Callable[[str, bool], None] | None = None,
    ) -> int:
        """Run (or resume) to ``config.iterations``; returns the run id."""
        cfg = self.config
        run_id = self.store.find_run(cfg.domain, cfg.key())
        if run_id is None:
            run_id = self.store.start_run(cfg.domain, cfg.key())
        point = self.store.checkpoint(run_id)
        grammar = self._grammar(point)
        solutions = self._solutions(point, grammar)
        budgets = {name: point.budgets.get(name, cfg.budget) for name in self.tasks}
        guide = self._stored_guide(run_id) if cfg.guide else None
        for iteration in range(point.iteration + 1, cfg.iterations):
            start = time.perf_counter()
            todo = [t for name, t in self.tasks.items() if name not in solutions]
            found = self._wake(grammar, todo, budgets, on_task, guide)
            for name in found:
                solutions[name] = found[name].program  # type: ignore[assignment]
            for t in todo:
                if t.name not in found:
                    budgets[t.name] = min(
                        budgets[t.name] * cfg.budget_growth, cfg.budget * cfg.max_budget_factor
                    )
            before = {p.name for p in grammar.productions}
            squeezed = compress(
                grammar, solutions, self.tasks, cfg.compress_iterations, cfg.max_arity,
                cfg.pseudo_count,
            )  # fmt: skip
            grammar, solutions = squeezed.grammar, dict(squeezed.solutions)
            added = tuple(p.name for p in grammar.productions if p.name not in before)
            trained, guide_seconds = None, None
            if cfg.guide:
                dreamt = time.perf_counter()
                trained = self._dream(grammar, solutions, iteration)
                guide, guide_seconds = load_guide(trained), round(time.perf_counter() - dreamt, 2)
            seconds = time.perf_counter() - start
            report = IterationReport(
                iteration=iteration,
                attempted=len(todo),
                newly_solved=tuple(sorted(found)),
                solved=len(solutions),
                tasks=len(self.tasks),
                added=added,
                seconds=round(seconds, 2),
                library=_library_view(grammar),
                guide_seconds=guide_seconds,
            )
            self._commit(run_id, iteration, grammar, solutions, found, budgets, report, trained)
            if on_iteration is not None:
                on_iteration(report)
        return run_id

    # -- phases ---------------------------------------------------------------------------

    def _wake(
        self,
        grammar: Grammar,
        todo: Sequence[Task],
        budgets: Mapping[str, float],
        on_task: Callable[[str, bool], None] | None,
        guide: Guide | None = None,
    ) -> dict[str, SolveResult]:
        """Search every task in ``todo`` with the current library (its weights conditioned
        on each task by ``guide``, if given), grouped by budget."""
        spec = grammar_spec(grammar)
        own = None if guide is None else guide.specs_for(todo, grammar)
        found: dict[str, SolveResult] = {}
        groups: dict[float, list[Task]] = {}
        for t in todo:
            groups.setdefault(budgets[t.name], []).append(t)
        for seconds, group in sorted(groups.items()):
            budget = Budget(seconds, run_limits=self.domain.limits())
            job = SolveJob(self.domain, self.engine, budget, 1, spec, task_libraries=own)
            for outcome in self.backend.run(job, group):
                result = outcome.result
                program = result.program if result is not None and result.solved else None
                # A program using the task's own primitives teaches the library nothing.
                ok = program is not None and _in_library(program, grammar)
                if ok:
                    assert result is not None
                    found[outcome.task] = result
                if on_task is not None:
                    on_task(outcome.task, ok)
        return found

    def _commit(
        self,
        run_id: int,
        iteration: int,
        grammar: Grammar,
        solutions: Mapping[str, Expr],
        found: Mapping[str, SolveResult],
        budgets: Mapping[str, float],
        report: IterationReport,
        guide: GuideData | None = None,
    ) -> None:
        uses: dict[Expr, set[str]] = {}
        for task, program in solutions.items():
            for node in program.walk():
                if isinstance(node, Invented):
                    uses.setdefault(node, set()).add(task)
        created = {r.name: r.iteration for r in self.store.inventions(run_id)}
        inventions = [
            InventionRecord(
                name=p.name,
                source=grammar.show(p.expr.body),
                type=str(p.type),
                log_weight=p.log_weight,
                iteration=created.get(p.name, iteration),
                tasks=tuple(sorted(uses.get(p.expr, ()))),
                uses=len(uses.get(p.expr, ())),
            )
            for p in grammar.productions
            if isinstance(p.expr, Invented)
        ]
        records = [
            SolutionRecord(
                task=task,
                program=grammar.show(program),
                log_prior=found[task].solutions[0].log_prior if task in found else 0.0,
                seconds=found[task].seconds if task in found else 0.0,
                programs_tried=found[task].programs_tried if task in found else 0,
                iteration=iteration,
            )
            for task, program in sorted(solutions.items())
        ]
        metrics = {
            "attempted": report.attempted,
            "newly_solved": list(report.newly_solved),
            "solved": report.solved,
            "tasks": report.tasks,
            "added": list(report.added),
            "seconds": report.seconds,
        }
        if report.guide_seconds is not None:
            metrics["guide_seconds"] = report.guide_seconds
        record = None
        if guide is not None:
            record = GuideRecord(iteration, guide.architecture, guide.weights, guide.training)
        self.store.commit_iteration(
            run_id,
            iteration,
            metrics=metrics,
            inventions=inventions,
            production_weights={p.label: p.log_weight for p in grammar.productions},
            log_variable=grammar.log_variable,
            solutions=records,
            budgets=dict(budgets),
            tasks_seen=sorted(self.tasks),
            guide=record,
        )

    def _dream(self, grammar: Grammar, solutions: Mapping[str, Expr], iteration: int) -> GuideData:
        """Train a guide on the solved tasks' programs and on fantasies from ``grammar``."""
        config = self.guide_config or GuideConfig.for_tasks(len(self.tasks), seed=iteration)
        cap = self.config.guide_seconds
        if cap is not None:
            config = replace(
                config,
                fantasy_seconds=min(config.fantasy_seconds, cap / 3),
                max_seconds=min(config.max_seconds, 2 * cap / 3),
            )
        replays = [(self.tasks[name], program) for name, program in sorted(solutions.items())]
        return train_guide(
            encoder_for(self.domain), grammar, replays, list(self.tasks.values()),
            self.domain.limits(),
            config,
        )  # fmt: skip

    # -- resuming -------------------------------------------------------------------------

    def _stored_guide(self, run_id: int) -> Guide | None:
        record = self.store.guide(run_id)
        if record is None:
            return None
        return load_guide(GuideData(record.architecture, record.weights, record.training))

    def _grammar(self, point: Checkpoint) -> Grammar:
        return build_grammar(self.domain.grammar(), spec_of(point))

    def _solutions(self, point: Checkpoint, grammar: Grammar) -> dict[str, Expr]:
        out: dict[str, Expr] = {}
        for s in point.solutions:
            if s.task in self.tasks:
                out[s.task] = grammar.parse(s.program)
        return out


def _in_library(program: Expr, grammar: Grammar) -> bool:
    """Whether ``program`` uses only the library's primitives (not a task's own)."""
    return all(n.name in grammar.primitives for n in program.walk() if isinstance(n, Prim))


def spec_of(point: Checkpoint) -> GrammarSpec:
    """The grammar a checkpoint describes, as data for :func:`build_grammar`."""
    return GrammarSpec(
        weights=tuple(sorted(point.production_weights.items())),
        inventions=tuple(InventionSpec(r.name, r.source, r.log_weight) for r in point.inventions),
        log_variable=point.log_variable,
    )


def _library_view(grammar: Grammar) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (p.name, grammar.show(p.expr.body), str(p.type))
        for p in grammar.productions
        if isinstance(p.expr, Invented)
    )
