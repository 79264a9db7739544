"""The engine contract, as executable checks (they raise ``AssertionError``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import islice

from metagrow.domains.lists import ListsDomain
from metagrow.lang import FAIL, Example, Program, Task, check, log_prior, parse, parse_type
from metagrow.search import Budget, Engine, Progress
from metagrow.testing._timing import timed

EngineFactory = Callable[[], Engine]

_INPUTS = [(3, 1, 4), (1, 5, 9, 2), (6,), (5, 3, 5, 8), (9, 7, 9, 3, 2)]
_TEST_INPUTS = [(2, 7, 1, 8), (2, 8)]
_KNOWN = (
    ("list(int) -> list(int)", "(lam (reverse $0))"),
    ("list(int) -> int", "(lam (sum $0))"),
    ("list(int) -> list(int)", "(lam (map (lam (+ $0 1)) $0))"),
    ("list(int) -> list(int)", "(lam (filter (lam (gt? $0 3)) $0))"),
)


def _task_from(request: str, source: str) -> Task:
    domain = ListsDomain()
    program = Program(parse(source), domain.grammar().primitives)
    outputs = [program.run((xs,)) for xs in _INPUTS + _TEST_INPUTS]
    assert all(o is not FAIL for o in outputs), source
    examples = [Example((xs,), o) for xs, o in zip(_INPUTS + _TEST_INPUTS, outputs, strict=True)]
    return Task(source, parse_type(request), tuple(examples[:5]), tuple(examples[5:]))


def _unsolvable() -> Task:
    outputs = [917, -3, 4242, 8, 77]
    examples = tuple(Example((xs,), o) for xs, o in zip(_INPUTS, outputs, strict=True))
    return Task("unsolvable", parse_type("list(int) -> int"), examples)


def check_engine_finds_known_programs(make: EngineFactory, seconds: float = 20.0) -> None:
    """Tasks made by small list programs are solved, by programs that fit the examples."""
    domain = ListsDomain()
    grammar = domain.grammar()
    for request, source in _KNOWN:
        task = _task_from(request, source)
        found = next(
            iter(make().search(task, grammar, Budget(seconds, run_limits=domain.limits()))), None
        )
        assert found is not None, f"{type(make()).__name__} did not solve {source}"
        program = Program(found.program, grammar.primitives)
        for ex in task.train:
            assert program.run(ex.inputs) == ex.output, f"{found.program} misses {ex}"


def check_engine_respects_budget(make: EngineFactory, seconds: float = 1.0) -> None:
    """An unsolvable task stops within 10 % of the time budget (see :meth:`Timing.within`
    for a loaded machine), and at the program budget."""
    domain = ListsDomain()
    grammar = domain.grammar()
    task = _unsolvable()
    progress = Progress()
    with timed() as took:
        found = list(
            make().search(task, grammar, Budget(seconds, run_limits=domain.limits()), progress)
        )
    fits = [s.program for s in found if s.train_score == 1.0]
    assert not fits, f"found a program for an unsolvable task: {fits[0]}"
    assert all(0.0 <= s.train_score < 1.0 for s in found)
    on_time = took.within(seconds * 1.1 + 0.15)
    assert on_time, f"ran {took.wall:.2f} s ({took.cpu:.2f} s of CPU) on a {seconds} s budget"
    assert progress.programs_tried > 0
    progress = Progress()
    list(make().search(task, grammar, Budget(60, programs=300), progress))
    assert progress.programs_tried <= 300, f"tried {progress.programs_tried} of 300 programs"


def check_engine_yields_well_typed_solutions(make: EngineFactory) -> None:
    """Every solution type-checks against the task's request and fits its examples, and
    reports its log-prior in nats under the grammar (:func:`metagrow.lang.log_prior`)."""
    domain = ListsDomain()
    grammar = domain.grammar()
    task = _task_from("list(int) -> list(int)", "(lam (reverse $0))")
    found = list(islice(make().search(task, grammar, Budget(5, run_limits=domain.limits())), 20))
    assert found
    for sol in found:
        check(sol.program, grammar, task.request)
        assert sol.train_score == 1.0
        assert sol.programs_tried > 0 and sol.seconds >= 0
        prior = log_prior(sol.program, task.request, grammar)
        assert math.isclose(sol.log_prior, prior, abs_tol=1e-9), (
            f"{sol.program}: log-prior {sol.log_prior}, the grammar gives {prior}"
        )


def check_engine_is_deterministic(make: EngineFactory) -> None:
    """Two runs with the same program budget find the same programs in the same order,
    with the same log-priors and programs tried, and stop after the same count."""
    domain = ListsDomain()
    grammar = domain.grammar()
    task = _task_from("list(int) -> list(int)", "(lam (reverse $0))")
    runs: list[tuple[object, int]] = []
    for _ in range(2):
        progress = Progress()
        found = islice(make().search(task, grammar, Budget(60, programs=3000), progress), 10)
        runs.append(
            ([(s.program, s.log_prior, s.programs_tried) for s in found], progress.programs_tried)
        )
    assert runs[0] == runs[1], "two runs with the same seed and budget differ"
    counts = []
    for _ in range(2):
        progress = Progress()
        list(make().search(_unsolvable(), grammar, Budget(60, programs=500), progress))
        counts.append(progress.programs_tried)
    assert counts[0] == counts[1], f"the same program budget stopped after {counts}"


def check_engine(make: EngineFactory) -> None:
    """Run every engine check."""
    check_engine_finds_known_programs(make)
    check_engine_respects_budget(make)
    check_engine_yields_well_typed_solutions(make)
    check_engine_is_deterministic(make)
