"""``metagrow guide show`` and ``metagrow guide explain``: what a stored guide is, how it
was trained, and which parts of the library it raises and lowers for a task."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from metagrow.cli._choices import DOMAIN_HELP, pick_domain
from metagrow.cli._errors import UsageError, fail
from metagrow.cli._learn import StoreOpt

if TYPE_CHECKING:
    from metagrow.domains import Domain
    from metagrow.guide import WeightChange
    from metagrow.lang import Expr, Grammar, Task, Type
    from metagrow.store import GuideRecord

guide_app = typer.Typer(help="Show the guide a learning run trained.", no_args_is_help=True)


@guide_app.command("show")
def guide_show(
    store: StoreOpt = Path("metagrow.db"),
    domain: Annotated[str, typer.Option(help=DOMAIN_HELP)] = "lists",
) -> None:
    """The newest guide of the domain's newest run: its model and how it was trained."""
    try:
        dom = pick_domain(domain)
    except UsageError as err:
        fail(str(err))
    record = _record(store, dom.name)
    arch, training = record.architecture, record.training
    contexts = arch.get("contexts")
    model = f"contextual, {len(contexts)} slots" if isinstance(contexts, list) else "unigram"
    productions = arch.get("productions")
    print(
        f"guide in {store}, trained in iteration {record.iteration}: {arch.get('encoder')} "
        f"encoder, {arch.get('members', 1)} member(s), {model}, "
        f"{len(productions) if isinstance(productions, list) else '?'} productions, "
        f"embed {arch.get('embed')}, hidden {arch.get('hidden')}"
    )
    print(f"trained in {training.get('seconds')} s on {training.get('replays')} replays")
    members = training.get("members")
    rows = members if isinstance(members, list) else [training]
    for k, member in enumerate(rows):
        if isinstance(member, Mapping):
            print(f"  member {k}: {_member_line(member)}")


def _member_line(m: Mapping[str, object]) -> str:
    return (
        f"seed {m.get('seed')}, {m.get('fantasies')} fantasies ({m.get('fantasy_seconds')} s "
        f"sampling), {m.get('programs')} programs, {m.get('epochs')} epochs (best "
        f"{m.get('best_epoch')}), held-out loss {m.get('validation_loss')} nats per program, "
        f"scale {m.get('scale')}, {m.get('seconds')} s"
    )


@guide_app.command("explain")
def guide_explain(
    task_file: Annotated[Path, typer.Argument(metavar="TASK.json", help="A task file.")],
    store: StoreOpt = Path("metagrow.db"),
    top: Annotated[int, typer.Option(help="Productions listed each way.")] = 6,
    slots: Annotated[int, typer.Option(help="Slot-specific changes listed.")] = 6,
    programs: Annotated[int, typer.Option(help="Likeliest programs listed, each way.")] = 5,
    domain: Annotated[
        str, typer.Option(help=f"auto (from the file's format) or {DOMAIN_HELP}")
    ] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Which parts of the library the stored guide raises and lowers for a task: the
    change of each production's log-weight from the library's, centred (only
    differences matter to a search), overall (in every slot) and at the slots that change most."""
    from metagrow.cli._tasks import read_task
    from metagrow.domains import TaskFileError

    try:
        if top < 1 or min(slots, programs) < 0:
            raise UsageError(
                f"--top must be at least 1, --slots and --programs at least 0; got {top}, "
                f"{slots}, {programs}"
            )
        dom, task = read_task(task_file, domain)
    except (UsageError, TaskFileError) as err:
        fail(str(err))
    said = _explanation(store, dom, task, top, slots, programs)
    if as_json:
        print(json.dumps(said))
        return
    print(f"{task.name}: the guide's log-weight changes from the library (nats, centred)")
    _print_rows("raised overall (in every slot)", said["raised"])
    _print_rows("lowered overall (in every slot)", said["lowered"])
    _print_rows("raised most at one slot (parent, argument)", said["slots"])
    for side, found in said["likeliest"].items():
        print(f"  likeliest programs under the {side} (description length in nats):")
        for f in found:
            print(f"    {-f['log_prior']:6.2f}  {f['program']}")


def _explanation(
    store: Path, dom: Domain, task: Task, top: int, slots: int, programs: int
) -> dict[str, Any]:
    """What ``guide explain`` prints, as JSON-ready data."""
    from metagrow.cli._guide import loaded_guide
    from metagrow.cli._learn import stored_library
    from metagrow.guide import VARIABLES, weight_changes
    from metagrow.lang import build_grammar, grammar_spec

    guide = loaded_guide(store, _record(store, dom.name))
    library = stored_library(store, dom.name)
    base = dom.grammar()
    grammar = base if library is None else build_grammar(base, library)
    spec = guide.spec_for(task, grammar)
    changes = weight_changes(grammar_spec(grammar), spec)
    overall = [c for c in changes if c.slot is None]
    local = sorted(
        (c for c in changes if c.slot is not None and c.production != VARIABLES),
        key=lambda c: -c.change,
    )
    sides = {"library": grammar, "guide": build_grammar(base, spec)}
    return {
        "task": task.name,
        "raised": [_json(c) for c in overall[:top]],
        "lowered": [_json(c) for c in overall[::-1][:top]],
        "slots": [_json(c) for c in local[:slots]],
        "likeliest": {
            side: [
                {"program": grammar.show(e), "log_prior": round(-cost, 4)}
                for cost, e in _likeliest(g, task.request, programs)
            ]
            for side, g in sides.items()
        },
    }


_LIKELIEST_CAP = 50_000
"""Programs enumerated at most when listing the likeliest (a band past it is cut short)."""


def _likeliest(grammar: Grammar, request: Type, count: int) -> list[tuple[float, Expr]]:
    """The ``count`` programs of type ``request`` with the shortest description under
    ``grammar``, cheapest first, found by the top-down engine band by band."""
    from metagrow.search import TopDownEnumerator

    engine, lo = TopDownEnumerator(step=1.0), 0.0
    found: list[tuple[float, Expr]] = []
    while len(found) < count and lo < engine.max_cost and len(found) < _LIKELIEST_CAP:
        for cost, _, expr in engine.programs(grammar, request, lo, lo + 1.0):
            found.append((cost, expr))
            if len(found) >= _LIKELIEST_CAP:
                break
        lo += 1.0
    return sorted(found, key=lambda f: (f[0], str(f[1])))[:count]


def _json(c: WeightChange) -> dict[str, object]:
    return {
        "slot": None if c.slot is None else list(c.slot),
        "production": c.production,
        "library": round(c.library, 4),
        "guided": round(c.guided, 4),
        "change": round(c.change, 4),
    }


def _print_rows(title: str, rows: Sequence[Mapping[str, Any]]) -> None:
    print(f"  {title}:")
    for c in rows:
        slot = c["slot"]
        where = "" if slot is None else f"({slot[0] or 'body'}, {slot[1]})  "
        print(f"    {where}{c['production']:<12} {c['change']:+6.2f}")


def _record(path: Path, domain: str) -> GuideRecord:
    from metagrow.cli._guide import stored_record

    record = stored_record(path, domain)
    if record is None:
        fail(f"{path}: no guide for the {domain} domain; train one with `metagrow learn`")
    return record
