"""Does the learned library transfer? Learn on the list suite's train split, then solve the
heldout split at the same per-task budget with and without the library.

Usage: python benchmarks/library_transfer.py [--budget S] [--iterations N] [--jobs J]
       [--engine NAME] [--pseudo-count C] [--out DIR]
Runs the CLI as a user would (`metagrow learn`, then `metagrow bench lists` twice) and
prints: heldout tasks solved (test-correct) with the base DSL and with the library, their
ratio, and the median seconds-to-solve on the tasks both solve, with its ratio.
"""

from __future__ import annotations

import argparse
import json
import math
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
    parser.add_argument("--engine", default="bottomup")
    parser.add_argument("--pseudo-count", type=float, default=3.0)
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tag = f"{args.engine}-{args.budget:g}s-pc{args.pseudo_count:g}"
    db = args.out / f"transfer-{tag}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    common = ["--engine", args.engine, "--budget", str(args.budget), "--jobs", str(args.jobs)]
    metagrow(
        "learn",
        "--split",
        "train",
        "--iterations",
        str(args.iterations),
        "--store",
        str(db),
        *common,
    )
    base_json = args.out / f"heldout-base-{tag}.json"
    lib_json = args.out / f"heldout-library-{tag}.json"
    metagrow("bench", "lists", "--split", "heldout", "--json", str(base_json), *common)
    metagrow(
        "bench", "lists", "--split", "heldout", "--store", str(db), "--json", str(lib_json), *common
    )
    base = {t["task"]: t for t in json.loads(base_json.read_text())["tasks"]}
    lib = {t["task"]: t for t in json.loads(lib_json.read_text())["tasks"]}
    n_base = sum(t["test_correct"] for t in base.values())
    n_lib = sum(t["test_correct"] for t in lib.values())
    both = [k for k in base if base[k]["test_correct"] and lib[k]["test_correct"]]
    med_base = statistics.median(base[k]["first_seconds"] for k in both) if both else math.nan
    med_lib = statistics.median(lib[k]["first_seconds"] for k in both) if both else math.nan
    print(f"\nheldout, {args.engine}, {args.budget:g} s per task, library learned in "
          f"{args.iterations} iterations on train:")  # fmt: skip
    print(f"  base DSL: {n_base}/{len(base)} test-correct; with library: {n_lib}/{len(lib)} "
          f"({n_lib / max(n_base, 1):.2f}x)")  # fmt: skip
    print(f"  median seconds to the first solution on the {len(both)} tasks both solve: "
          f"base {med_base:.3f}, library {med_lib:.3f} "
          f"({med_base / med_lib:.2f}x faster)")  # fmt: skip
    only_lib = sorted(k for k in lib if lib[k]["test_correct"] and not base[k]["test_correct"])
    only_base = sorted(k for k in base if base[k]["test_correct"] and not lib[k]["test_correct"])
    print(f"  solved only with the library: {', '.join(only_lib) or '-'}")
    print(f"  solved only without it: {', '.join(only_base) or '-'}")


if __name__ == "__main__":
    main()
