"""Candidates per second of ``metagrow bench arc --json`` reports (issue 25, item 2).

Usage: python benchmarks/arc_rate.py REPORT.json [OTHER.json]

Prints each report's programs tried, task seconds and their quotient (programs per
second, both summed over the tasks), its score and commit; given two reports, the second's
rate over the first's. Run the two benches back to back, with the same split, limit,
budget and jobs, since the machine's load moves absolute rates.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def rate(report: dict[str, object]) -> tuple[int, float]:
    """Programs tried and task seconds, summed over the report's tasks."""
    tasks = report["tasks"]
    assert isinstance(tasks, list)
    return sum(t["programs_tried"] for t in tasks), sum(t["seconds"] for t in tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, nargs="+")
    args = parser.parse_args()
    rates = []
    for path in args.reports[:2]:
        report = json.loads(path.read_text())
        tried, seconds = rate(report)
        rates.append(tried / seconds)
        totals = report["totals"]
        print(
            f"{path}: {tried:,} programs in {seconds:.1f} task-seconds = "
            f"{tried / seconds / 1000:.1f}k/s; score {totals['score']}/{totals['tasks']}, "
            f"train-solved {totals['train_solved']}, commit {report.get('commit')}"
        )
    if len(rates) == 2:
        print(f"ratio {rates[1] / rates[0]:.2f}x")


if __name__ == "__main__":
    main()
