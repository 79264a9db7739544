"""metagrow from Python: :func:`solve` and :func:`learn` do what ``metagrow solve`` and
``metagrow learn`` do, and take the same options."""

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
    stored_libraries,
    stored_library,
    stored_record,
)
from metagrow.api._solve import ENGINES, SolveReport, read_task, report, solve

__all__ = [
    "ENGINES",
    "LearnReport",
    "SolveReport",
    "check_learn_options",
    "check_run_options",
    "folder_tasks",
    "learn",
    "loaded_guide",
    "open_store",
    "read_task",
    "report",
    "solve",
    "stored_libraries",
    "stored_library",
    "stored_record",
    "suite_tasks",
    "which_run",
]
