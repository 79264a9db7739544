"""Fantasies: well-typed samples that run, vary, and differ from each other."""

from __future__ import annotations

import random

from metagrow.domains.lists import ListsDomain
from metagrow.guide import dream, sample_program
from metagrow.lang import FAIL, Expr, Program, Task, check, parse_type


def test_samples_are_well_typed_and_reproducible(lists: ListsDomain) -> None:
    g = lists.grammar()
    t = parse_type("list(int) -> list(int)")
    first = [sample_program(g, t, random.Random(5), max_depth=3) for _ in range(1)]
    rng = random.Random(5)
    drawn = [sample_program(g, t, rng, max_depth=3) for _ in range(200)]
    assert drawn[0] == first[0]
    programs = [p for p in drawn if p is not None]
    assert len(programs) > 100
    for p in programs:
        check(p, g, t)


def test_dreams_run_vary_and_are_distinct(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    tasks = [t for t, _ in replays]
    got = dream(g, tasks, lists.limits(), random.Random(0), count=15, samples=2000, seconds=20)
    assert len(got) == 15
    seen = set()
    for f in got:
        outputs = tuple(ex.output for ex in f.task.train)
        assert FAIL not in outputs and len(set(outputs)) > 1
        compiled = Program(f.program, g.primitives)
        assert outputs == tuple(compiled.run(ex.inputs) for ex in f.task.train)
        key = (f.task.request, tuple(ex.inputs for ex in f.task.train), outputs)
        assert key not in seen
        seen.add(key)
    again = dream(g, tasks, lists.limits(), random.Random(0), count=15, samples=2000, seconds=20)
    assert [f.program for f in again] == [f.program for f in got]
