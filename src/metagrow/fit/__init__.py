"""Fitting the trainable parts of programs: neural modules trained end to end through
programs (soft evaluation), search over structure and module choices, and the monolithic
baseline. torch is imported only when a network is built or trained."""

from metagrow.fit._candidates import SLOT, StructureConfig, candidate_structures, rename
from metagrow.fit._constants import (
    CONSTANT_METHODS,
    ConstantMethod,
    Loss,
    fit_constants,
    loss_value,
)
from metagrow.fit._engine import RegressionEngine
from metagrow.fit._evaluate import Featurize, SoftProgram, soft_input
from metagrow.fit._grow import GrowthConfig, deepen, widen
from metagrow.fit._module import MLPSpec, Module, weights_bytes
from metagrow.fit._monolithic import monolithic_accuracy
from metagrow.fit._objective import TableObjective, table_request
from metagrow.fit._regression import (
    SIMPLIFIED_OPS,
    FittedProgram,
    TableFit,
    constant_fit,
    display,
    fit_table,
)
from metagrow.fit._search import Candidate, Choice, FitResult, SearchConfig, fit_task
from metagrow.fit._soft import Maybe, SoftError, SoftPrimitive, make_table
from metagrow.fit._train import (
    Problem,
    TrainConfig,
    Trained,
    accuracy,
    example_loss,
    predict,
    train_program,
)

__all__ = [
    "CONSTANT_METHODS",
    "SIMPLIFIED_OPS",
    "SLOT",
    "Candidate",
    "Choice",
    "ConstantMethod",
    "Featurize",
    "FitResult",
    "FittedProgram",
    "GrowthConfig",
    "Loss",
    "MLPSpec",
    "Maybe",
    "Module",
    "Problem",
    "RegressionEngine",
    "SearchConfig",
    "SoftError",
    "SoftPrimitive",
    "SoftProgram",
    "StructureConfig",
    "TableFit",
    "TableObjective",
    "TrainConfig",
    "Trained",
    "accuracy",
    "candidate_structures",
    "constant_fit",
    "deepen",
    "display",
    "example_loss",
    "fit_constants",
    "fit_table",
    "fit_task",
    "loss_value",
    "make_table",
    "monolithic_accuracy",
    "predict",
    "rename",
    "soft_input",
    "table_request",
    "train_program",
    "weights_bytes",
    "widen",
]
