"""Fitting the trainable parts of programs: neural modules trained end to end through
programs (soft evaluation), search over structure and module choices, and the monolithic
baseline. torch is imported only when a network is built or trained."""

from metagrow.fit._candidates import SLOT, StructureConfig, candidate_structures, rename
from metagrow.fit._evaluate import Featurize, SoftProgram, soft_input
from metagrow.fit._module import MLPSpec, Module, weights_bytes
from metagrow.fit._monolithic import monolithic_accuracy
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
    "SLOT",
    "Candidate",
    "Choice",
    "Featurize",
    "FitResult",
    "MLPSpec",
    "Maybe",
    "Module",
    "Problem",
    "SearchConfig",
    "SoftError",
    "SoftPrimitive",
    "SoftProgram",
    "StructureConfig",
    "TrainConfig",
    "Trained",
    "accuracy",
    "candidate_structures",
    "example_loss",
    "fit_task",
    "make_table",
    "monolithic_accuracy",
    "predict",
    "rename",
    "soft_input",
    "train_program",
    "weights_bytes",
]
