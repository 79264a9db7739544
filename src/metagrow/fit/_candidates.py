"""Candidate program structures with a module slot, in order of prior probability.

Programs of the requested type are enumerated top-down from a grammar that has the slot
as one more production; those that use the slot and have a soft meaning are kept, one
per behaviour: each is run on a few probe inputs with the slot replaced by seeded random
functions, and a program that computes the same outputs as an earlier (likelier) one, or
whose outputs do not change with the slot, is dropped. No labels are read, so every
structure stays a guess that only training can confirm.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import final

from metagrow.fit._evaluate import module_inputs
from metagrow.fit._module import Module
from metagrow.lang import (
    BOOL,
    FAIL,
    App,
    Expr,
    Grammar,
    Invented,
    Lam,
    Limits,
    Prim,
    Primitive,
    Program,
    Type,
)
from metagrow.search import TopDownEnumerator

SLOT = "net"
"""The name of the module slot in candidate structures."""

_PROBE_LIMITS = Limits(steps=20_000, depth=50, size=5_000, seconds=0.05)


@final
@dataclass(frozen=True, slots=True)
class StructureConfig:
    """Limits of the enumeration: description length, wall seconds, programs looked at,
    structures kept, probe inputs and random slot functions per probe."""

    max_cost: float = 19.5
    seconds: float = 15.0
    max_programs: int = 200_000
    max_structures: int = 60
    probes: int = 8
    rounds: int = 2
    step: float = 1.5


def with_slot(grammar: Grammar, slot: Module) -> Grammar:
    """``grammar`` plus the production :data:`SLOT` of ``slot``'s type."""
    return grammar.with_primitive(Primitive(SLOT, slot.type, lambda x: x))


def rename(e: Expr, old: str, new: str) -> Expr:
    """``e`` with primitive ``old`` replaced by ``new``."""
    if isinstance(e, Prim):
        return Prim(new) if e.name == old else e
    if isinstance(e, Lam):
        return Lam(rename(e.body, old, new))
    if isinstance(e, App):
        return App(rename(e.f, old, new), rename(e.x, old, new))
    if isinstance(e, Invented):
        return Invented(rename(e.body, old, new))
    return e


def primitive_names(e: Expr) -> set[str]:
    return {n.name for n in e.walk() if isinstance(n, Prim)}


def candidate_structures(
    grammar: Grammar,
    slot: Module,
    request: Type,
    probes: Sequence[tuple[object, ...]],
    soft_names: frozenset[str],
    config: StructureConfig,
    seed: int,
) -> list[tuple[Expr, float]]:
    """Distinct-behaviour structures using :data:`SLOT`, likeliest first, with their
    description lengths in nats."""
    g = with_slot(grammar, slot)
    probes = list(probes[: config.probes])
    slot_tables = _random_slots(slot, request, probes, config.rounds, seed)
    start = time.perf_counter()
    seen: set[tuple[object, ...]] = set()
    kept: list[tuple[Expr, float]] = []
    looked = 0
    lo = 0.0
    enumerator = TopDownEnumerator()
    while lo < config.max_cost:
        for cost, _, e in enumerator.programs(g, request, lo, lo + config.step):
            looked += 1
            if looked > config.max_programs or time.perf_counter() - start > config.seconds:
                return kept
            names = primitive_names(e)
            if SLOT not in names or not names - {SLOT} <= soft_names:
                continue
            signature = _signature(e, g.primitives, slot, slot_tables, probes)
            if signature is None or signature in seen:
                continue
            seen.add(signature)
            kept.append((e, cost))
            if len(kept) >= config.max_structures:
                return kept
        lo += config.step
    return kept


def _random_slots(
    slot: Module, request: Type, probes: Sequence[tuple[object, ...]], rounds: int, seed: int
) -> list[dict[object, object]]:
    """Seeded random answers of the slot on every value it could see in the probes."""
    values = module_inputs(slot, probes, request)
    is_bool = slot.type.returns() == BOOL
    outputs = slot.architecture.outputs
    tables: list[dict[object, object]] = []
    for r in range(rounds):
        rng = random.Random(f"{seed}:slot:{r}")
        tables.append(
            {v: (rng.random() < 0.5) if is_bool else rng.randrange(outputs) for v in values}
        )
    return tables


def _signature(
    e: Expr,
    primitives: Mapping[str, Primitive],
    slot: Module,
    tables: Sequence[dict[object, object]],
    probes: Sequence[tuple[object, ...]],
) -> tuple[object, ...] | None:
    """Outputs on every probe under each random slot; ``None`` if two slots give the same
    outputs (the slot barely matters) or one fails everywhere."""
    rounds: list[tuple[str, ...]] = []
    for table in tables:
        prims = {**primitives, SLOT: Primitive(SLOT, slot.type, table.__getitem__)}
        program = Program(e, prims)
        outputs = [program.run(args, _PROBE_LIMITS) for args in probes]
        if all(o is FAIL for o in outputs):
            return None
        rounds.append(tuple(map(repr, outputs)))
    if len(set(rounds)) < len(rounds):
        return None
    return tuple(rounds)
