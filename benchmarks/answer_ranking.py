"""Top-1 and top-2 on the list suite's boolean-output tasks, answers ranked as found or
by summed posterior, for several engines (the figures in docs/portfolio.md).

Usage: python benchmarks/answer_ranking.py [--seconds S] [--split SPLIT]
       [--engines bottomup,portfolio,topdown]
One process, one task at a time, with the shipped library, as `metagrow bench lists`.
"""

from __future__ import annotations

import argparse

from metagrow.api import ENGINES
from metagrow.domains.lists import ListsDomain
from metagrow.lang import build_grammar
from metagrow.library import shipped_library
from metagrow.search import Budget, Ranking, solve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="budget per task")
    parser.add_argument("--split", default="all")
    parser.add_argument("--engines", default="bottomup,portfolio,topdown")
    args = parser.parse_args()
    domain = ListsDomain()
    library = shipped_library(domain)
    grammar = domain.grammar() if library is None else build_grammar(domain.grammar(), library)
    tasks = [t for t in domain.suite(args.split) if str(t.request.returns()) == "bool"]
    print(f"{len(tasks)} boolean-output tasks, {args.seconds:g} s each")
    rankings: tuple[Ranking, ...] = ("found", "likeliest", "posterior", "mass")
    for name in args.engines.split(","):
        for ranking in rankings:
            top1 = top2 = 0
            for task in tasks:
                own = domain.task_grammar(task, grammar)
                budget = Budget(args.seconds, run_limits=domain.limits())
                result = solve(task, own, ENGINES[name](), budget, 2, ranking=ranking)
                pairs = list(zip(result.predictions, task.test, strict=True))
                top1 += all(p[0] == ex.output for p, ex in pairs)
                top2 += all(ex.output in p for p, ex in pairs)
            print(f"{name:10} {ranking:9} top-1 {top1}/{len(tasks)}  top-2 {top2}/{len(tasks)}")


if __name__ == "__main__":
    main()
