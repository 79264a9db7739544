"""Search over program structure and module choices, ranked by validation loss.

For the task's module slot every structure may take a library module frozen (scored
without training, so all structures get one), a library module fine-tuned, or a fresh
module; only the few structures ranked best (by frozen loss when the library has a
module of the slot's type, else by prior) are trained: every choice briefly, the best
few of those in full, within a time budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, final

from metagrow.fit._candidates import (
    SLOT,
    StructureConfig,
    candidate_structures,
    primitive_names,
    rename,
)
from metagrow.fit._library import module_primitive
from metagrow.fit._module import Module
from metagrow.fit._soft import SoftError, make_table
from metagrow.fit._train import Problem, TrainConfig, Trained, train_program
from metagrow.lang import Expr, Grammar

Choice = Literal["frozen", "finetune", "fresh"]
_CHOICE_ORDER: dict[Choice, int] = {"frozen": 0, "finetune": 1, "fresh": 2}


@final
@dataclass(frozen=True, slots=True)
class SearchConfig:
    """How much to search: structures enumerated, how many of the best-ranked are
    trained, each choice first for ``screen_epochs`` (successive halving in one step),
    then the ``finalists`` best in full; a wall-clock budget for screening."""

    structures: StructureConfig = field(default_factory=StructureConfig)
    train_structures: int = 3
    screen_epochs: int = 3
    finalists: int = 2
    seconds: float = 120.0
    deadline: float | None = None
    """A cap on the whole fit (structures, screening and finalists), in seconds."""
    compose: bool = False
    """Whether structures may also use the library's modules, frozen, beside the slot:
    several modules in one program."""


@final
@dataclass(frozen=True, slots=True)
class Candidate:
    """One structure with one module choice, after training (or scoring, if frozen)."""

    program: Expr
    choice: Choice
    source: str | None
    log_prior: float
    trained: Trained


@final
@dataclass(frozen=True, slots=True)
class FitResult:
    """The best candidate of a task and everything that was tried."""

    best: Candidate
    candidates: tuple[Candidate, ...]
    structures: int
    seconds: float

    @property
    def program(self) -> Expr:
        return self.best.program

    @property
    def modules(self) -> tuple[Module, ...]:
        return self.best.trained.modules

    @property
    def new_module(self) -> Module | None:
        """The module trained for this task (fresh or fine-tuned), for the library."""
        return None if self.best.choice == "frozen" else self.best.trained.modules[0]


def fit_task(
    name: str,
    problem: Problem,
    grammar: Grammar,
    slot: Module,
    library: Sequence[Module],
    search: SearchConfig,
    training: TrainConfig,
    seed: int,
) -> FitResult:
    """Find the structure and module choice with the lowest validation loss for task
    ``name``; a trained module is named ``net_<name>``."""
    start = time.perf_counter()
    reusable = [m for m in library if m.type == slot.type and m.trained]
    soft = frozenset(make_table(training.support))
    parts = {m.name: m for m in library if m.trained} if search.compose else {}
    for part in parts.values():
        if part.name not in grammar.primitives:
            grammar = grammar.with_primitive(module_primitive(part))
    structures = candidate_structures(
        grammar,
        slot,
        problem.request,
        [ex.inputs for ex in problem.train],
        soft | set(parts),
        search.structures,
        seed,
    )
    if not structures:
        raise ValueError(f"{name}: no program of type {problem.request} uses a module")
    new_name = f"net_{name}"
    tried: list[Candidate] = []

    def attempt(
        structure: Expr,
        log_prior: float,
        choice: Choice,
        module: Module,
        config: TrainConfig,
        parent: str | None = None,
    ) -> Candidate | None:
        program = rename(structure, SLOT, module.name)
        used = primitive_names(structure)
        others = [(m, False) for name, m in parts.items() if name in used and name != module.name]
        try:
            trained = train_program(
                program, [(module, choice != "frozen"), *others], problem, config, seed
            )
        except SoftError:
            return None
        source = {"frozen": module.name, "finetune": parent, "fresh": None}[choice]
        candidate = Candidate(program, choice, source, log_prior, trained)
        tried.append(candidate)
        return candidate

    for structure, cost in structures:
        for module in reusable:
            attempt(structure, -cost, "frozen", module, training)
    frozen_loss = {c.program: c.trained.validation_loss for c in tried}
    quick_loss = _glimpse(structures, slot.fresh(new_name), attempt, training, search, start)

    def rank(i: int) -> float:
        """How well structure ``i`` did so far (its prior order when nothing was tried)."""
        if not reusable and not quick_loss:
            return float(i)
        frozen = (frozen_loss.get(rename(structures[i][0], SLOT, m.name), 1e9) for m in reusable)
        return min([*frozen, quick_loss.get(i, 1e9)])

    order = sorted(range(len(structures)), key=rank)
    choices: list[tuple[float, Expr, float, Choice, Module, str | None]] = []
    screening = replace(training, max_epochs=search.screen_epochs)
    for i in order[: search.train_structures]:
        structure, cost = structures[i]
        options: list[tuple[Choice, Module, str | None]] = [
            ("finetune", replace(m, name=new_name, parent=m.name), m.name) for m in reusable
        ]
        options.append(("fresh", slot.fresh(new_name), None))
        for choice, module, parent in options:
            if time.perf_counter() - start > search.seconds:
                break
            if search.deadline is not None and time.perf_counter() - start > search.deadline / 2:
                break
            screened = attempt(structure, -cost, choice, module, screening, parent)
            if screened is not None:
                loss = screened.trained.validation_loss
                choices.append((loss, structure, -cost, choice, module, parent))
    choices.sort(key=lambda c: c[0])
    finalists = choices[: search.finalists]
    for i, (_, structure, log_prior, choice, module, parent) in enumerate(finalists):
        config = training
        if search.deadline is not None:
            share = (search.deadline - (time.perf_counter() - start)) / (len(finalists) - i)
            if share <= 0:
                break
            config = replace(training, seconds=min(training.seconds, share))
        attempt(structure, log_prior, choice, module, config, parent)
    if not tried:
        raise ValueError(f"{name}: no candidate program could be trained")
    best = _simplest_close_to_best(tried)
    return FitResult(best, tuple(tried), len(structures), time.perf_counter() - start)


def _simplest_close_to_best(tried: Sequence[Candidate]) -> Candidate:
    """The one-standard-error rule: of the candidates whose validation loss is within one
    standard error of the lowest, the simplest (the likeliest program, then a frozen
    module before a fine-tuned one before a fresh one), so that a few validation
    examples do not pick an elaborate program by chance."""
    lowest = min(tried, key=lambda c: c.trained.validation_loss)
    bound = lowest.trained.validation_loss + lowest.trained.validation_error
    close = [c for c in tried if c.trained.validation_loss <= bound]
    return min(
        close,
        key=lambda c: (-c.log_prior, _CHOICE_ORDER[c.choice], c.trained.validation_loss),
    )


def _glimpse(
    structures: Sequence[tuple[Expr, float]],
    fresh: Module,
    attempt: Callable[..., Candidate | None],
    training: TrainConfig,
    search: SearchConfig,
    start: float,
) -> dict[int, float]:
    """With ``compose``, every structure's validation loss after one epoch of a fresh
    module (within a third of the deadline), so that a structure whose slot holds a new
    concept beside library modules is ranked by how it trains, not only by how the
    library's modules do frozen in it."""
    if not search.compose:
        return {}
    cap = (search.deadline or search.seconds) / 3
    quick = replace(training, max_epochs=1)
    out: dict[int, float] = {}
    for i, (structure, cost) in enumerate(structures):
        if time.perf_counter() - start > cap:
            break
        seen = attempt(structure, -cost, "fresh", fresh, quick)
        if seen is not None:
            out[i] = seen.trained.validation_loss
    return out
