"""Running exported Python from a test: the module loaded from its file, and its run's
outcome in the interpreter's terms (a value, or :data:`FAIL`)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from metagrow.lang import FAIL


def load_exported(source: str, directory: Path, name: str) -> ModuleType:
    """The module ``source`` (what ``metagrow export --to python`` writes), written to
    ``directory/name.py`` and imported from there (registered in ``sys.modules`` under
    ``name``, as copied dataclasses need). It must import only the standard library and
    numpy."""
    imported = imported_packages(source)
    assert imported <= set(sys.stdlib_module_names) | {"numpy"}, f"{name} imports {imported}"
    path = directory / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def imported_packages(source: str) -> set[str]:
    """The top-level packages the Python ``source`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def exported_outcome(module: ModuleType, args: tuple[object, ...]) -> object:
    """The exported program's value on ``args``, or :data:`FAIL` where it fails."""
    try:
        return module.run(module.program, args)
    except module.RunFailed:
        return FAIL
