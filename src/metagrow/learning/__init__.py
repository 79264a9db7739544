"""Learning across tasks: the resumable lifelong loop."""

from metagrow.learning._learner import IterationReport, LearnConfig, Learner, Phase, spec_of
from metagrow.learning._modules import module_from_record, module_record

__all__ = [
    "IterationReport",
    "LearnConfig",
    "Learner",
    "Phase",
    "module_from_record",
    "module_record",
    "spec_of",
]
