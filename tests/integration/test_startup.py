"""Start-up stays light: the command line imports numerics only for the commands that
compute (issue 25: ``metagrow solve`` on an ARC file starts in under a second)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LAZY = ("numpy", "metagrow.fit", "metagrow.learning", "metagrow.api._fit", "metagrow.guide")
"""Loaded on first use only: none of them is needed to parse a command line or show help."""


def _loaded_after(code: str, modules: tuple[str, ...] = LAZY) -> list[str]:
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1].replace("'", '"'))
    return loaded


def test_importing_the_command_line_loads_no_numerics() -> None:
    assert _loaded_after("import metagrow.cli") == []


def test_solving_a_list_task_loads_neither_fitting_nor_learning(tmp_path: Path) -> None:
    task = tmp_path / "inc.json"
    task.write_text(
        json.dumps(
            {
                "type": "list(int) -> list(int)",
                "train": [{"input": [1, 2], "output": [2, 3]}, {"input": [5], "output": [6]}],
                "test": [{"input": [7, 8]}],
            }
        )
    )
    run = (
        "import runpy, sys\n"
        f"sys.argv = ['metagrow', 'solve', {str(task)!r}, '--budget', '2']\n"
        "try:\n    runpy.run_module('metagrow', run_name='__main__')\n"
        "except SystemExit as done:\n    assert not done.code, done.code"
    )
    assert _loaded_after(run, LAZY[1:]) == []
