"""How long does one dream phase take? Train the guide of a learning run's last iteration
again, as `metagrow learn` does, and report its wall time, peak memory and record.

Usage: python benchmarks/guide_training.py --db DB [--domain lists|arc] [--split S]
       [--set key=value ...]
Loads the run's last library and its solved tasks' programs (replays) from DB, the tasks
of the split it learned on (defaults: lists `train`, ARC `training`), and trains with
``GuideConfig.for_tasks(tasks, seed)`` (what the learner uses, seeded as the stored
guide was; ``--set`` overrides fields as in guide_proxy.py) through ``train_guide``, so an
ensemble's members train side by side in forked processes as in a real run. The issue's
target is under 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import replace
from pathlib import Path

from guide_proxy import load_run, parse_sets

from metagrow.domains import Domain
from metagrow.guide import GuideConfig, encoder_for, train_guide
from metagrow.lang import Task


def tasks_of(domain: str, split: str) -> tuple[Domain, list[Task]]:
    if domain == "arc":
        from metagrow.domains.grids import GridsDomain, load_arc_split

        return GridsDomain(), load_arc_split(split or "training")
    from metagrow.domains.lists import ListsDomain, load_suite

    return ListsDomain(), list(load_suite(split or "train"))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--domain", choices=("lists", "arc"), default="lists")
    parser.add_argument("--split", default="")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    domain, tasks = tasks_of(args.domain, args.split)
    grammar, replays, stored = load_run(args.db, domain, tasks)
    # the learner seeds each iteration's guide with the iteration's number, and records it
    seed = stored.training.get("seed", 0) if stored is not None else 0
    assert isinstance(seed, int)
    config = replace(GuideConfig.for_tasks(len(tasks), seed=seed), **parse_sets(args.set))
    print(f"{args.db}: {len(replays)} replays, {len(tasks)} tasks, {len(grammar.productions)} "
          f"productions; {config.members} member(s), cap {config.max_seconds} s")  # fmt: skip
    started = time.perf_counter()
    data = train_guide(encoder_for(domain), grammar, replays, tasks, domain.limits(), config)
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
