"""A quick offline proxy for "does the guide help?": the change in log-prior (guide minus
library) of programs known to solve tasks, without running search.

Usage: python benchmarks/guide_proxy.py [--db DB] [--noguide-json JSON] [--seeds 0 1]
       [--set key=value ...] [--stored]
Loads the last library and the solved train tasks' programs (replays) of the run in DB,
trains a guide with ``GuideConfig(**sets, seed=s)`` on four fifths of the replays (a seeded
split) plus fantasies on the train tasks' inputs, and reports the mean and median
change in log-prior and the fraction improved on (a) the heldout programs the no-guide
bench found (parsed from its JSON; used only to measure, never to fit) and (b) the held-out
fifth of the replays. ``--stored`` also measures the guide stored in DB (trained on all
replays, so its (b) is not held out).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path

from metagrow.domains import Domain
from metagrow.domains.lists import ListsDomain, load_suite
from metagrow.guide import (
    Guide,
    GuideConfig,
    GuideData,
    choice_points,
    encoder_for,
    load_guide,
    program_log_likelihood,
    train_guide,
)
from metagrow.lang import Expr, Grammar, Task, build_grammar
from metagrow.learning import spec_of
from metagrow.store import Store

_V1 = Path("bench-out/guide-v1")


def load_run(
    db: Path, domain: Domain | None = None, tasks: Sequence[Task] | None = None
) -> tuple[Grammar, list[tuple[Task, Expr]], GuideData | None]:
    """The run's last grammar, its replays (the tasks, by default the lists' train split,
    with their stored programs) and its stored guide."""
    domain = domain or ListsDomain()
    by_name = {t.name: t for t in (load_suite("train") if tasks is None else tasks)}
    with Store(db) as store:
        run_id = int(store.runs()[-1]["id"])  # type: ignore[call-overload]
        point = store.checkpoint(run_id)
        record = store.guide(run_id)
    grammar = build_grammar(domain.grammar(), spec_of(point))
    replays = [(by_name[s.task], grammar.parse(s.program)) for s in point.solutions]
    stored = None
    if record is not None:
        stored = GuideData(record.architecture, record.weights, record.training)
    return grammar, replays, stored


def heldout_programs(grammar: Grammar, path: Path) -> list[tuple[Task, Expr]]:
    """The heldout tasks the no-guide bench solved test-correctly, with its programs."""
    tasks = {t.name: t for t in load_suite("heldout")}
    out: list[tuple[Task, Expr]] = []
    for row in json.loads(path.read_text())["tasks"]:
        if row["test_correct"] and row["program"]:
            try:
                out.append((tasks[row["task"]], grammar.parse(row["program"])))
            except (ValueError, KeyError):  # a program the library cannot parse is skipped
                continue
    return out


def gains(guide: Guide, grammar: Grammar, pairs: Sequence[tuple[Task, Expr]]) -> list[float]:
    """Per program: log-prior under the guide's grammar for its task (contextual weights
    included) minus under the library's."""
    base = [p.log_weight for p in grammar.productions]
    specs = guide.specs_for([t for t, _ in pairs], grammar)
    domain = ListsDomain().grammar()
    out: list[float] = []
    for task, program in pairs:
        points = choice_points(program, task.request, grammar)
        if not points:
            continue
        lib = program_log_likelihood(points, base, grammar.log_variable)
        mine = build_grammar(domain, specs[task.name])
        weights = [p.log_weight for p in mine.productions]
        new = program_log_likelihood(points, weights, mine.log_variable, mine.contextual)
        out.append(new - lib)
    return out


def summary(values: Sequence[float]) -> str:
    if not values:
        return "n=0"
    better = sum(v > 0 for v in values) / len(values)
    return (
        f"n={len(values)} mean {statistics.mean(values):+.3f} "
        f"median {statistics.median(values):+.3f} improved {better:.0%}"
    )


def parse_sets(items: Sequence[str]) -> dict[str, object]:
    types = {f.name: f.type for f in fields(GuideConfig)}
    out: dict[str, object] = {}
    for item in items:
        key, value = item.split("=", 1)
        kind = types[key]
        if kind in ("int", int):
            out[key] = int(value)
        elif kind in ("float", float):
            out[key] = float(value)
        elif kind in ("bool", bool):
            out[key] = value.lower() in ("1", "true", "yes")
        elif str(kind).startswith("tuple"):
            out[key] = tuple(float(v) for v in value.split(","))
        else:
            out[key] = value
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=_V1 / "guide-topdown-5s.db")
    parser.add_argument(
        "--noguide-json", type=Path, default=_V1 / "heldout-noguide-topdown-5s.json"
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--set", nargs="*", default=[], dest="sets")
    parser.add_argument("--stored", action="store_true")
    args = parser.parse_args()
    grammar, replays, stored = load_run(args.db)
    heldout = heldout_programs(grammar, args.noguide_json)
    train_tasks = load_suite("train")
    domain = ListsDomain()
    if args.stored and stored is not None:
        guide = load_guide(stored)
        print(f"stored guide: heldout {summary(gains(guide, grammar, heldout))}")
    config = replace(GuideConfig(), **parse_sets(args.sets))  # type: ignore[arg-type]
    all_h: list[float] = []
    all_r: list[float] = []
    for seed in args.seeds:
        shuffled = list(replays)
        random.Random(1000 + seed).shuffle(shuffled)
        cut = len(shuffled) // 5
        held, fit = shuffled[:cut], shuffled[cut:]
        started = time.perf_counter()
        data = train_guide(
            encoder_for(domain),
            grammar,
            fit,
            train_tasks,
            domain.limits(),
            replace(config, seed=seed),
        )
        seconds = time.perf_counter() - started
        guide = load_guide(data)
        h, r = gains(guide, grammar, heldout), gains(guide, grammar, held)
        all_h += h
        all_r += r
        keys = ("fantasies", "fantasy_seconds", "epochs", "best_epoch", "scale", "validation_loss")
        records = data.training.get("members", [data.training])
        assert isinstance(records, list)
        info = [{k: r.get(k) for k in keys} for r in records]
        print(f"seed {seed} ({seconds:.0f} s, {info}): heldout {summary(h)} | replays {summary(r)}")
    print(f"ALL {args.sets}: heldout {summary(all_h)} | held-out replays {summary(all_r)}")


if __name__ == "__main__":
    main()
