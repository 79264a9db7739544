"""Where a hole sits in a program, for contextual grammars.

A :data:`Slot` is the parent production's label and the argument index the hole fills
(DreamCoder's contextual grammar conditions on exactly this pair). The program's own
body (under the request's lambdas) is :data:`ROOT`; an argument of a variable applied to
arguments has parent :data:`VARIABLE_PARENT`. A ``lam`` does not change the slot: the
body of a lambda argument sits where the lambda does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

Slot = tuple[str, int]

ROOT: Slot = ("", 0)
VARIABLE_PARENT = "$"


@final
@dataclass(frozen=True, slots=True)
class SlotWeights:
    """The log-weights of a grammar's productions (in its order) and of the variables, at
    holes of one slot."""

    weights: tuple[float, ...]
    log_variable: float
