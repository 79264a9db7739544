"""The digits task sequence: accuracy with lifelong module reuse and both baselines.

Usage: python benchmarks/digits.py [--seed N] [--json OUT] [--plot PNG]
Same as ``metagrow bench digits``; prints one line per task, the sum_digits learning
curve and the wall time (target: sum_digits >= 0.90 with 100 lists, whole run < 600 s).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _timing import write_json

from metagrow.bench import DigitsConfig, plot_curve, run_digits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--plot", type=Path, default=Path("bench-out/digits-curve.png"))
    args = parser.parse_args()
    report = run_digits(
        DigitsConfig(seed=args.seed), progress=lambda m: print(f"  {m}", flush=True)
    )
    for t in report.tasks:
        print(
            f"{t.name:16} n={t.train_size:<5} reuse {t.accuracy:.3f}  no-reuse {t.no_reuse:.3f}  "
            f"monolithic {t.monolithic:.3f}  reused {list(t.modules_reused)}  {t.program}"
        )
    for method, points in report.curve.items():
        print(f"sum_digits curve {method}: {points}")
    print(f"seconds {report.seconds:.1f}")
    plot_curve(report, args.plot)
    write_json(args.json, report.to_json())


if __name__ == "__main__":
    main()
