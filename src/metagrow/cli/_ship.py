"""``metagrow library ship``: write a learning run's library as the one a domain ships."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._choices import DOMAIN_HELP, pick_domain
from metagrow.cli._errors import UsageError, fail


def library_ship(
    store: Annotated[Path, typer.Option(help="The store `metagrow learn` wrote.")],
    domain: Annotated[str, typer.Option(help=DOMAIN_HELP)] = "grids",
    run: Annotated[
        int | None, typer.Option(help="The run to ship (default: the domain's newest).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (default: the file the domain ships)."),
    ] = None,
    weights: Annotated[
        bool,
        typer.Option(
            "--weights/--no-weights",
            help="Ship the run's production weights (re-estimated from usage); --no-weights "
            "ships the inventions alone and keeps the domain's own weights.",
        ),
    ] = True,
) -> None:
    """Write the library of a learning run as the library a domain ships with metagrow,
    which `solve` and `bench` then search with unless --no-library."""
    from metagrow import api
    from metagrow.store import StoreError

    try:
        dom = pick_domain(domain)
        target, about = api.ship_library(store, dom, run, output, weights)
    except (UsageError, ValueError, StoreError) as err:
        fail(str(err))
    iterations = about["iterations"]
    print(
        f"wrote the {dom.name} library of run {about['run']} in {store} ({about['suite']}, "
        f"{about['solved']} tasks solved, {iterations} iteration"
        f"{'' if iterations == 1 else 's'}) to {target}"
    )
