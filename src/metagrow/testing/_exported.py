"""Running exported Python from a test: the module loaded from its file, and its run's
outcome in the interpreter's terms (a value, or :data:`FAIL`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from metagrow.lang import FAIL


def load_exported(source: str, directory: Path, name: str) -> ModuleType:
    """The module ``source`` (what ``metagrow export --to python`` writes), written to
    ``directory/name.py`` and imported from there."""
    path = directory / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exported_outcome(module: ModuleType, args: tuple[object, ...]) -> object:
    """The exported program's value on ``args``, or :data:`FAIL` where it fails."""
    try:
        return module.run(module.program, args)
    except module.RunFailed:
        return FAIL
