"""Running programs for the pages: a task's stored program on its examples (the
predictions the task page shows where the run stored no attempts of its search) and a
typed-in program on a typed-in input (the playground). Every run is bounded by the
domain's limits and the whole page by a deadline; input is parsed as JSON and programs as
S-expressions, nothing is evaluated as Python."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import final

from metagrow.domains import Domain
from metagrow.lang import FAIL, Example, Program, ProgramParseError, ProgramTypeError, Task, Type
from metagrow.store import PredictionRecord, StoreError
from metagrow.ui._data import RunView
from metagrow.ui._draw import text_html, value_html

PAGE_SECONDS = 2.0
"""The most time one page spends running programs."""
MAX_PROGRAM = 20_000
MAX_INPUT = 200_000
"""The longest program text and input JSON text the playground takes (characters)."""


@final
@dataclass(frozen=True)
class Shown:
    """One example as the task page draws it: inputs, expected output, the predictions
    (the program's output, or a search's attempts, best first; each drawn, or why there
    is none), and whether each agrees with the truth (``None``: no truth known)."""

    inputs: tuple[str, ...]
    expected: str | None
    predicted: tuple[str, ...]
    marks: tuple[bool | None, ...]

    @property
    def correct(self) -> bool | None:
        """Whether some prediction is right (as ARC scores two attempts)."""
        if not self.marks or all(m is None for m in self.marks):
            return None
        return any(self.marks)


def examples(
    view: RunView,
    task: Task,
    program: str | None,
    test: bool,
    stored: PredictionRecord | None = None,
) -> list[Shown]:
    """The task's train (or test) examples drawn by type, each with the prediction of
    ``program`` (the task's stored program) when there is one; test examples with the
    ``stored`` attempts of the task's search instead, when they are given for each."""
    domain, request = view.domain, task.request
    arg_types, out_type = request.arguments(), request.returns()
    if test and stored is not None and len(stored.attempts) == len(task.test):
        drawn = []
        for ex, attempts in zip(task.test, stored.attempts, strict=True):
            inputs, expected = _drawn_inputs(domain, ex, arg_types, out_type)
            drawn.append(Shown(inputs, expected, *_attempts(domain, ex, out_type, attempts)))
        return drawn
    compiled: Program | None = None
    problem = ""
    if program is not None:
        try:
            expr, _, grammar = view.program(program, task)
            compiled = Program(expr, grammar.primitives)
        except (ProgramParseError, ProgramTypeError, ValueError, StoreError) as err:
            problem = f"the stored program cannot be rebuilt ({_line(err)})"
    deadline = time.perf_counter() + PAGE_SECONDS
    shown = []
    for ex in task.test if test else task.train:
        inputs, expected = _drawn_inputs(domain, ex, arg_types, out_type)
        truth = _encode(domain, ex.output, out_type) if ex.has_output else None
        predicted, correct = _predict(domain, compiled, ex, out_type, truth, deadline, problem)
        shown.append(Shown(inputs, expected, (predicted,), (correct,)))
    return shown


def _drawn_inputs(
    domain: Domain, ex: Example, arg_types: Sequence[Type], out_type: Type
) -> tuple[tuple[str, ...], str | None]:
    """An example's inputs and its expected output (``None`` if held back), drawn."""
    inputs = tuple(
        value_html(_encode(domain, v, t), t, runtime=v)
        for v, t in zip(ex.inputs, arg_types, strict=True)
    )
    if not ex.has_output:
        return inputs, None
    return inputs, value_html(_encode(domain, ex.output, out_type), out_type, runtime=ex.output)


def _attempts(
    domain: Domain, ex: Example, out_type: Type, attempts: Sequence[object]
) -> tuple[tuple[str, ...], tuple[bool | None, ...]]:
    """A test input's stored attempts (JSON values) drawn, each marked right or wrong
    when the truth is known; a grid attempt of the truth's shape has its differing cells
    marked."""
    truth = _json_form(_encode(domain, ex.output, out_type)) if ex.has_output else None
    drawn, marks = [], []
    for value in attempts:
        if value is None:
            drawn.append(_error("every program failed on this input"))
            marks.append(False if truth is not None else None)
            continue
        try:
            runtime = domain.decode(value, out_type)
        except Exception:  # a value the decoder does not take: drawn from its JSON alone
            runtime = None
        drawn.append(value_html(value, out_type, truth, runtime=runtime))
        marks.append(None if truth is None else value == truth)
    return tuple(drawn), tuple(marks)


def _json_form(value: object) -> object:
    """``value`` as JSON reads it back (tuples as lists), to compare with stored JSON."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return value


def _predict(
    domain: Domain,
    compiled: Program | None,
    ex: Example,
    out_type: Type,
    truth: object,
    deadline: float,
    problem: str,
) -> tuple[str, bool | None]:
    if compiled is None:
        return (_error(problem) if problem else '<span class="muted">no program found</span>'), None
    value = compiled.run(ex.inputs, domain.limits(), deadline)
    if value is FAIL:
        return _error(f"failed: {compiled.last_error}"), False if truth is not None else None
    encoded = _encode(domain, value, out_type)
    correct = None if truth is None else encoded == truth
    return value_html(encoded, out_type, truth, runtime=value), correct


def _encode(domain: Domain, value: object, t: Type) -> object:
    try:
        return domain.encode(value, t)
    except Exception:  # a domain's encoder on a value it did not expect: show its repr
        return repr(value)


def _error(message: str) -> str:
    return f'<span class="error">{_escape(message)}</span>'


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


@final
@dataclass(frozen=True)
class Outcome:
    """What the playground shows: the program's type and its output drawn by type, or
    one error line."""

    type: str = ""
    output: str = ""
    error: str = ""


def run_text(view: RunView, program: str, given: str, task: Task | None) -> Outcome:
    """Parse ``program`` in the run's grammar, check its type, read ``given`` (JSON: the
    value, or a list of the values of a program of several arguments) and run it under
    the domain's limits."""
    if len(program) > MAX_PROGRAM:
        return Outcome(error=f"the program is over {MAX_PROGRAM} characters")
    if len(given) > MAX_INPUT:
        return Outcome(error=f"the input is over {MAX_INPUT} characters")
    try:
        expr, request, grammar = view.program(program, task)
    except ProgramParseError as err:
        return Outcome(error=f"not a program: {_line(err)}")
    except ProgramTypeError as err:
        return Outcome(error=f"ill-typed: {_line(err)}")
    except (ValueError, StoreError) as err:
        return Outcome(error=_line(err))
    types = request.arguments()
    try:
        value = json.loads(given) if given.strip() else None
    except json.JSONDecodeError as err:
        return Outcome(
            str(request), error=f"the input is not JSON: {err.msg} at column {err.colno}"
        )
    if len(types) > 1 and not (isinstance(value, list) and len(value) == len(types)):
        listed = ", ".join(map(str, types))
        return Outcome(str(request), error=f"the program takes {len(types)} arguments "
                       f"({listed}); give the input as a JSON list of them")  # fmt: skip
    values = value if len(types) > 1 else [value] if types else []
    assert isinstance(values, list)
    args = []
    for k, (v, t) in enumerate(zip(values, types, strict=True)):
        try:
            args.append(view.domain.decode(v, t))
        except Exception as err:  # a decoder's one-line reason, whatever it raised
            where = "the input" if len(types) == 1 else f"argument {k + 1}"
            return Outcome(str(request), error=f"{where} is not a {t}: {_line(err)}")
    compiled = Program(expr, grammar.primitives)
    result = compiled.run(args, view.domain.limits(), time.perf_counter() + PAGE_SECONDS)
    if result is FAIL:
        return Outcome(str(request), error=f"the program failed: {compiled.last_error}")
    out_type = request.returns()
    encoded = _encode(view.domain, result, out_type)
    html = value_html(encoded, out_type, runtime=result)
    return Outcome(str(request), output=html + _as_json(encoded))


def _as_json(value: object) -> str:
    return f"<details><summary>JSON</summary>{text_html(value)}</details>"


def first_input(view: RunView, task: Task) -> str:
    """The task's first train input as playground JSON."""
    ex, types = task.train[0], task.request.arguments()
    values = [_encode(view.domain, v, t) for v, t in zip(ex.inputs, types, strict=True)]
    return json.dumps(values[0] if len(values) == 1 else values)


def _line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__
