"""Using a store from the command line: ``solve``, ``bench`` and ``guide`` with ``--store``
search each task with the learned library and the guide's task-conditioned weights
(unless ``--no-guide``); a store that cannot be used gives one line and exit code 2."""

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
    from metagrow import api
    from metagrow.store import StoreError

    try:
        return api.stored_record(path, domain)
    except StoreError as err:
        fail(str(err))


def loaded_guide(path: Path, record: GuideRecord) -> Guide:
    """The guide ``record`` (from the store at ``path``) describes."""
    from metagrow import api
    from metagrow.store import StoreError

    try:
        return api.loaded_guide(path, record)
    except StoreError as err:
        fail(str(err))


def stored_libraries(
    path: Path, dom: Domain, tasks: Sequence[Task], guide: bool
) -> tuple[GrammarSpec | None, dict[str, GrammarSpec] | None]:
    """What ``--store`` gives a search (:func:`metagrow.api.stored_libraries`)."""
    from metagrow import api
    from metagrow.store import StoreError

    try:
        return api.stored_libraries(path, dom, tasks, guide)
    except StoreError as err:
        fail(str(err))
