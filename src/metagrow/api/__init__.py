"""metagrow from Python: :func:`solve`, :func:`learn` and :func:`fit_csv` do what
``metagrow solve``, ``metagrow learn`` and ``metagrow fit`` do, and take the same options."""

from metagrow.api._backends import BACKENDS, make_backend
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
from metagrow.api._solve import ENGINES, SolveReport, read_task, report, solve
from metagrow.api._stored import (
    FILL_TYPES,
    StoredProgram,
    stored_models,
    stored_program,
    stored_programs,
)
from metagrow.domains.numeric import read_features

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
