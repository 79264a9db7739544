"""``metagrow.fit_csv``: programs fitted to a user's table, exactly as ``metagrow fit`` runs it.

Regression fits one program to the target (mean squared error). Classification fits logits:
one program for two classes (the log-odds of the second), one per class against the rest
for more (the predicted class is the one whose program scores highest). The whole call,
reading and writing out included, keeps to ``budget`` seconds: the search stops early
enough to leave time for turning the front into text.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, final

import numpy as np

from metagrow.api._expression import expression_text
from metagrow.domains.numeric import Kind, Table, TableError, read_csv
from metagrow.domains.numeric._classes import class_index
from metagrow.fit import FittedProgram, Loss, constant_fit, fit_table
from metagrow.lang import Grammar
from metagrow.search import SELECTIONS, MinimiseStatus, Selection

if TYPE_CHECKING:
    from metagrow.domains.numeric._vector import FloatArray

UNBOUNDED = 10**15
"""Programs a timed search may score: so many that the clock always stops it first."""
MAX_CLASSES = 20
"""More classes than this is almost surely a numeric target read as labels."""
MODEL_FORMAT = "metagrow-model"
MODEL_VERSION = 1
_SIMPLIFY_SECONDS = 0.5
"""Simplifying an expression can take this long (the first, much longer than the rest): no
simplification begins later than this before the end of the budget."""


@final
@dataclass(frozen=True, slots=True)
class FitStatus:
    """Where a fit is, for progress displays: the class being fitted (``None`` for
    regression and two classes), its programs scored, best loss and front size, and the
    programs scored and seconds of the whole fit so far."""

    part: str | None
    best_loss: float
    front_size: int
    evaluations: int
    seconds: float


@final
@dataclass(frozen=True, slots=True)
class Part:
    """What one search found: its front (simplest first), the program selected and, once
    written out, each front member's expression text."""

    label: str | None
    front: tuple[FittedProgram, ...]
    selected: FittedProgram
    texts: tuple[str, ...] = ()

    def text(self, member: FittedProgram) -> str:
        return self.texts[self.front.index(member)]


@final
@dataclass(frozen=True, slots=True)
class FitReport:
    """A fitted table: the table's shape, one :class:`Part` per program (one, or one per
    class for more than two), the train score (R², or accuracy), programs scored and
    seconds; :meth:`to_json` is what ``metagrow fit --json`` prints, :meth:`model` the
    model file."""

    kind: Kind
    columns: tuple[str, ...]
    target: str
    classes: tuple[str | int, ...]
    selection: Selection
    parts: tuple[Part, ...]
    train_score: float
    evaluations: int
    seconds: float

    def expression(self) -> str:
        texts = [p.text(p.selected) for p in self.parts]
        return texts[0] if len(texts) == 1 else f"({', '.join(texts)})"

    def program(self) -> str:
        texts = [str(p.selected.program) for p in self.parts]
        return texts[0] if len(texts) == 1 else f"({', '.join(texts)})"

    def loss(self) -> float:
        return float(np.mean([p.selected.loss for p in self.parts]))

    def front(self) -> list[dict[str, object]]:
        """The front of every part as JSON records (simplest first, part by part), the
        selected member marked."""
        rows: list[dict[str, object]] = []
        for part in self.parts:
            for f in part.front:
                row: dict[str, object] = {
                    "complexity": f.complexity,
                    "loss": f.loss,
                    "expression": part.text(f),
                }
                if len(self.parts) > 1:
                    row["class"] = part.label
                row["selected"] = f is part.selected
                rows.append(row)
        return rows

    def _members(self) -> list[FittedProgram]:
        return [f for part in self.parts for f in part.front]

    def to_json(self) -> dict[str, object]:
        return {
            "target": self.target,
            "task": self.kind,
            "classes": list(self.classes),
            "expression": self.expression(),
            "program": self.program(),
            "loss": self.loss(),
            "front": self.front(),
            "train_score": self.train_score,
            "evaluations": self.evaluations,
            "seconds": round(self.seconds, 3),
        }

    def model(self) -> dict[str, object]:
        """The model file's content (``docs/fit.md``): enough to predict without refitting."""
        return {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "kind": self.kind,
            "columns": list(self.columns),
            "target": self.target,
            "classes": list(self.classes),
            "selection": self.selection,
            "programs": [
                {
                    "structure": str(p.selected.structure),
                    "constants": list(p.selected.constants),
                    "loss": p.selected.loss,
                    "complexity": p.selected.complexity,
                }
                for p in self.parts
            ],
            "front": [
                {
                    **{k: v for k, v in row.items() if k != "selected"},
                    "structure": str(f.structure),
                    "constants": list(f.constants),
                }
                for row, f in zip(
                    self.front(), (f for p in self.parts for f in p.front), strict=True
                )
            ],
            "n_evaluations": self.evaluations,
            "fit_seconds": self.seconds,
        }


class FitInterrupted(Exception):
    """Ctrl-C during a fit: ``report`` is the best found so far (``None`` if nothing yet)."""

    def __init__(self, report: FitReport | None) -> None:
        super().__init__("interrupted")
        self.report = report


def check_fit_options(budget: float, jobs: int, selection: str) -> Selection:
    """``selection`` as a rule; ``ValueError`` (one line) for options no fit can use."""
    if not (math.isfinite(budget) and budget > 0):
        raise ValueError(f"--budget must be a positive number of seconds, got {budget:g}")
    if jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {jobs}")
    if selection not in SELECTIONS:
        raise ValueError(f"unknown --selection {selection!r}; choose {', '.join(SELECTIONS)}")
    return selection


def read_table(path: Path, target: str, task: Kind | None) -> Table:
    """The table in the CSV file ``path``; :class:`TableError` (one line) if it cannot be
    fitted, including a classification target of one class or of very many."""
    table = read_csv(path, target, task)
    if table.kind == "classification":
        n = len(np.unique(table.y))
        if n < 2:
            raise TableError(f"{path}: the target {target!r} holds one class; nothing to learn")
        if n > MAX_CLASSES:
            raise TableError(
                f"{path}: the target {target!r} holds {n} classes (at most {MAX_CLASSES}); "
                "for a number to predict use --task regression"
            )
    return table


def fit_csv(
    path: str | Path,
    target: str,
    task: Kind | None = None,
    budget: float = 60.0,
    jobs: int = 1,
    seed: int = 0,
    selection: str = "best",
    report: Callable[[FitStatus], None] | None = None,
    grammar: Grammar | None = None,
) -> FitReport:
    """Fit programs to the table in the CSV file ``path`` within ``budget`` seconds (from
    this call), searching ``grammar`` (the numeric domain's, or a learned library on top of
    it). ``task`` defaults to the guess from the target column. Raises
    :class:`TableError` for a file that cannot be used, ``ValueError`` for bad options,
    :class:`FitInterrupted` on Ctrl-C."""
    started = time.perf_counter()
    rule = check_fit_options(budget, jobs, selection)
    table = read_table(Path(path), target, task)
    left = budget - (time.perf_counter() - started)
    return fit_frame(table, left, jobs, seed, rule, report, grammar)


def fit_frame(
    table: Table,
    budget: float,
    jobs: int = 1,
    seed: int = 0,
    selection: Selection = "best",
    report: Callable[[FitStatus], None] | None = None,
    grammar: Grammar | None = None,
) -> FitReport:
    """Fit programs to ``table`` within ``budget`` seconds (see :func:`fit_csv`)."""
    started = time.perf_counter()
    import sympy  # noqa: F401  (needed for the front's text: loaded on the clock, not after it)

    finish_by = started + budget
    search_until = finish_by - _reserve(budget)
    targets, labels = _targets(table)
    loss: Loss = "mse" if table.kind == "regression" else "logloss"
    parts: list[Part] = []
    done = _Done()
    try:
        for i, (label, y) in enumerate(targets):
            seconds = max(search_until - time.perf_counter(), 0.0) / (len(targets) - i)
            parts.append(_fit_part(table, label, y, loss, seconds, jobs, seed, selection,
                                   done, report, grammar))  # fmt: skip
    except KeyboardInterrupt:
        if done.last is None and not parts:
            raise FitInterrupted(None) from None
        if done.last is not None:  # the search under way counts too
            done.evaluations += done.last.evaluations
            done.seconds += done.last.seconds
        partial = [*parts, *_partial(table, targets[len(parts) :], loss, done.last, selection)]
        with np.errstate(all="ignore"):
            interrupted = _report(table, labels, selection, partial, done, started, 0.0)
        raise FitInterrupted(interrupted) from None
    with np.errstate(all="ignore"):  # a program may overflow on the way to a finite value
        return _report(table, labels, selection, parts, done, started, finish_by)


@final
class _Done:
    """Programs scored and seconds by the searches finished, and the newest status."""

    def __init__(self) -> None:
        self.evaluations = 0
        self.seconds = 0.0
        self.last: MinimiseStatus | None = None


def _reserve(budget: float) -> float:
    """Seconds kept after the search for writing the front out."""
    return min(0.05 * budget + 0.25, 1.5)


def _targets(table: Table) -> tuple[list[tuple[str | None, FloatArray]], tuple[str | int, ...]]:
    """What each search fits (label, target values) and the class labels."""
    if table.kind == "regression":
        return [(None, table.y)], ()
    codes = np.unique(table.y)
    labels: tuple[str | int, ...] = tuple(
        table.classes[int(c)] if table.classes else int(c) for c in codes
    )
    if len(codes) == 2:
        return [(None, (table.y == codes[1]).astype(np.float64))], labels
    return [
        (str(label), (table.y == c).astype(np.float64))
        for label, c in zip(labels, codes, strict=True)
    ], labels


def _fit_part(
    table: Table,
    label: str | None,
    y: FloatArray,
    loss: Loss,
    seconds: float,
    jobs: int,
    seed: int,
    selection: Selection,
    done: _Done,
    report: Callable[[FitStatus], None] | None,
    grammar: Grammar | None,
) -> Part:
    def on_status(status: MinimiseStatus) -> None:
        done.last = status
        if report is not None:
            report(
                FitStatus(
                    label,
                    status.front.best_loss,
                    len(status.front),
                    done.evaluations + status.evaluations,
                    done.seconds + status.seconds,
                )
            )

    done.last = None
    if seconds <= 0:
        front: tuple[FittedProgram, ...] = (constant_fit(table.X.shape[1], y, loss),)
    else:
        fit = fit_table(table.X, y, loss=loss, evaluations=UNBOUNDED, seconds=seconds,
                        seed=seed, report=on_status, jobs=jobs, grammar=grammar)  # fmt: skip
        done.evaluations += fit.evaluations
        done.seconds += fit.seconds
        done.last = None  # this search's front is in the part returned, not still under way
        front = fit.front
    return Part(label, front, _select(front, selection))


def _select(front: tuple[FittedProgram, ...], selection: Selection) -> FittedProgram:
    from metagrow.fit import TableFit

    return TableFit(front, 0, 0.0).select(selection)


def _partial(
    table: Table,
    rest: Sequence[tuple[str | None, FloatArray]],
    loss: Loss,
    last: MinimiseStatus | None,
    selection: Selection,
) -> list[Part]:
    """Parts for the searches not finished at Ctrl-C: the front so far of the one running,
    the best constant for those not begun."""
    parts = []
    arity = table.X.shape[1]
    for k, (label, y) in enumerate(rest):
        members = () if last is None or k > 0 else last.front.members
        front = tuple(FittedProgram.of(s, arity) for s in members) or (
            constant_fit(arity, y, loss),
        )
        parts.append(Part(label, front, _select(front, selection)))
    return parts


def _report(
    table: Table,
    labels: tuple[str | int, ...],
    selection: Selection,
    parts: list[Part],
    done: _Done,
    started: float,
    finish_by: float,
) -> FitReport:
    parts = [_written(p, table, finish_by) for p in parts]
    scores = np.column_stack([p.selected.predict(table.X) for p in parts])
    if table.kind == "regression":
        score = _r2(scores[:, 0], table.y)
    else:
        predicted = class_index(scores)
        truth = np.searchsorted(np.unique(table.y), table.y)
        score = float(np.mean(predicted == truth))
    return FitReport(
        table.kind, table.columns, table.target, labels, selection, tuple(parts),
        score, done.evaluations, time.perf_counter() - started,
    )  # fmt: skip


def _written(part: Part, table: Table, finish_by: float) -> Part:
    """``part`` with its front's texts: the selected program's first, the others simplified
    only while time is left."""
    order = sorted(range(len(part.front)), key=lambda i: part.front[i] is not part.selected)
    texts = [""] * len(part.front)
    for i in order:
        simplify = time.perf_counter() < finish_by - _SIMPLIFY_SECONDS
        texts[i] = expression_text(part.front[i], table.columns, table.X, simplify=simplify)
    return replace(part, texts=tuple(texts))


def _r2(predicted: FloatArray, y: FloatArray) -> float:
    residual = float(np.sum((y - predicted) ** 2))
    total = float(np.sum((y - np.mean(y)) ** 2))
    if not math.isfinite(residual):
        return -math.inf
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total
