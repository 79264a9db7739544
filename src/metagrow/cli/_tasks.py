"""Reading one task file from the command line: its domain, from ``--domain`` or from the
file's format, and the task, loaded by that domain (one-line errors)."""

from __future__ import annotations

from pathlib import Path

from metagrow.cli._choices import pick_domain
from metagrow.domains import Domain, TaskFileError, detect_domain, read_json
from metagrow.lang import Task


def read_task(task_file: Path, domain: str) -> tuple[Domain, Task]:
    """The domain (``auto``: detected from the file) and the task in ``task_file``;
    ``UsageError`` for an unknown domain, ``TaskFileError`` for a bad file."""
    if domain != "auto":
        dom = pick_domain(domain)
        return dom, dom.read_task(task_file)
    data = read_json(task_file)
    dom = detect_domain(data)
    return dom, dom.task_from_json(data, str(task_file), task_file.stem)


__all__ = ["TaskFileError", "read_task"]
