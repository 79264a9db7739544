"""The lifelong learner: wake (search every task) -> abstraction (compress) -> dream (train
the guide, when on) -> checkpoint.

Each iteration searches the tasks not yet solved with the current library, in parallel,
then compresses all solutions found so far into new inventions with stitch-core,
re-weights the grammar, and commits the iteration to the store in one transaction. A run
killed at any moment resumes from the last committed iteration; unsolved tasks are
retried with a larger budget each time (the curriculum).

Every solution is stored as found (its log-prior under the library it was searched with,
the seconds and programs its search took, the iteration), and each rewrite of it by a
later compression as a rewrite of it, so a run's record is exact and resuming continues
from each task's newest program.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import final

from metagrow.domains import Domain
from metagrow.fit import ModuleFunction, module_primitive, rename
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
    Primitive,
    Task,
    build_grammar,
    grammar_spec,
    log_prior,
    with_learned,
)
from metagrow.learning._config import IterationReport, LearnConfig, Phase
from metagrow.learning._modules import (
    TrunkLookup,
    adapted_modules,
    module_from_record,
    module_record,
)
from metagrow.library import compress
from metagrow.search import Backend, Engine, SolveJob, SolveResult
from metagrow.store import (
    Checkpoint,
    GuideRecord,
    InventionRecord,
    ModuleRecord,
    PredictionRecord,
    SolutionRecord,
    Store,
)


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
        on_phase: Callable[[Phase], None] | None = None,
    ) -> int:
        """Run (or resume) to ``config.iterations``; returns the run id. ``on_phase`` hears
        each phase begin, ``on_task`` each task searched, ``on_iteration`` each commit."""
        cfg = self.config
        run_id = self.store.find_run(cfg.domain, cfg.key(), exact=True)
        if run_id is None:
            run_id = self.store.start_run(cfg.domain, cfg.key())
        point = self.store.checkpoint(run_id)
        grammar = self._grammar(point)
        solutions = self._solutions(point, grammar)
        newest = {s.task: s for s in point.solutions if s.task in self.tasks}
        budgets = {name: point.budgets.get(name, cfg.budget) for name in self.tasks}
        guide = self._stored_guide(run_id) if cfg.guide else None
        phase = on_phase or (lambda _: None)
        for iteration in range(point.iteration + 1, cfg.iterations):
            start = time.perf_counter()
            todo = [t for name, t in self.tasks.items() if name not in solutions]
            phase(Phase(iteration, "search", len(todo)))
            found, predicted = self._wake(grammar, todo, budgets, on_task, guide)
            learned = self._claim(found, iteration)
            grammar = with_learned(grammar, tuple(p for _, p in learned))
            records = [self._found(name, found[name], grammar, iteration) for name in sorted(found)]
            for name in found:
                solutions[name] = found[name].learnable  # type: ignore[assignment]
            for t in todo:
                if t.name not in found:
                    budgets[t.name] = min(
                        budgets[t.name] * cfg.budget_growth, cfg.budget * cfg.max_budget_factor
                    )
            phase(Phase(iteration, "compress"))
            before = {p.name for p in grammar.productions}
            squeezed = compress(
                grammar, solutions, self.tasks, cfg.compress_iterations, cfg.max_arity,
                cfg.pseudo_count,
            )  # fmt: skip
            # rebuilt from its spec, exactly as a resumed run rebuilds it from the store
            grammar = build_grammar(self.domain.grammar(), grammar_spec(squeezed.grammar))
            newest.update((r.task, r) for r in records)
            for name, program in sorted(squeezed.solutions.items()):
                if program != solutions[name]:
                    newest[name] = self._rewrite(newest[name], program, grammar, iteration)
                    records.append(newest[name])
            solutions = dict(squeezed.solutions)
            added = tuple(p.name for p in grammar.productions if p.name not in before)
            trained, guide_seconds = None, None
            if cfg.guide:
                phase(Phase(iteration, "dream"))
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
            modules = [
                self._module_record(task, p, found[task], run_id, iteration) for task, p in learned
            ]
            self._commit(
                run_id, iteration, grammar, solutions, records, budgets, report, trained, modules,
                predicted,
            )  # fmt: skip
            if on_iteration is not None:
                on_iteration(report)
        return run_id

    def _found(
        self, name: str, result: SolveResult, grammar: Grammar, iteration: int
    ) -> SolutionRecord:
        """The record of a program search found, its log-prior under the library searched."""
        program = result.learnable
        assert program is not None
        return SolutionRecord(
            task=name,
            program=grammar.show(program),
            log_prior=log_prior(program, self.tasks[name].request, grammar),
            seconds=result.seconds,
            programs_tried=result.programs_tried,
            iteration=iteration,
        )

    def _rewrite(
        self, previous: SolutionRecord, program: Expr, grammar: Grammar, iteration: int
    ) -> SolutionRecord:
        """``previous`` rewritten by compression: the search figures stay those of the
        program it rewrites; the log-prior is under the new library."""
        return replace(
            previous,
            program=grammar.show(program),
            log_prior=log_prior(program, self.tasks[previous.task].request, grammar),
            iteration=iteration,
            rewrite=True,
        )

    def _claim(self, found: dict[str, SolveResult], iteration: int) -> list[tuple[str, Primitive]]:
        """The modules the found programs trained, each under a name no stored module has
        (a program whose module is renamed is rewritten to match), by task."""
        taken = {m.name for m in self.store.modules()}
        out: list[tuple[str, Primitive]] = []
        for task in sorted(found):
            result = found[task]
            for p in result.learned:
                name, n = p.name, 2
                while name in taken:
                    name, n = f"{p.name}_{n}", n + 1
                taken.add(name)
                if name != p.name:
                    result = _renamed(result, p.name, name)
                out.append((task, next(q for q in result.learned if q.name == name)))
            found[task] = result
        return out

    def _module_record(
        self, task: str, primitive: Primitive, result: SolveResult, run_id: int, iteration: int
    ) -> ModuleRecord:
        assert isinstance(primitive.value, ModuleFunction)
        solution = result.solutions[0]
        return module_record(
            primitive.value.module,
            {"train_score": round(solution.train_score, 4), "seconds": round(solution.seconds, 2)},
            {
                "task": task,
                "program": str(result.learnable),
                "run": run_id,
                "iteration": iteration,
                "engine": self.engine.name,
                "parent": primitive.value.module.parent,
            },
        )

    # -- phases ---------------------------------------------------------------------------

    def _wake(
        self,
        grammar: Grammar,
        todo: Sequence[Task],
        budgets: Mapping[str, float],
        on_task: Callable[[str, bool], None] | None,
        guide: Guide | None = None,
    ) -> tuple[dict[str, SolveResult], list[PredictionRecord]]:
        """Search every task in ``todo`` with the current library (its weights conditioned
        on each task by ``guide``, if given), grouped by budget: the tasks solved, and what
        every search (solved or not) predicted for its task's test inputs."""
        spec = grammar_spec(grammar)
        own = None if guide is None else guide.specs_for(todo, grammar)
        found: dict[str, SolveResult] = {}
        predicted: list[PredictionRecord] = []
        groups: dict[float, list[Task]] = {}
        for t in todo:
            groups.setdefault(budgets[t.name], []).append(t)
        for seconds, group in sorted(groups.items()):
            budget = self.config.task_budget(seconds, self.domain.limits())
            attempts = self._attempts()
            job = SolveJob(self.domain, self.engine, budget, attempts, spec, task_libraries=own)
            for outcome in self.backend.run(job, group):
                result = outcome.result
                if result is not None:
                    predicted.extend(self._predicted(self.tasks[outcome.task], result))
                program = result.learnable if result is not None and result.solved else None
                # A program using the task's own primitives teaches the library nothing
                # (modules trained for it do: they join the library).
                ok = program is not None and _in_library(
                    program, with_learned(grammar, result.learned if result else ())
                )
                if ok:
                    assert result is not None
                    found[outcome.task] = result
                if on_task is not None:
                    on_task(outcome.task, ok)
        return found, predicted

    def _attempts(self) -> int:
        """Two attempts per test input, as ARC scores them, unless the run caps the programs
        each search tries: the search for a second attempt is bounded by time, so a run
        that must repeat exactly asks for one (its program is the same either way)."""
        return 2 if self.config.programs is None else 1

    def _predicted(self, task: Task, result: SolveResult) -> list[PredictionRecord]:
        """The search's attempts for ``task``'s test inputs in the domain's JSON encoding
        (an attempt the encoder cannot write as JSON is left out); none if it made none."""
        if not any(result.predictions):
            return []
        out_type = task.request.returns()
        attempts = []
        for values in result.predictions:
            encoded: list[object] = []
            for value in values:
                try:
                    json_value = None if value is None else self.domain.encode(value, out_type)
                    json.dumps(json_value, allow_nan=False)
                except Exception:  # a domain's encoder on a value it did not expect
                    continue
                encoded.append(json_value)
            attempts.append(tuple(encoded))
        return [PredictionRecord(task.name, tuple(attempts))]

    def _commit(
        self,
        run_id: int,
        iteration: int,
        grammar: Grammar,
        solutions: Mapping[str, Expr],
        records: Sequence[SolutionRecord],
        budgets: Mapping[str, float],
        report: IterationReport,
        guide: GuideData | None = None,
        modules: Sequence[ModuleRecord] = (),
        predictions: Sequence[PredictionRecord] = (),
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
            modules=modules,
            predictions=predictions,
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
        """The library after the checkpoint (the domain's own grammar before any), joined
        by the modules adapted for this domain in the store (``metagrow adapt``) that it
        does not have yet."""
        grammar = build_grammar(self.domain.grammar(), spec_of(point, self.store.module))
        adapted = adapted_modules(self.store, self.domain.name, grammar.primitives)
        return with_learned(grammar, map(module_primitive, adapted))

    def _solutions(self, point: Checkpoint, grammar: Grammar) -> dict[str, Expr]:
        out: dict[str, Expr] = {}
        for s in point.solutions:
            if s.task in self.tasks:
                out[s.task] = grammar.parse(s.program)
        return out


def _in_library(program: Expr, grammar: Grammar) -> bool:
    """Whether ``program`` uses only the library's primitives (not a task's own)."""
    return all(n.name in grammar.primitives for n in program.walk() if isinstance(n, Prim))


def spec_of(point: Checkpoint, trunk: TrunkLookup | None = None) -> GrammarSpec:
    """The grammar a checkpoint describes, as data for :func:`build_grammar`; ``trunk``
    finds the trunk of a module stored as a head alone (``metagrow adapt``)."""
    return GrammarSpec(
        weights=tuple(sorted(point.production_weights.items())),
        inventions=tuple(InventionSpec(r.name, r.source, r.log_weight) for r in point.inventions),
        log_variable=point.log_variable,
        learned=tuple(module_primitive(module_from_record(r, trunk=trunk)) for r in point.modules),
    )


def _renamed(result: SolveResult, old: str, new: str) -> SolveResult:
    """``result`` with module ``old`` called ``new`` in its programs and learned primitives."""
    solutions = tuple(
        replace(
            s,
            program=rename(s.program, old, new),
            structure=None if s.structure is None else rename(s.structure, old, new),
            learned=tuple(
                module_primitive(replace(p.value.module, name=new))
                if p.name == old and isinstance(p.value, ModuleFunction)
                else p
                for p in s.learned
            ),
        )
        for s in result.solutions
    )
    program = None if result.program is None else rename(result.program, old, new)
    return replace(result, program=program, solutions=solutions)


def _library_view(grammar: Grammar) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (p.name, grammar.show(p.expr.body), str(p.type))
        for p in grammar.productions
        if isinstance(p.expr, Invented)
    )
