"""Benchmarks: run suites of tasks, score them, report JSON and Markdown."""

from metagrow.bench._arc import (
    ArcReport,
    ArcTaskRecord,
    arc_score,
    run_arc,
    score_arc,
    submission_entry,
)
from metagrow.bench._digits import (
    DigitsConfig,
    DigitsReport,
    DigitsTaskRecord,
    plot_curve,
    run_digits,
)
from metagrow.bench._digits_modules import module_from_record, module_record
from metagrow.bench._report import (
    BenchReport,
    SuiteInterrupted,
    TaskRecord,
    git_commit,
    known,
    machine,
    unknown_note,
)
from metagrow.bench._run import run_suite, score

__all__ = [
    "ArcReport",
    "ArcTaskRecord",
    "BenchReport",
    "DigitsConfig",
    "DigitsReport",
    "DigitsTaskRecord",
    "SuiteInterrupted",
    "TaskRecord",
    "arc_score",
    "git_commit",
    "known",
    "machine",
    "module_from_record",
    "module_record",
    "plot_curve",
    "run_arc",
    "run_digits",
    "run_suite",
    "score",
    "score_arc",
    "submission_entry",
    "unknown_note",
]
