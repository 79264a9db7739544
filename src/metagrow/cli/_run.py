"""``metagrow run``: type-check a program and run it on JSON arguments.

A program ``solve`` prints may be polymorphic (``(lam (reverse $0))`` : ``list(t0) ->
list(t0)``); its type variables are filled in from ``--type`` or from the arguments, read
the way a task file without ``type`` reads its examples, and ``int`` for whatever the
arguments leave open (the elements of an empty list)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._choices import DOMAIN_HELP, pick_domain
from metagrow.cli._errors import UsageError, fail
from metagrow.domains import JSON, TaskFileError, ValueDecodeError, json_value_type
from metagrow.lang import (
    FAIL,
    INT,
    Context,
    Program,
    ProgramParseError,
    ProgramTypeError,
    Type,
    TypeParseError,
    UnificationError,
    build_grammar,
    infer,
    parse_type,
    substitute_vars,
)


def run_command(
    program: Annotated[
        str, typer.Argument(help="A program, e.g. '(lam (map (lam (+ $0 1)) $0))'.")
    ],
    inputs: Annotated[
        list[str] | None, typer.Argument(metavar="[INPUT]...", help="JSON arguments.")
    ] = None,
    domain: Annotated[str, typer.Option(help=DOMAIN_HELP)] = "lists",
    type_text: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="The program's type here, e.g. 'list(int) -> int' (default: from the arguments).",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(help="Let the program name the inventions learned in this store (f0, ...)."),
    ] = None,
) -> None:
    """Type-check a program and run it on JSON arguments."""
    inputs = inputs or []
    try:
        dom = pick_domain(domain)
        grammar = dom.grammar()
        if store is not None:
            from metagrow.cli._learn import stored_library

            library = stored_library(store, dom.name)
            grammar = grammar if library is None else build_grammar(grammar, library)
        expr = grammar.parse(program)
        t = infer(expr, grammar)
        if len(inputs) != len(t.arguments()):
            raise UsageError(
                f"the program has type {t} and takes {len(t.arguments())} argument(s), "
                f"got {len(inputs)}"
            )
        values = [_json_arg(text) for text in inputs]
        given = None if type_text is None else _parse_type(type_text)
        t = concrete_type(t, values, given)
        args = [dom.decode(v, at) for v, at in zip(values, t.arguments(), strict=True)]
    except (UsageError, ProgramParseError, ProgramTypeError, TypeParseError) as err:
        fail(str(err))
    except ValueDecodeError as err:
        fail(f"argument does not fit the program's type {t}: {err}")
    except ValueError as err:  # a stored invention that no longer parses or type-checks
        fail(f"{store}: {err}")
    compiled = Program(expr, grammar.primitives)
    value = compiled.run(args, dom.limits())
    if value is FAIL:
        fail(f"the program failed: {compiled.last_error}")
    print(json.dumps(dom.encode(value, t.returns())))


def concrete_type(t: Type, values: Sequence[JSON], given: Type | None = None) -> Type:
    """``t`` (a program's type) with its type variables filled in: from ``given`` (a type
    the user names), then from the JSON ``values`` of its arguments (the first ones, or
    none), then ``int`` for the rest. :class:`UsageError` when ``given`` or an argument
    does not fit ``t``."""
    ctx = Context(max(t.free_vars(), default=-1) + 1)
    if given is not None:
        wanted, ctx = ctx.instantiate(given)
        try:
            ctx = ctx.unify(t, wanted)
        except UnificationError:
            raise UsageError(f"the program has type {t}, not --type {given}") from None
    for i, (arg_t, value) in enumerate(zip(t.arguments(), values, strict=False)):
        if not ctx.apply(arg_t).is_polymorphic():
            continue  # the domain's decoder checks it
        try:
            seen, ctx = ctx.instantiate(json_value_type(value))
        except TaskFileError:
            raise UsageError(
                f"cannot tell the type of argument {i + 1} ({type(value).__name__}); "
                "name the program's type with --type, e.g. --type 'list(int) -> int'"
            ) from None
        try:
            ctx = ctx.unify(arg_t, seen)
        except UnificationError:
            raise UsageError(
                f"argument {i + 1} does not fit the program's type {t}: "
                f"expected a {ctx.apply(arg_t)}, got a {seen}"
            ) from None
    filled = ctx.apply(t)
    return substitute_vars(filled, dict.fromkeys(filled.free_vars(), INT))


def _json_arg(text: str) -> JSON:
    try:
        value: JSON = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"argument {text!r} is not JSON ({err.msg})") from None
    return value


def _parse_type(text: str) -> Type:
    try:
        return parse_type(text)
    except TypeParseError as err:
        raise UsageError(f"--type: {err}") from None
