"""metagrow from Python: :func:`solve`, :func:`learn` and :func:`fit_csv` do what
``metagrow solve``, ``metagrow learn`` and ``metagrow fit`` do, and take the same options.

Each name is imported on first use, so that a command that solves a task does not load
the fitting, export and model code (and theirs: numpy's linear algebra, sympy)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metagrow.api._backends import BACKENDS, make_backend
    from metagrow.api._engines import ENGINES
    from metagrow.api._expression import expression_text
    from metagrow.api._fit import (
        FitInterrupted,
        FitReport,
        FitStatus,
        check_fit_options,
        fit_csv,
        fit_frame,
        read_table,
    )
    from metagrow.api._learn import (
        LearnReport,
        check_learn_options,
        check_run_options,
        folder_tasks,
        learn,
        suite_tasks,
        which_run,
    )
    from metagrow.api._library import (
        loaded_guide,
        open_store,
        ship_library,
        stored_libraries,
        stored_library,
        stored_record,
    )
    from metagrow.api._model import (
        Model,
        ModelError,
        model_of,
        predict_csv,
        read_model,
    )
    from metagrow.api._solve import SolveReport, read_task, report, solve
    from metagrow.api._stored import (
        FILL_TYPES,
        StoredProgram,
        filled_type,
        stored_models,
        stored_program,
        stored_programs,
    )
    from metagrow.domains.numeric import read_features

_HOMES = {
    "metagrow.api._backends": ("BACKENDS", "make_backend"),
    "metagrow.api._engines": ("ENGINES",),
    "metagrow.api._expression": ("expression_text",),
    "metagrow.api._fit": (
        "FitInterrupted", "FitReport", "FitStatus", "check_fit_options", "fit_csv",
        "fit_frame", "read_table",
    ),
    "metagrow.api._learn": (
        "LearnReport", "check_learn_options", "check_run_options", "folder_tasks", "learn",
        "suite_tasks", "which_run",
    ),
    "metagrow.api._library": (
        "loaded_guide", "open_store", "ship_library", "stored_libraries", "stored_library",
        "stored_record",
    ),
    "metagrow.api._model": ("Model", "ModelError", "model_of", "predict_csv", "read_model"),
    "metagrow.api._solve": ("SolveReport", "read_task", "report", "solve"),
    "metagrow.api._stored": (
        "FILL_TYPES", "StoredProgram", "filled_type", "stored_models", "stored_program",
        "stored_programs",
    ),
    "metagrow.domains.numeric": ("read_features",),
}  # fmt: skip
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "BACKENDS",
    "ENGINES",
    "FILL_TYPES",
    "FitInterrupted",
    "FitReport",
    "FitStatus",
    "LearnReport",
    "Model",
    "ModelError",
    "SolveReport",
    "StoredProgram",
    "check_fit_options",
    "check_learn_options",
    "check_run_options",
    "expression_text",
    "filled_type",
    "fit_csv",
    "fit_frame",
    "folder_tasks",
    "learn",
    "loaded_guide",
    "make_backend",
    "model_of",
    "open_store",
    "predict_csv",
    "read_features",
    "read_model",
    "read_table",
    "read_task",
    "report",
    "ship_library",
    "solve",
    "stored_libraries",
    "stored_library",
    "stored_models",
    "stored_program",
    "stored_programs",
    "stored_record",
    "suite_tasks",
    "which_run",
]


def __getattr__(name: str) -> object:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'metagrow.api' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
