"""Time library compression (stitch-core) on 1,000 solutions.

Usage: python benchmarks/compression_speed.py [--programs N] [--iterations K]
The programs are a seeded sample of well-typed list programs from the grammar (what a
learner's solutions look like), so the figure is re-runnable anywhere.
"""

from __future__ import annotations

import argparse
import random
import time

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Expr, Invented, parse_type
from metagrow.library import compress
from metagrow.search import TopDownEnumerator


def sample(n: int, seed: int) -> dict[str, Expr]:
    grammar = ListsDomain().grammar()
    pool: list[Expr] = []
    for request in ("list(int) -> list(int)", "list(int) -> int"):
        pool += [e for _, _, e in TopDownEnumerator().programs(grammar, parse_type(request), 8, 15)]
    rng = random.Random(seed)
    return {f"p{i}": e for i, e in enumerate(rng.sample(pool, n))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args()
    programs = sample(args.programs, seed=0)
    grammar = ListsDomain().grammar()
    start = time.perf_counter()
    result = compress(grammar, programs, {}, iterations=args.iterations)
    elapsed = time.perf_counter() - start
    size = sum(e.size for e in programs.values())
    after = sum(e.size for e in result.solutions.values())
    print(f"compressed {len(programs)} programs ({size} nodes) in {elapsed:.2f} s "
          f"with {args.iterations} stitch iterations: {len(result.added)} inventions kept, "
          f"{after} nodes after rewriting")  # fmt: skip
    for p in result.grammar.productions:
        if isinstance(p.expr, Invented) and p.name in result.added:
            print(f"  {p.name} : {p.type} = {result.grammar.show(p.expr.body)}")


if __name__ == "__main__":
    main()
