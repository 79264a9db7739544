"""How long does one dream phase take? Train the guide of a learning run's last iteration
again, as `metagrow learn` does, and report its wall time, peak memory and record.

Usage: python benchmarks/guide_training.py --db DB [--domain lists|arc] [--split S]
       [--set key=value ...]
Loads the run's last library and its solved tasks' programs (replays) from DB, the tasks
of the split it learned on (defaults: lists `train`, ARC `training`), and trains with
``GuideConfig.for_tasks(tasks, seed=iteration)`` (what the learner uses; ``--set``
overrides fields) through ``train_guide``, so an ensemble's members train side by side in
forked processes as in a real run. The issue's target is under 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from dataclasses import fields, replace
from pathlib import Path

from metagrow.domains import Domain
from metagrow.guide import GuideConfig, train_guide
from metagrow.lang import Task, build_grammar
from metagrow.learn import spec_of
from metagrow.store import Store


def tasks_of(domain: str, split: str) -> tuple[Domain, list[Task]]:
    if domain == "arc":
        from metagrow.domains.grids import GridsDomain, load_arc_split

        return GridsDomain(), load_arc_split(split or "training")
    from metagrow.domains.lists import ListsDomain, load_suite

    return ListsDomain(), list(load_suite(split or "train"))  # type: ignore[arg-type]


def overrides(pairs: list[str]) -> dict[str, object]:
    kinds = {f.name: f.type for f in fields(GuideConfig)}
    out: dict[str, object] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in kinds:
            raise SystemExit(f"unknown GuideConfig field {key!r}")
        out[key] = json.loads(value)
        if isinstance(out[key], list):
            out[key] = tuple(out[key])  # type: ignore[arg-type]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--domain", choices=("lists", "arc"), default="lists")
    parser.add_argument("--split", default="")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    domain, tasks = tasks_of(args.domain, args.split)
    with Store(args.db) as store:
        run_id = int(store.runs()[-1]["id"])  # type: ignore[call-overload]
        point = store.checkpoint(run_id)
    by_name = {t.name: t for t in tasks}
    grammar = build_grammar(domain.grammar(), spec_of(point))
    replays = [(by_name[s.task], grammar.parse(s.program)) for s in point.solutions]
    seed = max(point.iteration, 0)  # the learner seeds an iteration's guide with its number
    config = replace(GuideConfig.for_tasks(len(tasks), seed=seed), **overrides(args.set))
    print(f"{args.db}: {len(replays)} replays, {len(tasks)} tasks, {len(grammar.productions)} "
          f"productions; {config.members} member(s), cap {config.max_seconds} s")  # fmt: skip
    started = time.perf_counter()
    data = train_guide(domain.name, grammar, replays, tasks, domain.limits(), config)
    wall = time.perf_counter() - started
    whose = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    peak_mb = max(resource.getrusage(who).ru_maxrss for who in whose) / 1024
    members = data.training.get("members")
    for k, m in enumerate(members if isinstance(members, list) else [data.training]):
        print(f"  member {k}: {m.get('fantasies')} fantasies ({m.get('fantasy_seconds')} s), "
              f"{m.get('epochs')} epochs (best {m.get('best_epoch')}), held-out loss "
              f"{m.get('validation_loss')}, scale {m.get('scale')}, "
              f"{m.get('seconds')} s")  # fmt: skip
    print(f"guide training: {wall:.1f} s wall, peak RSS of the largest process {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
