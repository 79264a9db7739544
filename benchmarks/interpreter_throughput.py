"""Interpreter throughput: program runs per second on a 5-example list task.

Usage: python benchmarks/interpreter_throughput.py [--seconds S]
Two figures: runs of one compiled program (the interpreter alone), and enumerated
candidate programs compiled and checked against all 5 examples (what search pays).
"""

from __future__ import annotations

import argparse
import time
from itertools import islice

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Program, Task, parse, parse_type
from metagrow.search import ExampleChecker, TopDownEnumerator

INPUTS = [(3, 1, 4, 1, 5), (9, 2, 6), (5, 3, 5, 8, 9, 7), (), (2, 7, 1, 8)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    domain = ListsDomain()
    grammar = domain.grammar()
    limits = domain.limits()

    program = Program(
        parse("(lam (map (lam (+ $0 $0)) (filter (lam (gt? $0 2)) $0)))"), grammar.primitives
    )
    runs = 0
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        for xs in INPUTS:
            program.run((xs,), limits)
        runs += len(INPUTS)
    rate = runs / (time.perf_counter() - start)
    print(f"compiled program, 5 examples: {rate:,.0f} runs/s ({1e6 / rate:.2f} us per run)")

    request = parse_type("list(int) -> list(int)")
    task = Task("throughput", request, tuple(Example((xs,), (0,)) for xs in INPUTS))
    checker = ExampleChecker(task, grammar, limits)
    candidates = [
        e for _, _, e in islice(TopDownEnumerator().programs(grammar, request, 0, 14), 20_000)
    ]
    start = time.perf_counter()
    for e in candidates:
        for xs in INPUTS:  # run every example, as a full check does
            Program(e, grammar.primitives).run((xs,), limits)
    elapsed = time.perf_counter() - start
    print(
        "enumerated candidates compiled + run on 5 examples: "
        f"{len(candidates) / elapsed:,.0f} programs/s "
        f"({len(candidates) * 5 / elapsed:,.0f} runs/s, {len(candidates)} programs)"
    )
    start = time.perf_counter()
    for e in candidates:
        checker.accepts(e)
    elapsed = time.perf_counter() - start
    print(
        f"search check (stops at first wrong example): {len(candidates) / elapsed:,.0f} programs/s"
    )
    start = time.perf_counter()
    n = sum(1 for _ in TopDownEnumerator().programs(grammar, request, 0, 14))
    elapsed = time.perf_counter() - start
    print(
        f"enumeration alone (top-down, cost < 14 nats): {n / elapsed:,.0f} programs/s "
        f"({n} programs)"
    )


if __name__ == "__main__":
    main()
