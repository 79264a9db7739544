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

from metagrow.guide._choices import argument_order
from metagrow.lang import (
    FAIL,
    Context,
    Example,
    Expr,
    Grammar,
    Lam,
    Limits,
    Program,
    Task,
    TCon,
    Type,
    apply,
)


@final
@dataclass(frozen=True, slots=True)
class Fantasy:
    """A sampled program and the task it defines on borrowed inputs."""

    task: Task
    program: Expr


class _Dead(Exception):
    pass


def sample_program(
    grammar: Grammar, request: Type, rng: random.Random, max_depth: int = 4
) -> Expr | None:
    """A program of type ``request`` drawn from ``grammar``'s distribution, with at most
    ``max_depth`` nested applications; ``None`` when a draw reaches a hole nothing fits."""
    try:
        program, _ = _draw(grammar, request, Context(), (), rng, 0, max_depth)
    except _Dead:
        return None
    return program


def _draw(
    g: Grammar,
    request: Type,
    ctx: Context,
    env: tuple[Type, ...],
    rng: random.Random,
    depth: int,
    max_depth: int,
) -> tuple[Expr, Context]:
    request = ctx.apply(request)
    if isinstance(request, TCon) and request.is_arrow():
        arg, ret = request.args
        body, ctx = _draw(g, ret, ctx, (arg, *env), rng, depth, max_depth)
        return Lam(body), ctx
    cand = g.sample(request, ctx, env, rng, leaves_only=depth >= max_depth)
    if cand is None:
        raise _Dead
    ctx = cand.context
    filled: dict[int, Expr] = {}
    for i in argument_order(cand.arguments):
        filled[i], ctx = _draw(g, cand.arguments[i], ctx, env, rng, depth + 1, max_depth)
    return apply(cand.expr, *(filled[i] for i in range(len(cand.arguments)))), ctx


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
