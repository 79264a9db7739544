"""Fitting the trainable parts of programs: neural modules trained end to end through
programs (soft evaluation), search over structure and module choices, and the monolithic
baseline. torch is imported only when a network is built or trained."""

from metagrow.fit._adapt import (
    HeadConfig,
    adapt_head,
    has_trunk,
    head_weights,
    join_trunk,
    trunk_shared,
)
from metagrow.fit._candidates import SLOT, StructureConfig, candidate_structures, rename
from metagrow.fit._constants import (
    CONSTANT_METHODS,
    ConstantMethod,
    Loss,
    fit_constants,
    loss_value,
)
from metagrow.fit._constraints import ConstraintError, Constraints, auxiliary_loss, task_constraints
from metagrow.fit._early import train_early_stopping
from metagrow.fit._engine import RegressionEngine
from metagrow.fit._evaluate import Featurize, SoftProgram, soft_input
from metagrow.fit._evolve import EvolveConfig, Trainer, evolve_program
from metagrow.fit._forward import forward, load_weights, trunk_features
from metagrow.fit._grow import GrowthConfig, deepen, widen
from metagrow.fit._library import ModuleFunction, features, library_modules, module_primitive
from metagrow.fit._module import (
    Architecture,
    ConvSpec,
    HeadSpec,
    MLPSpec,
    Module,
    architecture_from_json,
    weights_bytes,
)
from metagrow.fit._monolithic import monolithic_accuracy
from metagrow.fit._neural import NeuralConfig, NeuralEngine
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
    "Architecture",
    "Candidate",
    "Choice",
    "ConstantMethod",
    "ConstraintError",
    "Constraints",
    "ConvSpec",
    "EvolveConfig",
    "Featurize",
    "FitResult",
    "FittedProgram",
    "GrowthConfig",
    "HeadConfig",
    "HeadSpec",
    "Loss",
    "MLPSpec",
    "Maybe",
    "Module",
    "ModuleFunction",
    "NeuralConfig",
    "NeuralEngine",
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
    "Trainer",
    "accuracy",
    "adapt_head",
    "architecture_from_json",
    "auxiliary_loss",
    "candidate_structures",
    "constant_fit",
    "deepen",
    "display",
    "evolve_program",
    "example_loss",
    "features",
    "fit_constants",
    "fit_table",
    "fit_task",
    "forward",
    "has_trunk",
    "head_weights",
    "join_trunk",
    "library_modules",
    "load_weights",
    "loss_value",
    "make_table",
    "module_primitive",
    "monolithic_accuracy",
    "predict",
    "rename",
    "soft_input",
    "table_request",
    "task_constraints",
    "train_early_stopping",
    "train_program",
    "trunk_features",
    "trunk_shared",
    "weights_bytes",
    "widen",
]
