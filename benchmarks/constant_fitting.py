"""Levenberg-Marquardt against CMA-ES for the constants of numeric programs.

Every formula of the built-in suite is fitted twice with the same search (evolution only,
no enumeration, so that every program's constants go through the method compared) and the
same count of programs scored; the table gives held-out R^2 > 0.999, exact recovery (as
``bench regression`` checks it) and time.

    python benchmarks/constant_fitting.py --evaluations 1500 --jobs 2
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from statistics import median
from typing import Any

import numpy as np


def _fit_one(args: tuple[str, str, int]) -> dict[str, Any]:
    name, method, evaluations = args
    from metagrow.bench import recovered
    from metagrow.domains.numeric import FORMULAS, formula_suite, parse_formula
    from metagrow.fit import fit_table

    formula = next(f for f in FORMULAS if f.name == name)
    data = formula_suite(formulas=[formula])[0]
    started = time.perf_counter()
    fit = fit_table(
        data.train.X, data.train.y, evaluations=evaluations, constants=method,  # type: ignore[arg-type]
        enumeration=False,
    )  # fmt: skip
    took = time.perf_counter() - started
    best = fit.select("best")
    with np.errstate(all="ignore"):
        y = data.heldout.y
        r2 = 1.0 - float(np.mean((best.predict(data.heldout.X) - y) ** 2) / np.var(y))
    ranges = {v.name: (v.low, v.high) for v in formula.variables}
    exact = recovered(best.sympy(formula.columns), parse_formula(formula), ranges=ranges)
    return {"r2": r2 if np.isfinite(r2) else -1.0, "exact": bool(exact), "seconds": took}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=1500)
    parser.add_argument("--limit", type=int, default=0, help="first N formulas (0: all)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    from metagrow.domains.numeric import FORMULAS

    names = [f.name for f in FORMULAS][: args.limit or None]
    print(f"{len(names)} formulas, {args.evaluations} programs scored each\n")
    print("| constants | R² > 0.999 | exact recovery | median s | total s |")
    print("|---|---|---|---|---|")
    with ProcessPoolExecutor(args.jobs) as pool:
        for method in ("lm", "cmaes"):
            rows = list(pool.map(_fit_one, [(n, method, args.evaluations) for n in names]))
            secs = [r["seconds"] for r in rows]
            print(f"| {method} | {sum(r['r2'] > 0.999 for r in rows)}/{len(rows)} | "
                  f"{sum(r['exact'] for r in rows)}/{len(rows)} | {median(secs):.2f} | "
                  f"{sum(secs):.0f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
