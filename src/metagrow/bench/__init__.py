"""Benchmarks: run suites of tasks, score them, report JSON and Markdown."""

from metagrow.bench._arc import ArcReport, ArcTaskRecord, run_arc, score_arc, submission_entry
from metagrow.bench._report import BenchReport, TaskRecord, git_commit, machine
from metagrow.bench._run import run_suite, score

__all__ = [
    "ArcReport",
    "ArcTaskRecord",
    "BenchReport",
    "TaskRecord",
    "git_commit",
    "machine",
    "run_arc",
    "run_suite",
    "score",
    "score_arc",
    "submission_entry",
]
