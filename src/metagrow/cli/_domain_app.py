"""``metagrow domain``: look at a domain, built in or your own, and check it against the
domain contract (``metagrow.testing.check_domain``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._choices import DOMAIN_HELP, pick_domain
from metagrow.cli._errors import UsageError, fail

domain_app = typer.Typer(help="Show a domain, or check it against the contract.")


@domain_app.command("show")
def domain_show(domain: Annotated[str, typer.Option(help=DOMAIN_HELP)] = "lists") -> None:
    """The domain's primitives with their types and weights, its suites and value shape."""
    try:
        dom = pick_domain(domain)
    except UsageError as err:
        fail(str(err))
    grammar = dom.grammar()
    print(f"{dom.describe()}; types: {', '.join(sorted(dom.constructors()))}")
    print(f"suites: {', '.join(dom.splits()) or 'none'}; values: {dom.values or 'not declared'}")
    for p in grammar.productions:
        print(f"  {p.name:<16} {p.log_weight:6.2f}  {p.type}")


@domain_app.command("check")
def domain_check(
    domain: Annotated[str, typer.Option(help=DOMAIN_HELP)] = "lists",
    tasks: Annotated[
        Path | None,
        typer.Option(help="A folder of task files to take values from (default: its suite)."),
    ] = None,
) -> None:
    """Run the domain contract checks; exit code 1 if any fails."""
    from metagrow.domains import TaskFileError
    from metagrow.testing import check_domain

    try:
        dom = pick_domain(domain)
        task_list = None
        if tasks is not None:
            from metagrow import api

            task_list, _ = api.folder_tasks(dom, tasks)
    except (UsageError, TaskFileError) as err:
        fail(str(err))
    try:
        report = check_domain(dom, task_list)
    except AssertionError as err:
        print(err)
        raise typer.Exit(1) from None
    print("\n".join(report.lines()))
