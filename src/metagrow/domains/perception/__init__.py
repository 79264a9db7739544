"""Tasks over perceptual values (tensors and images) and the lists, ints and booleans
around them; their neural parts are trained by the ``neural`` engine."""

from metagrow.domains.perception._digits import (
    DIGIT_IMAGE,
    as_tensors,
    digit_tasks,
    write_task_files,
)
from metagrow.domains.perception._domain import PerceptionDomain

__all__ = ["DIGIT_IMAGE", "PerceptionDomain", "as_tensors", "digit_tasks", "write_task_files"]
