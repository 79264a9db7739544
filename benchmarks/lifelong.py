"""HOUDINI-style task sequences over digit images: reuse against standalone and fine-tune.

Usage: python benchmarks/lifelong.py [--seed N] [--json OUT] [--plot PNG] [--markdown MD]
Same as ``metagrow bench lifelong``; prints one line per task and data fraction, the
Markdown table and the wall time (targets: reuse >= standalone on every task, >= 20 points
above it on counting tasks at 10 % of the data; whole run < 900 s on 2 cores).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _timing import write_json

from metagrow.bench import LifelongConfig, plot_lifelong, run_lifelong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--plot", type=Path, default=Path("bench-out/lifelong-curve.png"))
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    report = run_lifelong(
        LifelongConfig(seed=args.seed), progress=lambda m: print(f"  {m}", flush=True)
    )
    for name, records in report.sequences.items():
        for r in records:
            print(
                f"{name:4} {r.name:15} {r.fraction:5.0%} n={r.train_size:<4} reuse {r.reuse:.3f}  "
                f"standalone {r.standalone:.3f}  finetune {r.finetune:.3f}  "
                f"reused {list(r.modules_reused)}  {r.program}"
            )
    print(report.markdown())
    print(f"seconds {report.seconds:.1f}")
    plot_lifelong(report, args.plot)
    write_json(args.json, report.to_json())
    if args.markdown is not None:
        args.markdown.write_text(report.markdown())


if __name__ == "__main__":
    main()
