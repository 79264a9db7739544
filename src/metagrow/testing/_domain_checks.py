"""The domain contract, as executable checks: every domain, built in or a user's, passes
:func:`check_domain`. A check that needs something the domain does not have (tasks to
take values from, say) reports "not applicable" instead of failing."""

from __future__ import annotations

import json
import math
import os
import pickle
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, final

from metagrow.domains import Domain, ValueDecodeError
from metagrow.lang import FAIL, Expr, Grammar, Program, Task, Type, check, sample_program

Status = Literal["passed", "failed", "not applicable"]


@final
@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's outcome, with a line saying what it found."""

    name: str
    status: Status
    detail: str = ""


@final
@dataclass(frozen=True, slots=True)
class DomainReport:
    """Every check's outcome for one domain."""

    domain: str
    results: tuple[CheckResult, ...]

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")

    def lines(self) -> list[str]:
        return [
            f"{r.status:>14}  {r.name}" + (f": {r.detail}" if r.detail else "")
            for r in self.results
        ]


_JUNK: tuple[object, ...] = ({"not": "a value"}, None, 1.5, "\x00?", [[[[]]]])
"""JSON values each type's decoder must either read or reject with ValueDecodeError."""

_PROGRAMS = 40
_SEED = 0


def check_domain(
    domain: Domain, tasks: Sequence[Task] | None = None, task_seconds: float = 2.0
) -> DomainReport:
    """Run every domain check on ``domain``, taking values from ``tasks`` (default: the
    first few of its first built-in suite). Raises ``AssertionError`` listing the failed
    checks; returns the report otherwise."""
    if tasks is None:
        splits = domain.splits()
        tasks = list(domain.suite(splits[0]))[:8] if splits else []
    checks: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("grammar is well typed", lambda: _grammar(domain)),
        ("values round-trip through JSON", lambda: _round_trip(domain, tasks)),
        ("bad values raise ValueDecodeError", lambda: _bad_values(domain, tasks)),
        ("task_grammar keeps to its time", lambda: _task_grammar(domain, tasks, task_seconds)),
        ("primitives are pure", lambda: _pure(domain, tasks)),
        ("workers rebuild the domain by class", lambda: _rebuilt(domain, tasks)),
    )
    results = tuple(_run(name, body) for name, body in checks)
    report = DomainReport(domain.name, results)
    if report.failed:
        raise AssertionError(f"domain {domain.name} fails its contract:\n" + "\n".join(
            line for line in report.lines() if line.lstrip().startswith("failed")
        ))  # fmt: skip
    return report


class _NotApplicable(Exception):
    pass


def _run(name: str, body: Callable[[], str | None]) -> CheckResult:
    try:
        detail = body()
    except _NotApplicable as why:
        return CheckResult(name, "not applicable", str(why))
    except AssertionError as err:
        return CheckResult(name, "failed", str(err))
    except Exception as err:
        return CheckResult(name, "failed", f"raised {type(err).__name__}: {err}")
    return CheckResult(name, "passed", detail or "")


def _need(tasks: Sequence[Task]) -> None:
    if not tasks:
        raise _NotApplicable("no tasks to take values from (no built-in suite; pass tasks=)")


def _grammar(domain: Domain) -> str:
    grammar = domain.grammar()
    assert grammar.productions, "the grammar has no productions"
    for p in grammar.productions:
        assert domain.expresses(p.type), (
            f"primitive {p.name} : {p.type} uses constructors the domain does not list in "
            f"constructors() ({', '.join(sorted(domain.constructors()))})"
        )
        assert math.isfinite(p.log_weight), f"primitive {p.name} has log-weight {p.log_weight}"
    again = domain.grammar()
    assert [(p.name, p.type) for p in again.productions] == [
        (p.name, p.type) for p in grammar.productions
    ], "grammar() gives a different grammar when called again"
    return f"{len(grammar.productions)} primitives"


def _values(tasks: Sequence[Task]) -> list[tuple[object, Type]]:
    out: list[tuple[object, Type]] = []
    for task in tasks:
        args, returns = task.request.arguments(), task.request.returns()
        for ex in (*task.train, *task.test):
            out += zip(ex.inputs, args, strict=True)
            if ex.has_output:
                out.append((ex.output, returns))
    return out


def _round_trip(domain: Domain, tasks: Sequence[Task]) -> str:
    _need(tasks)
    values = _values(tasks)
    for value, t in values:
        text = json.dumps(domain.encode(value, t))
        back = domain.decode(json.loads(text), t)
        assert back == value, f"{text} of type {t} decodes to a different value"
    return f"{len(values)} values"


def _bad_values(domain: Domain, tasks: Sequence[Task]) -> str:
    _need(tasks)
    types = {t for task in tasks for t in (*task.request.arguments(), task.request.returns())}
    for t in sorted(types, key=str):
        rejected = 0
        for junk in _JUNK:
            try:
                domain.decode(junk, t)
            except ValueDecodeError:
                rejected += 1
            except Exception as err:
                raise AssertionError(
                    f"decoding {junk!r} as {t} raised {type(err).__name__}, not ValueDecodeError"
                ) from None
        assert rejected, f"type {t} accepts every one of {_JUNK!r}"
    return f"{len(types)} types"


def _task_grammar(domain: Domain, tasks: Sequence[Task], seconds: float) -> str:
    _need(tasks)
    base = domain.grammar()
    slowest = 0.0
    for task in tasks:
        start = time.perf_counter()
        grammar = domain.task_grammar(task, base, seconds)
        took = time.perf_counter() - start
        slowest = max(slowest, took)
        assert took <= 1.5 * seconds + 0.5, f"{task.name}: took {took:.2f} s of {seconds} s"
        assert isinstance(grammar, Grammar), f"{task.name}: gave {type(grammar).__name__}"
        missing = set(base.primitives) - set(grammar.primitives)
        assert not missing, f"{task.name}: dropped primitives {', '.join(sorted(missing))}"
    return f"slowest {slowest:.2f} s of {seconds} s"


def _samples(domain: Domain, tasks: Sequence[Task]) -> list[tuple[Task, Expr]]:
    """Programs drawn from the grammar for each task's type (seeded), type-checked."""
    grammar = domain.grammar()
    rng = random.Random(_SEED)
    out: list[tuple[Task, Expr]] = []
    for task in tasks:
        for _ in range(_PROGRAMS // max(1, len(tasks)) + 1):
            program = sample_program(grammar, task.request, rng)
            if program is not None:
                check(program, grammar, task.request)
                out.append((task, program))
    return out


def _outputs(domain: Domain, samples: Sequence[tuple[Task, Expr]]) -> list[object]:
    grammar, limits = domain.grammar(), domain.limits()
    out: list[object] = []
    for task, program in samples:
        compiled = Program(program, grammar.primitives)
        for ex in task.train:
            value = compiled.run(ex.inputs, limits)
            out.append(None if value is FAIL else value)
    return out


def _pure(domain: Domain, tasks: Sequence[Task]) -> str:
    _need(tasks)
    samples = _samples(domain, tasks)
    if not samples:
        raise _NotApplicable("no program could be drawn for the tasks' types")
    inputs = pickle.dumps([ex.inputs for task in tasks for ex in task.train])
    first, second = _outputs(domain, samples), _outputs(domain, samples)
    assert first == second, "the same programs give different outputs on a second run"
    assert pickle.dumps([ex.inputs for task in tasks for ex in task.train]) == inputs, (
        "running programs changed their inputs"
    )
    return f"{len(samples)} programs drawn and run twice"


def _rebuilt(domain: Domain, tasks: Sequence[Task]) -> str:
    copy = pickle.loads(pickle.dumps(domain))
    assert type(copy) is type(domain), f"unpickled as {type(copy).__name__}"
    names = [(p.name, str(p.type)) for p in domain.grammar().productions]
    samples = _samples(domain, tasks) if tasks else []
    here = _outputs(domain, samples)
    there_names, there = pickle.loads(_in_fresh_process(pickle.dumps((domain, samples))))
    assert there_names == names, "a worker's rebuilt domain has other primitives"
    assert there == here, "programs give other outputs in a worker"
    return f"{len(names)} primitives, {len(samples)} programs in a fresh process"


def _in_fresh_process(payload: bytes) -> bytes:
    """Rebuild the pickled domain in a new interpreter (seeing this one's import path) and
    run the programs there."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", f"from {__name__} import worker_main; worker_main()"],
        input=payload, capture_output=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise AssertionError(f"the worker process failed: {last}")
    return done.stdout


def worker_main() -> None:
    """The fresh process's side of :func:`_rebuilt`: payload on stdin, result on stdout."""
    domain, samples = pickle.loads(sys.stdin.buffer.read())
    assert isinstance(domain, Domain)
    names = [(p.name, str(p.type)) for p in domain.grammar().productions]
    sys.stdout.buffer.write(pickle.dumps((names, _outputs(domain, samples))))
