"""Learning across tasks: the resumable lifelong loop."""

from metagrow.learning._config import IterationReport, LearnConfig, Phase
from metagrow.learning._learner import Learner, spec_of
from metagrow.learning._modules import adapted_modules, module_from_record, module_record

__all__ = [
    "IterationReport",
    "LearnConfig",
    "Learner",
    "Phase",
    "adapted_modules",
    "module_from_record",
    "module_record",
    "spec_of",
]
