"""Does the neural guide help? Learn a library and a guide on the list suite's train split,
then solve the heldout split at the same per-task budget with the same library, with and
without the guide.

Usage: python benchmarks/guide_transfer.py [--budget S] [--iterations N] [--jobs J]
       [--engine NAME] [--out DIR]
Runs the CLI as a user would (`metagrow learn`, then `metagrow bench lists --store DB`
with and without `--no-guide`) and prints: heldout tasks solved (test-correct) with and
without the guide, the median programs tried before the first solution on the tasks both
solve, and the guide's training seconds in each iteration.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path


def metagrow(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "metagrow", *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=5.0)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--engine", default="topdown")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument("--reuse", action="store_true", help="Keep an existing store.")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tag = f"{args.engine}-{args.budget:g}s"
    db = args.out / f"guide-{tag}.db"
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    common = ["--engine", args.engine, "--budget", str(args.budget), "--jobs", str(args.jobs)]
    metagrow("learn", "--split", "train", "--iterations", str(args.iterations),
             "--store", str(db), *common)  # fmt: skip
    off_json = args.out / f"heldout-noguide-{tag}.json"
    on_json = args.out / f"heldout-guide-{tag}.json"
    bench = ["bench", "lists", "--split", "heldout", "--store", str(db), *common]
    metagrow(*bench, "--no-guide", "--json", str(off_json))
    metagrow(*bench, "--json", str(on_json))
    off = {t["task"]: t for t in json.loads(off_json.read_text())["tasks"]}
    on = {t["task"]: t for t in json.loads(on_json.read_text())["tasks"]}
    n_off = sum(t["test_correct"] for t in off.values())
    n_on = sum(t["test_correct"] for t in on.values())
    both = [k for k in off if off[k]["test_correct"] and on[k]["test_correct"]]
    med_off = statistics.median(off[k]["first_programs"] for k in both) if both else math.nan
    med_on = statistics.median(on[k]["first_programs"] for k in both) if both else math.nan
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT iteration, metrics_json FROM iterations ORDER BY iteration")
        guide_seconds = [json.loads(m).get("guide_seconds") for _, m in rows]
    print(f"\nheldout, {args.engine}, {args.budget:g} s per task, library and guide learned in "
          f"{args.iterations} iterations on train:")  # fmt: skip
    print(f"  library only: {n_off}/{len(off)} test-correct; library + guide: {n_on}/{len(on)} "
          f"({n_on / max(n_off, 1):.2f}x)")  # fmt: skip
    print(f"  median programs tried before the first solution on the {len(both)} tasks both "
          f"solve: without guide {med_off:g}, with guide {med_on:g} "
          f"({med_off / med_on:.2f}x fewer)")  # fmt: skip
    print(f"  guide training seconds per iteration: {guide_seconds}")
    only_on = sorted(k for k in on if on[k]["test_correct"] and not off[k]["test_correct"])
    only_off = sorted(k for k in off if off[k]["test_correct"] and not on[k]["test_correct"])
    print(f"  solved only with the guide: {', '.join(only_on) or '-'}")
    print(f"  solved only without it: {', '.join(only_off) or '-'}")


if __name__ == "__main__":
    main()
