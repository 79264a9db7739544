"""A library learned across datasets, measured on datasets it never saw.

The built-in formula suite is split in two by position (even: learned from, odd: held
out). ``metagrow learn --domain numeric`` runs over the first half's train tables (CSV
files, the regression engine, no guide) and compresses the programs it finds into
inventions; then every held-out formula is fitted twice at the same budget, from the bare
numeric grammar and from the grammar with the learned library, and scored: exact symbolic
recovery (as ``bench regression`` checks it), held-out R^2 > 0.999, and seconds (a fit that
fits exactly stops early, so time is time to the answer).

    python benchmarks/numeric_library.py --learn-seconds 5 --fit-seconds 5 --jobs 2
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np


def _fit_one(args: tuple[str, float, Any]) -> dict[str, Any]:
    name, seconds, spec = args
    from metagrow.bench import recovered
    from metagrow.domains.numeric import FORMULAS, NumericDomain, formula_suite, parse_formula
    from metagrow.fit import fit_table
    from metagrow.lang import build_grammar

    formula = next(f for f in FORMULAS if f.name == name)
    data = next(d for d in formula_suite(formulas=[formula]))
    grammar = None if spec is None else build_grammar(NumericDomain().grammar(), spec)
    started = time.perf_counter()
    fit = fit_table(data.train.X, data.train.y, seconds=seconds, evaluations=10**9, grammar=grammar)
    took = time.perf_counter() - started
    best = fit.select("best")
    with np.errstate(all="ignore"):
        predicted = best.predict(data.heldout.X)
        y = data.heldout.y
        r2 = 1.0 - float(np.mean((predicted - y) ** 2) / np.var(y))
    ranges = {v.name: (v.low, v.high) for v in formula.variables}
    exact = recovered(best.sympy(formula.columns), parse_formula(formula), ranges=ranges)
    return {"name": name, "exact": bool(exact), "r2": r2 if np.isfinite(r2) else -1.0,
            "seconds": took}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learn-seconds", type=float, default=5.0)
    parser.add_argument("--fit-seconds", type=float, default=5.0)
    parser.add_argument("--iterations", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    from metagrow import api
    from metagrow.domains.numeric import FORMULAS, formula_suite, write_csv
    from metagrow.learning import spec_of
    from metagrow.store import Store

    learned = [f for i, f in enumerate(FORMULAS) if i % 2 == 0]
    held_out = [f.name for i, f in enumerate(FORMULAS) if i % 2 == 1]
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "tables", Path(tmp) / "numeric.db"
        folder.mkdir()
        for data in formula_suite(formulas=learned):
            write_csv(data.train, folder / f"{data.name}.csv")
        started = time.perf_counter()
        report = api.learn(
            tasks=folder, domain="numeric", iterations=args.iterations,
            budget=args.learn_seconds, guide=False, jobs=args.jobs, store=db,
        )  # fmt: skip
        learn_seconds = time.perf_counter() - started
        with Store(db) as store:
            spec = spec_of(store.checkpoint(report.run_id))
    print(f"learned from {len(learned)} formulas in {learn_seconds:.0f} s: "
          f"{len(report.library)} inventions")  # fmt: skip
    for name, type_, source in report.library:
        print(f"  {name} : {type_} = {source}")
    rows: dict[str, list[dict[str, Any]]] = {}
    with ProcessPoolExecutor(args.jobs) as pool:
        for label, library in (("without library", None), ("with library", spec)):
            jobs = [(name, args.fit_seconds, library) for name in held_out]
            rows[label] = list(pool.map(_fit_one, jobs))
    print(f"\nheld-out formulas: {len(held_out)}, {args.fit_seconds:g} s each\n")
    print("| grammar | exact recovery | R² > 0.999 | median s | mean s |")
    print("|---|---|---|---|---|")
    for label, results in rows.items():
        exact = sum(r["exact"] for r in results)
        close = sum(r["r2"] > 0.999 for r in results)
        secs = [r["seconds"] for r in results]
        print(f"| {label} | {exact}/{len(results)} | {close}/{len(results)} | "
              f"{median(secs):.2f} | {sum(secs) / len(secs):.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
