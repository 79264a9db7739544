"""Running exported Python from a test: the module loaded from its file, and its run's
outcome in the interpreter's terms (a value, or :data:`FAIL`)."""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from metagrow.lang import FAIL


@functools.cache
def load_exported(source: str, directory: Path) -> ModuleType:
    """The module ``source`` (what ``metagrow export --to python`` writes), written to a
    file in ``directory`` named after a digest of it and imported from there, once per
    source (registered in ``sys.modules``, as copied dataclasses need). It must import
    only the standard library and numpy."""
    name = "exported_" + hashlib.sha256(source.encode()).hexdigest()[:16]
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
