"""``metagrow bench lifelong``: HOUDINI-style task sequences with module reuse against a
standalone and a fine-tuned network, on several fractions of each task's data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._errors import fail, interrupted
from metagrow.cli._runs import JsonOpt, write_outputs


def bench_lifelong(
    json_out: JsonOpt = None,
    plot: Annotated[
        Path, typer.Option(help="Write each sequence's last-task learning curve (PNG) here.")
    ] = Path("bench-out/lifelong-curve.png"),
    seed: Annotated[int, typer.Option(help="Seed for data splits, tasks and training.")] = 0,
    quick: Annotated[
        bool, typer.Option("--quick", help="A tiny run (one short sequence) to smoke-test.")
    ] = False,
) -> None:
    """Counting sequences and a long sequence over digit images, each task on 2-100 % of
    its data: accuracy of programs reusing learned modules, of a standalone network and of
    a network fine-tuned from the previous task's."""
    from rich.console import Console

    from metagrow.bench import LifelongConfig, plot_lifelong, run_lifelong

    if seed < 0:
        fail(f"--seed must be non-negative, got {seed}")
    if plot.suffix.lower() != ".png":
        fail(f"--plot must name a .png file, got {plot}")
    for path in (json_out, plot):
        if path is not None and path.parent != Path() and path.parent.is_file():
            fail(f"{path}: {path.parent} is a file, not a directory")
    config = LifelongConfig.quick(seed) if quick else LifelongConfig(seed=seed)
    console = Console(stderr=True)
    try:
        with console.status("lifelong: starting...") as status:

            def progress(message: str) -> None:
                status.update(f"lifelong: {message}")
                console.log(message, highlight=False)

            report = run_lifelong(config, progress)
    except KeyboardInterrupt:
        interrupted("nothing written (the lifelong report needs every sequence)")
    _print_table(report)
    write_outputs(report.to_json(), json_out, lambda: plot_lifelong(report, plot))


def _print_table(report: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from metagrow.bench import LifelongReport

    assert isinstance(report, LifelongReport)
    console = Console(width=None if sys.stdout.isatty() else 160)
    table = Table(
        title=f"lifelong: reuse against standalone and fine-tuned networks (seed {report.seed})"
    )
    for col in ("sequence", "task", "data", "reuse", "standalone", "finetune", "reused"):
        table.add_column(col, no_wrap=True)
    table.add_column("program", overflow="fold")
    for name, records in report.sequences.items():
        for r in records:
            table.add_row(
                name, r.name, f"{r.fraction:.0%} ({r.train_size})", f"{r.reuse:.3f}",
                f"{r.standalone:.3f}", f"{r.finetune:.3f}", ", ".join(r.modules_reused) or "-",
                r.program,
            )  # fmt: skip
    console.print(table)
    console.print(f"wall {report.seconds:.1f} s")
