"""Fantasies: programs sampled from the current grammar, run on inputs taken from real tasks
of the same type, kept when they compute something (no failure, not constant), one per
distinct behaviour. They teach the guide what the library's programs look like from the
outside, beyond the few tasks solved so far."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import final

from metagrow.lang import (
    FAIL,
    Example,
    Expr,
    Grammar,
    Limits,
    Program,
    Task,
    sample_program,
)


@final
@dataclass(frozen=True, slots=True)
class Fantasy:
    """A sampled program and the task it defines on borrowed inputs."""

    task: Task
    program: Expr


def dream(
    grammar: Grammar,
    tasks: Sequence[Task],
    limits: Limits,
    rng: random.Random,
    count: int,
    samples: int,
    seconds: float,
    max_depth: int = 4,
) -> list[Fantasy]:
    """Up to ``count`` fantasies from at most ``samples`` draws (and ``seconds``): each on
    the train inputs of a random task in ``tasks`` of its type, distinct outputs only,
    the smaller program kept for a behaviour seen twice."""
    if not tasks or count <= 0:
        return []
    limits = replace(limits, steps=min(limits.steps, 20_000), seconds=min(limits.seconds, 0.02))
    kept: dict[tuple[object, ...], Fantasy] = {}
    deadline = time.perf_counter() + seconds
    for n in range(samples):
        if len(kept) >= count or time.perf_counter() > deadline:
            break
        source = tasks[rng.randrange(len(tasks))]
        program = sample_program(grammar, source.request, rng, max_depth)
        if program is None:
            continue
        compiled = Program(program, grammar.primitives)
        outputs = tuple(compiled.run(ex.inputs, limits) for ex in source.train)
        if any(o is FAIL for o in outputs) or not _varied(outputs):
            continue
        key = (source.request, tuple(ex.inputs for ex in source.train), outputs)
        old = kept.get(key)
        if old is None or program.size < old.program.size:
            examples = tuple(
                Example(ex.inputs, o) for ex, o in zip(source.train, outputs, strict=True)
            )
            task = Task(f"fantasy-{n}", source.request, examples)
            kept[key] = Fantasy(task, program)
    return list(kept.values())


def _varied(outputs: tuple[object, ...]) -> bool:
    """Hashable (so behaviours can be told apart) and not one value for every input."""
    try:
        return len(outputs) == 1 or len(set(outputs)) > 1
    except TypeError:
        return False
