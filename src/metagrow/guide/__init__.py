"""The neural guide: a recognition model from a task to task-conditioned grammar weights.

Importing this package does not import torch; training or loading a guide does.
"""

from metagrow.guide._api import describe_encoder, encoder_for, load_guide, train_guide
from metagrow.guide._base import Guide, GuideConfig, GuideData
from metagrow.guide._choices import (
    VARIABLE,
    ChoicePoint,
    argument_order,
    choice_points,
    program_log_likelihood,
)
from metagrow.guide._explain import VARIABLES, WeightChange, weight_changes
from metagrow.guide._fantasy import Fantasy, dream
from metagrow.guide._parallel import MemberFailed
from metagrow.lang import sample_program  # drawn from a grammar; kept here as before

__all__ = [
    "VARIABLE",
    "VARIABLES",
    "ChoicePoint",
    "Fantasy",
    "Guide",
    "GuideConfig",
    "GuideData",
    "MemberFailed",
    "WeightChange",
    "argument_order",
    "choice_points",
    "describe_encoder",
    "dream",
    "encoder_for",
    "load_guide",
    "program_log_likelihood",
    "sample_program",
    "train_guide",
    "weight_changes",
]
