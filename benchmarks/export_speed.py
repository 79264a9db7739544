"""Exported Python against the interpreter: runs per second and latency per call.

Usage: python benchmarks/export_speed.py [--seconds S]
For each program (lists, and numeric with fitted constants) on the same inputs: the
interpreter (`Program.run`), the exported module's `run` (the same values in, no JSON),
and its `predict` (JSON in and out, as a user calls it). Interleaved in rounds so that a
drift of the shared machine's speed hits each alike; prints one JSON line per program and
a summary line with the median speed-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from metagrow.domains import Domain
from metagrow.domains.lists import ListsDomain
from metagrow.domains.numeric import NumericDomain
from metagrow.export import to_python
from metagrow.lang import Program, infer, parse

LIST_INPUT = tuple(range(-5, 15))
CASES: list[tuple[str, str, list[object]]] = [
    ("lists", "(lam (map (lam (+ $0 1)) (filter (lam (gt? $0 1)) $0)))", [LIST_INPUT]),
    ("lists", "(lam (fold $0 0 (lam (lam (+ $0 $1)))))", [LIST_INPUT]),
    ("lists", "(lam (sort (reverse $0)))", [LIST_INPUT]),
    ("lists", "(lam (map (lam (if (even? $0) (* $0 $0) (- 0 $0))) $0))", [LIST_INPUT]),
    (
        "lists",
        "(lam (fix1 $0 (lam (lam (if (empty? $0) 0 (+ (head $0) ($1 (tail $0))))))))",
        [LIST_INPUT],
    ),
    ("lists", "(lam (length (filter (lam (eq? (mod $0 3) 0)) $0)))", [LIST_INPUT]),
    ("numeric", "(lam (lam (add (mul 1.5 (sin $1)) (div $0 (add 2.25 (square $1))))))", [0.7, 1.9]),
]


def load(source: str, where: Path, i: int) -> ModuleType:
    path = where / f"exported_{i}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_call(fn: Callable[[], object], seconds: float) -> float:
    """Seconds per call of ``fn``, timed over about ``seconds``."""
    n, start = 0, time.perf_counter()
    while (took := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn()
        n += 50
    return took / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per program and runner")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    domains: dict[str, Domain] = {"lists": ListsDomain(), "numeric": NumericDomain()}
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, text, inputs) in enumerate(CASES):
            domain = domains[name]
            grammar, limits = domain.grammar(), domain.limits()
            expr = parse(text)
            request = infer(expr, grammar)
            module = load(to_python(expr, request, grammar, limits), Path(tmp), i)
            program = Program(expr, grammar.primitives)
            given = tuple(inputs)
            as_json = [domain.encode(v, t) for v, t in zip(given, request.arguments(), strict=True)]
            x = as_json[0] if len(as_json) == 1 else as_json
            want = program.run(given, limits)
            assert module.run(module.program, given) == want, text
            runners: dict[str, Callable[[], object]] = {
                "interpreter": lambda p=program, g=given, lim=limits: p.run(g, lim),
                "exported": lambda m=module, g=given: m.run(m.program, g, m.RETURNS),
                "predict": lambda m=module, x=x: m.predict(x),
            }
            times: dict[str, list[float]] = {k: [] for k in runners}
            for _ in range(args.rounds):
                for key, fn in runners.items():
                    times[key].append(per_call(fn, args.seconds / args.rounds))
            best = {k: min(v) for k, v in times.items()}
            ratio = best["interpreter"] / best["exported"]
            ratios.append(ratio)
            print(
                json.dumps(
                    {
                        "program": text,
                        "domain": name,
                        **{f"{k}_us": round(v * 1e6, 2) for k, v in best.items()},
                        "exported_runs_per_s": round(1 / best["exported"]),
                        "speedup": round(ratio, 2),
                        "speedup_predict": round(best["interpreter"] / best["predict"], 2),
                    }
                )
            )
    print(
        json.dumps({"median_speedup": round(statistics.median(ratios), 2), "programs": len(ratios)})
    )


if __name__ == "__main__":
    main()
