"""Reading one task file from the command line: its domain, from ``--domain`` or from the
file's format, and the task, loaded by that domain (one-line errors)."""

from __future__ import annotations

import json
from pathlib import Path

from metagrow.cli._choices import DOMAINS, pick
from metagrow.domains import Domain, load_task
from metagrow.lang import Task


def read_task(task_file: Path, domain: str) -> tuple[Domain, Task]:
    """The domain (``auto``: detected from the file) and the task in ``task_file``;
    ``UsageError`` for an unknown domain, ``TaskFileError`` for a bad file."""
    data = _read_json(task_file)
    dom = pick(DOMAINS, _detect_domain(data) if domain == "auto" else domain, "domain")
    return dom, _load(task_file, dom, data)


def _read_json(task_file: Path) -> object:
    """The file's JSON, or ``None`` if it cannot be read (its loader then says why)."""
    try:
        return json.loads(task_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def _detect_domain(data: object) -> str:
    """``grids`` for a file in ARC's own format (no ``type``, 2D integer inputs) or one
    whose ``type`` names grids or colours, else ``lists``, whose loader then reports
    whatever is wrong with the file."""
    if not isinstance(data, dict):
        return "lists"
    if "type" in data:
        return "grids" if _names_grids(data["type"]) else "lists"
    from metagrow.domains.grids import looks_like_arc

    return "grids" if looks_like_arc(data) else "lists"


def _names_grids(text: object) -> bool:
    from metagrow.lang import TypeParseError, parse_type

    if not isinstance(text, str):
        return False
    try:
        return bool({"grid", "color"} & set(parse_type(text).constructors()))
    except TypeParseError:
        return False


def _load(task_file: Path, dom: Domain, data: object) -> Task:
    """ARC's own format for grids without a ``type``, else a typed task file."""
    if dom.name == "grids" and not (isinstance(data, dict) and "type" in data):
        from metagrow.domains.grids import load_arc_task

        return load_arc_task(task_file)
    return load_task(task_file, dom)
