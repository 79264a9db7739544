"""``metagrow bench digits``: the digit-image task sequence with module reuse and baselines."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._errors import fail, interrupted
from metagrow.cli._runs import JsonOpt, write_outputs


def bench_digits(
    json_out: JsonOpt = None,
    plot: Annotated[
        Path, typer.Option(help="Write the sum_digits learning curve (PNG) here.")
    ] = Path("bench-out/digits-curve.png"),
    store: Annotated[
        Path | None,
        typer.Option(help="Reuse the modules stored here and store the ones learned."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for data splits, tasks and training.")] = 0,
    quick: Annotated[
        bool, typer.Option("--quick", help="A tiny run (few examples and epochs) to smoke-test.")
    ] = False,
    architecture: Annotated[
        str, typer.Option(help="Fresh modules: mlp (64-128-10) or cnn (32 filters, 128 hidden).")
    ] = "mlp",
) -> None:
    """Recognise digits, count, sum, check order and take the max of digit images; report
    accuracy with lifelong module reuse, without reuse, and for one monolithic network."""
    from rich.console import Console

    from metagrow.bench import DigitsConfig, plot_curve, run_digits
    from metagrow.store import Store, StoreError

    if seed < 0:
        fail(f"--seed must be non-negative, got {seed}")
    if plot.suffix.lower() != ".png":
        fail(f"--plot must name a .png file, got {plot}")
    for path in (json_out, plot):
        if path is not None and path.parent != Path() and path.parent.is_file():
            fail(f"{path}: {path.parent} is a file, not a directory")
    if architecture not in ("mlp", "cnn"):
        fail(f"--architecture must be mlp or cnn, got {architecture!r}")
    config = DigitsConfig.quick(seed) if quick else DigitsConfig(seed=seed)
    config = replace(config, architecture="cnn" if architecture == "cnn" else "mlp")
    console = Console(stderr=True)
    try:
        opened = Store(store) if store is not None else None
    except StoreError as err:
        fail(str(err))
    try:
        with console.status("digits: starting...") as status:

            def progress(message: str) -> None:
                status.update(f"digits: {message}")
                console.log(message, highlight=False)

            report = run_digits(config, opened, progress)
    except KeyboardInterrupt:
        kept = "; modules stored so far are kept" if opened is not None else ""
        interrupted(f"nothing written (the digits report needs every task){kept}")
    finally:
        if opened is not None:
            opened.close()
    _print_table(report)
    write_outputs(report.to_json(), json_out, lambda: plot_curve(report, plot))


def _print_table(report: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from metagrow.bench import DigitsReport

    assert isinstance(report, DigitsReport)
    console = Console(width=None if sys.stdout.isatty() else 160)
    table = Table(title=f"digits: lifelong module reuse (seed {report.seed})")
    for col in ("task", "train", "reuse", "no reuse", "monolithic", "reused"):
        table.add_column(col, no_wrap=True)
    table.add_column("program", overflow="fold")
    for r in report.tasks:
        table.add_row(
            r.name, str(r.train_size), f"{r.accuracy:.3f}", f"{r.no_reuse:.3f}",
            f"{r.monolithic:.3f}", ", ".join(r.modules_reused) or "-", r.program,
        )  # fmt: skip
    console.print(table)
    for method, points in report.curve.items():
        text = ", ".join(f"{n}: {a:.3f}" for n, a in points)
        console.print(f"sum_digits curve, {method}: {text}")
    console.print(f"wall {report.seconds:.1f} s")
