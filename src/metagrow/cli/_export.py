"""``metagrow export``: a program as standalone code that runs without metagrow."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._choices import DOMAIN_HELP, pick_domain
from metagrow.cli._errors import UsageError, fail
from metagrow.domains import TaskFileError
from metagrow.lang import (
    Grammar,
    ProgramParseError,
    ProgramTypeError,
    Task,
    Type,
    TypeParseError,
    build_grammar,
    infer,
    parse_type,
)

FORMS = ("python",)


def export_command(
    program: Annotated[
        str | None,
        typer.Option(help="The program's text, e.g. '(lam (map (lam (+ $0 1)) $0))'."),
    ] = None,
    type_text: Annotated[
        str | None,
        typer.Option("--type", help="Its type, e.g. 'list(int) -> list(int)' (default: inferred)."),
    ] = None,
    domain: Annotated[str, typer.Option(help=DOMAIN_HELP)] = "lists",
    examples: Annotated[
        Path | None,
        typer.Option(
            metavar="TASK.json",
            help="A task file: its type, and the examples the module's self-check replays.",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(help="A store: the library its inventions come from (f0, ...)."),
    ] = None,
    to: Annotated[str, typer.Option(help=f"The form: {', '.join(FORMS)}.")] = "python",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file to write (default: print it).")
    ] = None,
) -> None:
    """Export a program as code that runs without metagrow."""
    from metagrow.export import ExportError, export_python, task_examples, write_export

    try:
        if to not in FORMS:
            raise UsageError(f"unknown --to {to!r}; choose one of: {', '.join(FORMS)}")
        if program is None:
            raise UsageError("give the program with --program")
        dom = pick_domain(domain)
        grammar = _grammar(dom.grammar(), dom.name, store)
        expr = grammar.parse(program)
        task = None if examples is None else dom.read_task(examples)
        request = _request(expr, grammar, type_text, task)
        shown = [] if task is None else task_examples(task, dom)
        title = "program" if task is None else task.name
        text = export_python(expr, request, dom, grammar, examples=shown, title=title)
    except (UsageError, ProgramParseError, ProgramTypeError, TypeParseError) as err:
        fail(str(err))
    except (TaskFileError, ExportError) as err:
        fail(f"cannot export: {err}")
    if output is None:
        sys.stdout.write(text)
        return
    write_export(text, output)
    checked = f"replays {len(shown)} example(s)" if shown else "has no examples to replay"
    print(f"wrote {output}: `python {output}` {checked}", file=sys.stderr)


def _grammar(base: Grammar, domain: str, store: Path | None) -> Grammar:
    if store is None:
        return base
    from metagrow.api import stored_library

    library = stored_library(store, domain)
    return base if library is None else build_grammar(base, library)


def _request(expr: object, grammar: Grammar, type_text: str | None, task: Task | None) -> Type:
    """The program's type: as given (``--type`` or the task's), else inferred with ``int``
    for its type variables; a given type must be one the program has."""
    from metagrow.cli._run import concrete_type
    from metagrow.lang import Expr

    assert isinstance(expr, Expr)
    inferred = infer(expr, grammar)
    given = parse_type(type_text) if type_text is not None else None
    if given is None and task is not None:
        given = task.request
    return concrete_type(inferred, [], given)
