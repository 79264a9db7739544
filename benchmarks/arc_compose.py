"""Composition search alone on ARC tasks: how many it gets right in a given time (issue 25).

Usage: python benchmarks/arc_compose.py [--split training] [--limit 200] [--seconds 0.25]
                                        [--json OUT]

Runs ``find_compositions`` (chains of whole-grid operations and piece assembly, without
the other rules or the bottom-up search) on the first ``limit`` tasks of an ARC split,
one after another in this process, ``seconds`` each, and prints the candidates it made
and the tasks whose test answers one of its two best rules gets right (exact fits before
assemblies). ``--json`` writes each task's rules and their scores. Design from the
training split; the machine's load moves the figures, so compare runs back to back.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from metagrow.domains.grids import Grid
from metagrow.domains.grids._arc import load_arc_split
from metagrow.domains.grids._compose import find_compositions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="training")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=0.25)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    tasks = load_arc_split(args.split)[: args.limit]
    start = time.perf_counter()
    candidates, right, report = 0, 0.0, {}
    for task in tasks:
        pairs = [(ex.inputs[0], ex.output) for ex in task.train]
        tests = [ex.inputs[0] for ex in task.test]
        answers = [ex.output for ex in task.test]
        if not all(isinstance(g, Grid) for pair in pairs for g in pair):
            continue
        found = find_compositions(pairs, tests, args.seconds)  # type: ignore[arg-type]
        candidates += found.candidates
        rules = list(found.exact or found.assembled)[:2]
        scores = []
        for rule in rules:
            got = [rule(x) for x in tests]  # type: ignore[arg-type]
            scores.append(sum(g == a for g, a in zip(got, answers, strict=True)) / len(tests))
        right += max(scores, default=0.0)
        report[task.name] = [[r.name, s] for r, s in zip(rules, scores, strict=True)]
    wall = time.perf_counter() - start
    print(
        f"arc/{args.split}, {len(tasks)} tasks at {args.seconds} s: {candidates:,} candidates, "
        f"right on {right:.1f} tasks, {sum(1 for r in report.values() if r)} with a rule; "
        f"{wall:.0f} s wall"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
