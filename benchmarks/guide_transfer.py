"""Does the neural guide help? Learn a library and a guide on a suite's train split, then
solve its held-out split at the same per-task budget with the same library, with and
without the guide.

Usage: python benchmarks/guide_transfer.py [--suite lists|arc] [--budget S]
       [--measure S [S ...]] [--iterations N] [--jobs J] [--engine NAME] [--limit N]
       [--out DIR] [--reuse]
Runs the CLI as a user would (`metagrow learn` at --budget, then `metagrow bench lists|arc
--store DB` with and without `--no-guide` at each --measure budget, --budget by default)
and prints, per budget: held-out tasks solved (test-correct; for ARC, the official top-2
score) with and without the guide, the median programs tried before the first solution
(for ARC: in all) on the tasks both solve; and the guide's training seconds in each
iteration. Lists: learn on `train`, measure `heldout` (defaults: topdown, 5 s,
3 iterations). ARC: learn on `training`, measure `evaluation` (default engine: the ARC
one, bottom-up).
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

_SPLITS = {"lists": ("train", "heldout"), "arc": ("training", "evaluation")}


def metagrow(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "metagrow", *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(_SPLITS), default="lists")
    parser.add_argument("--budget", type=float, default=5.0, help="Seconds per task to learn.")
    parser.add_argument("--measure", type=float, nargs="*", default=[], help="Budgets to measure.")
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--engine", default=None, help="Default: topdown (lists), bottomup (arc).")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N tasks of a split.")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument("--reuse", action="store_true", help="Keep an existing store.")
    args = parser.parse_args()
    engine = args.engine or ("topdown" if args.suite == "lists" else "bottomup")
    learn_split, measure_split = _SPLITS[args.suite]
    args.out.mkdir(parents=True, exist_ok=True)
    prefix = "" if args.suite == "lists" else "arc-"
    db = args.out / f"guide-{prefix}{engine}-{args.budget:g}s.db"
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    common = ["--engine", engine, "--jobs", str(args.jobs), "--limit", str(args.limit)]
    domain = ["--domain", args.suite] if args.suite == "arc" else []
    metagrow("learn", *domain, "--split", learn_split, "--iterations", str(args.iterations),
             "--budget", str(args.budget), "--store", str(db), *common)  # fmt: skip
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT iteration, metrics_json FROM iterations ORDER BY iteration")
        guide_seconds = [json.loads(m).get("guide_seconds") for _, m in rows]
    print(f"\nlibrary and guide learned in {args.iterations} iterations on {learn_split} at "
          f"{args.budget:g} s per task")  # fmt: skip
    print(f"guide training seconds per iteration: {guide_seconds}")
    for budget in args.measure or [args.budget]:
        tag = f"{prefix}{engine}-{budget:g}s"
        bench = ["bench", args.suite, "--split", measure_split, "--store", str(db),
                 "--budget", str(budget), *common]  # fmt: skip
        off_json = args.out / f"{measure_split}-noguide-{tag}.json"
        on_json = args.out / f"{measure_split}-guide-{tag}.json"
        metagrow(*bench, "--no-guide", "--json", str(off_json))
        metagrow(*bench, "--json", str(on_json))
        report(args.suite, measure_split, engine, budget, off_json, on_json)


def report(
    suite: str, split: str, engine: str, budget: float, off_json: Path, on_json: Path
) -> None:
    """Print the comparison of one budget's two bench reports."""
    off = {t["task"]: t for t in json.loads(off_json.read_text())["tasks"]}
    on = {t["task"]: t for t in json.loads(on_json.read_text())["tasks"]}
    score = "test_correct" if suite == "lists" else "score"
    programs = "first_programs" if suite == "lists" else "programs_tried"
    n_off = sum(t[score] for t in off.values())
    n_on = sum(t[score] for t in on.values())
    both = [k for k in off if off[k][score] and on[k][score]]
    med_off = statistics.median(off[k][programs] for k in both) if both else math.nan
    med_on = statistics.median(on[k][programs] for k in both) if both else math.nan
    print(f"\n{split}, {engine}, {budget:g} s per task:")
    print(f"  library only: {n_off:g}/{len(off)}; library + guide: {n_on:g}/{len(on)} "
          f"({n_on / max(n_off, 1):.2f}x)")  # fmt: skip
    if suite == "lists":  # top-2 per test input is lenient on boolean outputs; top-1 is not
        t_off = sum(t["top1_correct"] for t in off.values())
        t_on = sum(t["top1_correct"] for t in on.values())
        print(f"  top-1 (first answer right on every test input): library only {t_off}, "
              f"library + guide {t_on} ({t_on / max(t_off, 1):.2f}x)")  # fmt: skip
    what = "before the first solution " if suite == "lists" else ""
    print(f"  median programs tried {what}on the {len(both)} tasks both solve: without "
          f"guide {med_off:g}, with guide {med_on:g} ({med_off / med_on:.2f}x fewer)")  # fmt: skip
    only_on = sorted(k for k in on if on[k][score] and not off[k][score])
    only_off = sorted(k for k in off if off[k][score] and not on[k][score])
    print(f"  solved only with the guide: {', '.join(only_on) or '-'}")
    print(f"  solved only without it: {', '.join(only_off) or '-'}")


if __name__ == "__main__":
    main()
