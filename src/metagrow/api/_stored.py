"""The programs a store learned, ready to run: each task's solution from the newest run that
holds it, with the domain, grammar and concrete type it runs with (``metagrow serve`` and
``metagrow export``), and the fitted models saved by ``metagrow fit --store``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import final

from metagrow.api._library import open_store
from metagrow.api._model import Model, ModelError, model_of
from metagrow.domains import BUILTIN_DOMAINS, Domain, domain_from_spec
from metagrow.lang import (
    Expr,
    Grammar,
    GrammarSpec,
    ProgramParseError,
    ProgramTypeError,
    TCon,
    Type,
    build_grammar,
    infer,
    substitute_vars,
)
from metagrow.learning import spec_of
from metagrow.store import SolutionRecord, StoreError

FILL_TYPES = ("int", "real")
"""What a type variable left in a stored program's type becomes: the first of these the
domain knows. A task file reads the elements of lists that are always empty as ``int``,
so ``(lam (reverse $0))`` : ``list(t0) -> list(t0)`` runs as ``list(int) -> list(int)``;
the numeric domain has no ints, so there it is ``real``."""


@final
@dataclass(frozen=True)
class StoredProgram:
    """A stored solution ready to run: ``Program(expr, grammar.primitives)`` applied to
    arguments of ``request``'s argument types (decoded by ``domain``). ``seconds`` and
    ``programs_tried`` are the search that found it; ``iteration`` is the one that stored
    it (a rewrite with a later library keeps the search figures of the program found)."""

    name: str
    domain: Domain
    grammar: Grammar = field(repr=False)
    expr: Expr
    request: Type
    run_id: int
    iteration: int
    seconds: float
    programs_tried: int

    @property
    def text(self) -> str:
        """The program as text, naming the run's inventions (``f0``, ...)."""
        return self.grammar.show(self.expr)


def stored_program(path: Path, name: str) -> StoredProgram:
    """The solution of task ``name`` from the newest run of the store at ``path`` that
    holds one; ``StoreError`` (one line) if there is none or it cannot be rebuilt."""
    runs = _runs(path)
    holder = next((run for run in runs if name in run.solutions), None)
    if holder is None:
        stored = _listing(sorted({t for run in runs for t in run.solutions}))
        raise StoreError(f"no stored solution for task {name!r}; stored: {stored}")
    return holder.program(path, name)


def stored_programs(path: Path) -> list[StoredProgram]:
    """One program per task name in the store at ``path`` (each from the newest run that
    holds the task), by name; ``StoreError`` (one line) if one cannot be rebuilt."""
    holders: dict[str, _Run] = {}
    for run in _runs(path):
        for task in run.solutions:
            holders.setdefault(task, run)
    return [holders[task].program(path, task) for task in sorted(holders)]


def stored_models(path: Path) -> dict[str, Model]:
    """The fitted models in the store at ``path`` by name; ``StoreError`` (one line) if
    one cannot be read."""
    with open_store(path) as db:
        models: dict[str, Model] = {}
        for name in db.models():
            try:
                models[name] = model_of(db.model(name), f"{path}: model {name!r}")
            except ModelError as err:
                raise StoreError(str(err)) from None
        return models


@final
@dataclass
class _Run:
    """A run as read from the store: its domain, library and each task's newest solution;
    the grammar is built when a program first needs it."""

    run_id: int
    domain_name: str
    spec: GrammarSpec
    solutions: dict[str, SolutionRecord]
    built: tuple[Domain, Grammar] | None = None

    def program(self, path: Path, task: str) -> StoredProgram:
        solution = self.solutions[task]
        where = f"{path}: task {task!r} (run {self.run_id})"
        try:
            domain, grammar = self._grammar()
            expr = grammar.parse(solution.program)
            request = filled_type(infer(expr, grammar), domain)
        except (ProgramParseError, ProgramTypeError, ValueError) as err:
            message = " ".join(str(err).split())
            raise StoreError(f"{where}: the stored program cannot be rebuilt ({message})") from None
        return StoredProgram(
            name=task,
            domain=domain,
            grammar=grammar,
            expr=expr,
            request=request,
            run_id=self.run_id,
            iteration=solution.iteration,
            seconds=solution.seconds,
            programs_tried=solution.programs_tried,
        )

    def _grammar(self) -> tuple[Domain, Grammar]:
        if self.built is None:
            if self.domain_name not in BUILTIN_DOMAINS:
                raise ValueError(f"domain {self.domain_name!r} is not a built-in domain")
            domain = domain_from_spec(self.domain_name)
            self.built = domain, build_grammar(domain.grammar(), self.spec)
        return self.built


def _runs(path: Path) -> list[_Run]:
    """Every run of the store at ``path`` that holds a solution, newest first."""
    with open_store(path) as db:
        runs = []
        for run in reversed(db.runs()):
            point = db.checkpoint(int(str(run["id"])))
            if point.solutions:
                solutions = {s.task: s for s in point.solutions}
                runs.append(_Run(point.run_id, str(run["domain"]), spec_of(point), solutions))
        return runs


def _listing(names: list[str], most: int = 20) -> str:
    """Up to ``most`` names, comma-separated (``none`` for none)."""
    shown = ", ".join(names[:most]) or "none"
    return shown + (f", ... ({len(names)} in all)" if len(names) > most else "")


def filled_type(t: Type, domain: Domain) -> Type:
    """``t`` with its type variables filled as :data:`FILL_TYPES` says."""
    if not t.is_polymorphic():
        return t
    fill = next((name for name in FILL_TYPES if name in domain.constructors()), None)
    if fill is None:
        raise ValueError(f"its type {t} has type variables and the domain has no int or real")
    return substitute_vars(t, dict.fromkeys(t.free_vars(), TCon(fill)))
