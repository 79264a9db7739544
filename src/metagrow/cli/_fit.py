"""``metagrow fit`` and ``metagrow predict``: programs fitted to a user's table (a CSV
file), and their predictions on new rows. The work is :func:`metagrow.api.fit_csv` and
:func:`metagrow.api.predict_csv`; this module reads options and shows results."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from metagrow.cli._errors import INTERRUPTED, fail, interrupted

if TYPE_CHECKING:
    from metagrow.api import FitReport

TASKS = ("regression", "classification")


def fit_command(
    data: Annotated[Path, typer.Argument(metavar="DATA.csv", help="A CSV file with a header.")],
    target: Annotated[str, typer.Option(help="The column to predict from the others.")],
    task: Annotated[
        str | None,
        typer.Option(
            help="regression or classification (default: classification if the target "
            "holds a few integer or text labels, else regression)."
        ),
    ] = None,
    budget: Annotated[float, typer.Option(help="Wall-clock seconds for the whole command.")] = 60.0,
    jobs: Annotated[int, typer.Option(help="Worker processes for the search.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the search.")] = 0,
    selection: Annotated[
        str,
        typer.Option(
            help="Which program of the front to pick: best (the largest drop in log-loss per "
            "node among those within 1.5x of the lowest loss), accuracy (the lowest loss) "
            "or score (the largest drop in log-loss per node)."
        ),
    ] = "best",
    store: Annotated[
        Path | None,
        typer.Option(
            help="Search with the library `metagrow learn --domain numeric` learned in this "
            "SQLite store, and save the model there (under --name)."
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="The model's name in --store (default: the CSV's stem).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="MODEL.json", help="Write the model.")
    ] = None,
) -> None:
    """Fit programs to a table: search for formulas over the other columns that predict
    TARGET, show the front of simplest-for-their-loss programs and the one selected."""
    from rich.console import Console

    from metagrow import api
    from metagrow.domains.numeric import TableError

    remaining = budget - since_process_start()
    try:
        if task is not None and task not in TASKS:
            raise ValueError(f"unknown --task {task!r}; choose regression or classification")
        api.check_fit_options(budget, jobs, selection)
        if output is not None and not output.parent.is_dir():
            raise ValueError(f"-o {output}: no such folder {output.parent}")
        grammar = None if store is None else _stored_grammar(store)
        save = None if store is None else _model_saver(store)
        table = api.read_table(data, target, task)  # type: ignore[arg-type]
    except (ValueError, TableError) as err:
        fail(str(err))
    from metagrow.cli._fit_progress import FitDisplay

    stop = False
    with FitDisplay(Console(stderr=True), budget) as display:
        try:
            report = api.fit_frame(table, remaining, jobs, seed, selection,  # type: ignore[arg-type]
                                   display.update, grammar)  # fmt: skip
        except api.FitInterrupted as err:
            if err.report is None:
                interrupted("before a program was scored: nothing found")
            report, stop = err.report, True
    if output is not None and not stop:
        _write_model(output, report.model())
    if save is not None and not stop:
        save(name or data.stem, report.model())
    if as_json:
        print(json.dumps(report.to_json()), flush=True)
    else:
        show_front(report, output, store)
    if stop:
        _quick_exit(
            INTERRUPTED, f"printed the best found in {report.seconds:.1f} s; no model written"
        )
    _quick_exit(0)


QUICK_EXIT = False
"""Set by the ``metagrow`` command (not by in-process runners): end the process as soon as
the output is written, without the quarter second the interpreter spends unloading sympy
and numpy, which would count against ``--budget``."""


def _quick_exit(code: int, kept: str | None = None) -> None:
    if kept is not None:
        print(f"metagrow: interrupted: {kept}", file=sys.stderr)
    if QUICK_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        raise typer.Exit(code)


def since_process_start() -> float:
    """Seconds since this process began (interpreter start-up included, on Linux; the CPU
    time used so far elsewhere, which is most of a start-up)."""
    try:
        stat = Path("/proc/self/stat").read_text()
        started = int(stat.rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - started)
    except (OSError, ValueError, IndexError):
        return time.process_time()


def _stored_grammar(path: Path) -> Any:
    """The numeric domain's grammar with the library the store at ``path`` learned for
    it (``metagrow learn --domain numeric``), or ``None`` if it has none (or no file yet)."""
    from metagrow import api
    from metagrow.domains.numeric import NumericDomain
    from metagrow.lang import build_grammar
    from metagrow.store import StoreError

    if not path.exists():
        return None
    try:
        spec = api.stored_library(path, NumericDomain.name)
        return None if spec is None else build_grammar(NumericDomain().grammar(), spec)
    except (StoreError, ValueError) as err:
        fail(str(err))


def _model_saver(path: Path) -> Any:
    """A function that saves a model in the store at ``path`` (made if missing) under a
    name, replacing a model of that name; checks the store can be opened first."""
    from metagrow.store import Store, StoreError

    try:
        Store(path).close()
    except StoreError as err:
        fail(str(err))

    def saver(name: str, model: dict[str, object]) -> None:
        try:
            with Store(path) as db:
                db.save_model(name, model, replace=True)
        except (StoreError, ValueError) as err:
            fail(str(err))

    return saver


def _write_model(path: Path, model: dict[str, object]) -> None:
    try:
        path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    except OSError as err:
        fail(f"-o {path}: cannot write ({err.strerror})")


def show_front(report: FitReport, output: Path | None, store: Path | None) -> None:
    """The front as a table (the selected program marked) and a line of figures."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 140)
    several = len(report.parts) > 1
    score = "R²" if report.kind == "regression" else "accuracy"
    loss = "loss (MSE)" if report.kind == "regression" else "loss (log-loss)"
    table = Table(title=f"{report.target}: the front")
    table.add_column("", no_wrap=True)
    if several:
        table.add_column("class", no_wrap=True)
    table.add_column("complexity", justify="right", no_wrap=True)
    table.add_column(loss, justify="right", no_wrap=True)
    table.add_column("expression", overflow="fold")
    for row in report.front():
        cells = ["*" if row["selected"] else "", f"{row['complexity']}", f"{row['loss']:.4g}"]
        if several:
            cells.insert(1, str(row["class"]))
        table.add_row(*cells, str(row["expression"]), style="bold" if row["selected"] else None)
    console.print(table)
    console.print(f"{report.target} = {report.expression()}", highlight=False, soft_wrap=True)
    console.print(
        f"train {score} {report.train_score:.6g}; {report.evaluations:,} programs scored "
        f"in {report.seconds:.1f} s (* selected: {report.selection})",
        highlight=False,
    )
    if output is not None:
        console.print(f"model written to {output}", highlight=False)
    if store is not None:
        console.print(f"model saved in {store}", highlight=False)


def predict_command(
    model: Annotated[Path, typer.Argument(metavar="MODEL.json", help="From metagrow fit -o.")],
    data: Annotated[
        Path, typer.Argument(metavar="DATA.csv", help="Rows with the model's columns.")
    ],
) -> None:
    """Predict the target of each row of DATA.csv: CSV on stdout, a header line with the
    target's name, then one value (or class label) per row."""
    import csv

    from metagrow import api
    from metagrow.domains.numeric import TableError

    try:
        target, values = api.predict_csv(model, data)
    except (api.ModelError, TableError) as err:
        fail(str(err))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([target])
    for v in values:
        writer.writerow([repr(v) if isinstance(v, float) else v])
