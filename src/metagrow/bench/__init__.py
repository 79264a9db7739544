"""Benchmarks: run suites of tasks, score them, report JSON and Markdown."""

from metagrow.bench._report import BenchReport, TaskRecord, git_commit, machine
from metagrow.bench._run import run_suite, score

__all__ = ["BenchReport", "TaskRecord", "git_commit", "machine", "run_suite", "score"]
