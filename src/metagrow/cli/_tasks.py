"""Reading one task file from the command line: its domain, from ``--domain`` or from the
file's format, and the task, loaded by that domain (one-line errors)."""

from __future__ import annotations

from pathlib import Path

from metagrow.cli._choices import pick_domain
from metagrow.domains import Domain, TaskFileError
from metagrow.lang import Task


def read_task(task_file: Path, domain: str) -> tuple[Domain, Task]:
    """The domain (``auto``: detected from the file) and the task in ``task_file``
    (:func:`metagrow.api.read_task`); ``UsageError`` for an unknown domain,
    ``TaskFileError`` for a bad file."""
    from metagrow import api

    return api.read_task(task_file, None if domain == "auto" else pick_domain(domain))


__all__ = ["TaskFileError", "read_task"]
