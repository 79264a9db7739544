"""Time `metagrow solve --json` on every example task, as a user would run it.

Usage: python benchmarks/solve_examples.py [--budget S] [--folder DIR] [--json OUT]
Prints a Markdown table (task, solved, test correct, seconds to first solution, total
seconds, programs tried) and the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--folder", type=Path, default=ROOT / "examples" / "lists")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    for path in sorted(args.folder.glob("*.json")):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "metagrow", "solve", str(path), "--json",
             "--budget", str(args.budget)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
        record = json.loads(proc.stdout)
        tests = json.loads(path.read_text()).get("test", [])
        correct = all(
            "output" in ex and ex["output"] in preds
            for ex, preds in zip(tests, record["predictions"], strict=True)
        )
        rows.append({**record, "test_correct": correct, "wall_seconds": round(wall, 3)})
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"budget: {args.budget:g} s per task\n")
    print("| task | solved | test correct | solve seconds | process seconds | programs tried |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['task']} | {r['solved']} | {r['test_correct']} | {r['seconds']:.2f} "
              f"| {r['wall_seconds']:.2f} | {r['programs_tried']} |")  # fmt: skip
    solved = sum(r["solved"] for r in rows)
    correct = sum(r["test_correct"] for r in rows)
    print(f"\nsolved {solved}/{len(rows)}, all tests correct {correct}/{len(rows)}")
    if args.json:
        args.json.write_text(json.dumps({"budget": args.budget, "tasks": rows}, indent=1))


if __name__ == "__main__":
    main()
