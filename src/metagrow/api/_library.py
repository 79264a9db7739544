"""What a store gives a search: the newest learned library of a domain, and each task's
library conditioned by the stored guide; and a run's library written as the one a domain
ships (``metagrow library ship``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from metagrow.domains import Domain
from metagrow.fit import module_primitive
from metagrow.guide import Guide, GuideData, load_guide
from metagrow.lang import GrammarSpec, Task, build_grammar
from metagrow.learning import adapted_modules, spec_of
from metagrow.library import write_library
from metagrow.store import GuideRecord, Store, StoreError


def open_store(path: Path) -> Store:
    """The store at ``path``, which must exist; ``StoreError`` with one line otherwise."""
    if not path.exists():
        raise StoreError(f"{path}: no such store; create one with `metagrow learn --store {path}`")
    return Store(path)


def stored_library(path: Path, domain: str) -> GrammarSpec | None:
    """The library of the newest run of ``domain`` in the store at ``path``, joined by
    the modules adapted for ``domain`` (``metagrow adapt``), each adapted module's trunk
    weights found in the store by name."""
    with open_store(path) as db:
        run_id = db.find_run(domain, {})
        point = None if run_id is None else db.checkpoint(run_id)
        try:
            spec = GrammarSpec() if point is None else spec_of(point, db.module)
            adapted = adapted_modules(db, domain, {p.name for p in spec.learned})
        except ValueError as err:
            raise StoreError(f"{path}: {err}") from None
    if point is None and not adapted:
        return None
    return replace(spec, learned=(*spec.learned, *map(module_primitive, adapted)))


def stored_record(path: Path, domain: str) -> GuideRecord | None:
    """The newest guide of the newest run of ``domain`` in the store, as stored."""
    with open_store(path) as db:
        run_id = db.find_run(domain, {})
        return None if run_id is None else db.guide(run_id)


def loaded_guide(path: Path, record: GuideRecord, advice: str = "") -> Guide:
    """The guide ``record`` (from the store at ``path``) describes; ``StoreError`` if it
    cannot be used."""
    try:
        return load_guide(GuideData(record.architecture, record.weights, record.training))
    except ValueError as err:
        raise StoreError(f"{path}: the stored guide cannot be used ({err}){advice}") from None


def stored_libraries(
    path: Path, dom: Domain, tasks: Sequence[Task], guide: bool
) -> tuple[GrammarSpec | None, dict[str, GrammarSpec] | None]:
    """What a store gives a search: the newest learned library of ``dom``, and each
    task's guided library when ``guide`` is on and the store has a guide (torch is
    imported only then)."""
    library = stored_library(path, dom.name)
    if not guide:
        return library, None
    record = stored_record(path, dom.name)
    if record is None:
        return library, None
    trained = loaded_guide(path, record, "; pass --no-guide")
    base = dom.grammar()
    grammar = base if library is None else build_grammar(base, library)
    return library, trained.specs_for(tasks, grammar)


def ship_library(
    path: Path,
    domain: Domain,
    run: int | None = None,
    output: Path | None = None,
    weights: bool = True,
) -> tuple[Path, dict[str, object]]:
    """Write the library of a learning run of ``domain`` in the store at ``path`` (the
    newest, or ``run``) as the library the domain ships (``output``: its
    :meth:`~metagrow.domains.Domain.library_file` by default); where it went and what the
    file says about its origin. With ``weights`` false, only the inventions are shipped
    (at the weight of a primitive the domain does not weight) and the domain keeps its
    own production weights instead of the run's, which are re-estimated from the
    solutions' usage alone. ``StoreError`` or ``ValueError`` with one line."""
    target = domain.library_file() if output is None else output
    if target is None:
        raise ValueError(f"domain {domain.name} ships no library; name a file with --output")
    with open_store(path) as db:
        runs = {int(str(r["id"])): r for r in db.runs() if r["domain"] == domain.name}
        chosen = max(runs, default=None) if run is None else run
        if chosen is None or chosen not in runs:
            which = "no run" if chosen is None else f"no run {chosen}"
            raise StoreError(f"{path}: {which} of domain {domain.name}; learn one with "
                             f"`metagrow learn --domain {domain.name} --store {path}`")  # fmt: skip
        point = db.checkpoint(chosen)
        if point.iteration < 0:
            raise StoreError(f"{path}: run {chosen} has no completed iteration yet")
        try:
            spec = spec_of(point, db.module)
        except ValueError as err:
            raise StoreError(f"{path}: {err}") from None
    base = domain.grammar()
    if not weights:
        inventions = tuple(replace(i, log_weight=0.0) for i in spec.inventions)
        spec = GrammarSpec(
            inventions=inventions, log_variable=base.log_variable, learned=spec.learned
        )
    config = runs[chosen]["config"]
    assert isinstance(config, dict)
    about: dict[str, object] = {
        "store": path.name,
        "run": chosen,
        "iterations": point.iteration + 1,
        "suite": config.get("suite"),
        "budget": config.get("budget"),
        "solved": len(point.solutions),
        "weights": "learned" if weights else "the domain's own",
    }
    write_library(target, domain.name, base, spec, about)
    return target, about
