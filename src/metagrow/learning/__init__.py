"""Learning across tasks: the resumable lifelong loop."""

from metagrow.learning._learner import IterationReport, LearnConfig, Learner, Phase, spec_of

__all__ = ["IterationReport", "LearnConfig", "Learner", "Phase", "spec_of"]
