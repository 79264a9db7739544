"""Using a stored guide from the command line: ``solve`` and ``bench`` with ``--store``
search each task with the guide's task-conditioned weights unless ``--no-guide``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from metagrow.cli._errors import fail

if TYPE_CHECKING:
    from metagrow.domains import Domain
    from metagrow.guide import Guide
    from metagrow.lang import GrammarSpec, Task
    from metagrow.store import GuideRecord


def stored_record(path: Path, domain: str) -> GuideRecord | None:
    """The newest guide of the newest run of ``domain`` in the store, as stored."""
    from metagrow.cli._learn import _open

    with _open(path) as db:
        run_id = db.find_run(domain, {})
        return None if run_id is None else db.guide(run_id)


def stored_guide(path: Path, domain: str) -> Guide | None:
    """The newest guide of the newest run of ``domain`` in the store, if it has one;
    torch is imported only when there is one."""
    record = stored_record(path, domain)
    return None if record is None else loaded_guide(path, record, "; pass --no-guide")


def loaded_guide(path: Path, record: GuideRecord, advice: str = "") -> Guide:
    """The guide ``record`` (from the store at ``path``) describes; one line and exit if
    it cannot be used."""
    from metagrow.guide import GuideData, load_guide

    try:
        return load_guide(GuideData(record.architecture, record.weights, record.training))
    except ValueError as err:
        fail(f"{path}: the stored guide cannot be used ({err}){advice}")


def guided_libraries(
    path: Path, dom: Domain, library: GrammarSpec | None, tasks: Sequence[Task]
) -> dict[str, GrammarSpec] | None:
    """Each task's library with the stored guide's weights, or ``None`` without a guide."""
    from metagrow.lang import build_grammar

    guide = stored_guide(path, dom.name)
    if guide is None:
        return None
    base = dom.grammar()
    grammar = base if library is None else build_grammar(base, library)
    return guide.specs_for(tasks, grammar)


def stored_libraries(
    path: Path, dom: Domain, tasks: Sequence[Task], guide: bool
) -> tuple[GrammarSpec | None, dict[str, GrammarSpec] | None]:
    """What ``--store`` gives a search: the newest learned library of ``dom``, and each
    task's guided library when ``guide`` is on and the store has a guide."""
    from metagrow.cli._learn import stored_library

    library = stored_library(path, dom.name)
    own = guided_libraries(path, dom, library, tasks) if guide else None
    return library, own
