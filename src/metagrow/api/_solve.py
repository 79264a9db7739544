"""``metagrow.solve``: one task from Python, exactly as ``metagrow solve`` runs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import final

from metagrow.api._engines import ENGINES
from metagrow.domains import (
    JSON,
    Domain,
    TaskFileError,
    detect_domain,
    domain_from_spec,
    read_json,
)
from metagrow.lang import Task, build_grammar
from metagrow.library import shipped_library
from metagrow.search import Budget, Engine, SolveResult, solve_in_domain


@final
@dataclass(frozen=True, slots=True)
class SolveReport:
    """What one solve found, in the JSON form of its domain: :meth:`to_json` is exactly
    the object ``metagrow solve --json`` prints. ``result`` keeps the search's own record
    (programs as ``Expr``, outputs as runtime values)."""

    task: str
    solved: bool
    program: str | None
    predictions: tuple[tuple[JSON, ...], ...]
    seconds: float
    programs_tried: int
    result: SolveResult

    def to_json(self) -> dict[str, object]:
        return {
            "task": self.task,
            "solved": self.solved,
            "program": self.program,
            "predictions": [list(p) for p in self.predictions],
            "seconds": self.seconds,
            "programs_tried": self.programs_tried,
        }


def solve(
    task: Task | Mapping[str, object] | str | Path,
    domain: Domain | str | None = None,
    budget: float = 10.0,
    attempts: int = 2,
    store: str | Path | None = None,
    *,
    engine: Engine | str | None = None,
    memory: int | None = None,
    guide: bool = True,
    library: bool = True,
) -> SolveReport:
    """Search for a program mapping every train input of ``task`` to its output and
    predict its test outputs, as ``metagrow solve`` does.

    ``task`` is a :class:`~metagrow.lang.Task`, a task in the JSON format (a dict), or the
    path of a task file. ``domain`` is a :class:`~metagrow.domains.Domain`, a built-in
    name or ``package.module:ClassName``; by default it is detected from the task's JSON
    (for a ``Task``, from its type). ``store`` searches
    with the library (and guide, unless ``guide=False``) learned in that store; without
    one, the domain's shipped library (:func:`metagrow.library.shipped_library`) is used
    unless ``library=False``. Bad input raises ``ValueError`` (``TaskFileError``,
    ``DomainSpecError``, ``StoreError``, ``ShippedLibraryError``...) with one line.
    """
    dom, loaded = read_task(task, domain)
    if not budget > 0:
        raise ValueError(f"budget must be positive, got {budget}")
    engine = dom.default_engine if engine is None else engine
    eng = ENGINES[engine]() if isinstance(engine, str) and engine in ENGINES else engine
    if not isinstance(eng, Engine):
        raise ValueError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    grammar = dom.grammar()
    if store is not None:
        from metagrow.api._library import stored_libraries

        stored, own = stored_libraries(Path(store), dom, [loaded], guide)
        stored = stored if own is None else own[loaded.name]
        grammar = grammar if stored is None else build_grammar(grammar, stored)
    elif library:
        shipped = shipped_library(dom)
        grammar = grammar if shipped is None else build_grammar(grammar, shipped)
    limits = Budget(budget, run_limits=dom.limits(), memory_mb=memory)
    result = solve_in_domain(loaded, dom, grammar, eng, limits, attempts)
    return report(result, dom, loaded)


def report(result: SolveResult, dom: Domain, task: Task) -> SolveReport:
    """A search's result with its programs and outputs in ``dom``'s JSON form."""
    output_type = task.request.returns()
    return SolveReport(
        task=result.task,
        solved=result.solved,
        program=None if result.program is None else str(result.program),
        predictions=tuple(
            tuple(None if p is None else dom.encode(p, output_type) for p in preds)
            for preds in result.predictions
        ),
        seconds=round(result.seconds, 4),
        programs_tried=result.programs_tried,
        result=result,
    )


def read_task(
    task: Task | Mapping[str, object] | str | Path, domain: Domain | str | None
) -> tuple[Domain, Task]:
    """The domain and the task, from any of the forms :func:`solve` takes."""
    dom = domain_from_spec(domain) if isinstance(domain, str) else domain
    if isinstance(task, Task):
        return (dom or detect_domain({"type": str(task.request)})), task
    if isinstance(task, (str, Path)) and dom is not None:
        return dom, dom.read_task(Path(task))
    if isinstance(task, (str, Path)):
        path = Path(task)
        dom = detect_domain(read_json(path))
        return dom, dom.read_task(path)
    if isinstance(task, Mapping):
        data, source, name = dict(task), "task", str(task.get("name", "task"))
    else:
        raise TaskFileError(f"expected a Task, a task dict or a path, got {type(task).__name__}")
    dom = dom or detect_domain(data)
    return dom, dom.task_from_json(data, source, name)
