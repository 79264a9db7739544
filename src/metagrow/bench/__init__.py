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
from metagrow.bench._lifelong import (
    SEQUENCES,
    LifelongConfig,
    LifelongRecord,
    LifelongReport,
    plot_lifelong,
    run_lifelong,
)
from metagrow.bench._lifelong_tasks import lifelong_task, task_kind, train_size
from metagrow.bench._recovery import gplearn_sympy, recovered, same_expression
from metagrow.bench._regression import (
    RegressionReport,
    RegressionTask,
    SystemRecord,
    regression_tasks,
    run_regression,
    run_task,
)
from metagrow.bench._regression_systems import SYSTEMS, System, gplearn_missing
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
from metagrow.learning import module_from_record, module_record

__all__ = [
    "SEQUENCES",
    "SYSTEMS",
    "ArcReport",
    "ArcTaskRecord",
    "BenchReport",
    "DigitsConfig",
    "DigitsReport",
    "DigitsTaskRecord",
    "LifelongConfig",
    "LifelongRecord",
    "LifelongReport",
    "RegressionReport",
    "RegressionTask",
    "SuiteInterrupted",
    "System",
    "SystemRecord",
    "TaskRecord",
    "arc_score",
    "git_commit",
    "gplearn_missing",
    "gplearn_sympy",
    "known",
    "lifelong_task",
    "machine",
    "module_from_record",
    "module_record",
    "plot_curve",
    "plot_lifelong",
    "recovered",
    "regression_tasks",
    "run_arc",
    "run_digits",
    "run_lifelong",
    "run_regression",
    "run_suite",
    "run_task",
    "same_expression",
    "score",
    "score_arc",
    "submission_entry",
    "task_kind",
    "train_size",
    "unknown_note",
]
