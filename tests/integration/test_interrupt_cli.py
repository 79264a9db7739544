"""Ctrl-C during `solve`, `bench` and `demo`: one line saying what was kept, exit code 130,
and the partial results written; a real subprocess gets SIGINT, as from a terminal (the
whole process group, workers included)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

NOISE = {  # nothing fits: the search runs for its whole budget
    "type": "int -> int",
    "train": [
        {"input": 1, "output": 913},
        {"input": 2, "output": -77},
        {"input": 3, "output": 5},
    ],
    "test": [{"input": 4}],
}


def interrupted(args: list[str], tmp_path: Path, when: str | float) -> tuple[str, str]:
    """Run ``metagrow args``, send SIGINT to its process group once its stderr shows
    ``when`` (or after ``when`` seconds), and return its stdout and stderr; it must exit
    130 without a traceback."""
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "metagrow", *args],
            stdout=subprocess.PIPE, stderr=stderr, text=True, start_new_session=True,
        )  # fmt: skip
        start = time.monotonic()
        while proc.poll() is None and time.monotonic() - start < 60:
            if (
                when in log.read_text()
                if isinstance(when, str)
                else time.monotonic() - start > when
            ):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    err = log.read_text()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    return out, err


def _noise_folder(tmp_path: Path, examples_dir: Path, n: int) -> Path:
    folder = tmp_path / "tasks"
    folder.mkdir()
    for name in ("length", "reverse", "sum"):
        (folder / f"a-{name}.json").write_bytes((examples_dir / f"{name}.json").read_bytes())
    for i in range(n):
        (folder / f"z-noise-{i}.json").write_text(json.dumps({**NOISE, "name": f"noise-{i}"}))
    return folder


def test_ctrl_c_during_solve_prints_the_result_so_far(tmp_path: Path) -> None:
    task = tmp_path / "noise.json"
    task.write_text(json.dumps(NOISE))
    out, err = interrupted(["solve", str(task), "--budget", "60", "--json"], tmp_path, 3.0)
    record = json.loads(out)
    assert record["task"] == "noise" and record["solved"] is False
    assert 1.0 < record["seconds"] < 30 and record["programs_tried"] > 0
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith("metagrow: interrupted: printed")


def test_ctrl_c_during_bench_lists_writes_the_tasks_finished(
    tmp_path: Path, examples_dir: Path
) -> None:
    folder = _noise_folder(tmp_path, examples_dir, 4)
    out_json, md = tmp_path / "report.json", tmp_path / "report.md"
    args = [
        "bench", "lists", "--tasks", str(folder), "--budget", "30", "--jobs", "2",
        "--json", str(out_json), "--markdown", str(md),
    ]  # fmt: skip
    _, err = interrupted(args, tmp_path, "3/7 tasks")
    report = json.loads(out_json.read_text())
    assert report["interrupted"] is True and report["tasks_planned"] == 7
    done = {t["task"] for t in report["tasks"]}
    assert {"length", "reverse", "sum"} <= done and len(done) < 7
    assert report["totals"]["tasks"] == len(done)
    assert "interrupted after" in md.read_text()
    lines = err.strip().splitlines()
    assert lines[-1] == (
        f"metagrow: interrupted: wrote {out_json}, {md} for the {len(done)} of 7 tasks finished"
    )


def test_ctrl_c_during_bench_arc_writes_report_and_submission(tmp_path: Path) -> None:
    folder = tmp_path / "arc"
    folder.mkdir()
    flip = {
        "train": [
            {"input": [[1, 2], [3, 4]], "output": [[2, 1], [4, 3]]},
            {"input": [[5, 0, 0]], "output": [[0, 0, 5]]},
        ],
        "test": [{"input": [[7, 8, 9]], "output": [[9, 8, 7]]}],
    }
    noise = {
        "train": [
            {"input": [[1]], "output": [[3, 1], [4, 1]]},
            {"input": [[2]], "output": [[9]]},
            {"input": [[3, 3]], "output": [[5], [6], [7]]},
        ],
        "test": [{"input": [[5]], "output": [[6]]}],
    }
    (folder / "a-flip.json").write_text(json.dumps(flip))
    for i in range(3):
        (folder / f"z-noise-{i}.json").write_text(json.dumps(noise))
    out_json, sub = tmp_path / "report.json", tmp_path / "sub.json"
    args = [
        "bench", "arc", "--tasks", str(folder), "--budget", "30", "--jobs", "1",
        "--json", str(out_json), "--submission", str(sub),
    ]  # fmt: skip
    _, err = interrupted(args, tmp_path, "1/4 tasks")
    report = json.loads(out_json.read_text())
    assert report["interrupted"] is True and report["tasks_planned"] == 4
    assert [t["task"] for t in report["tasks"]] == ["a-flip"]
    assert json.loads(sub.read_text())["a-flip"][0]["attempt_1"] == [[9, 8, 7]]
    assert err.strip().splitlines()[-1].endswith("for the 1 of 4 tasks finished")


def test_ctrl_c_during_demo_shows_the_tasks_finished(tmp_path: Path, examples_dir: Path) -> None:
    folder = _noise_folder(tmp_path, examples_dir, 1)
    out, err = interrupted(["demo", str(folder), "--budget", "60"], tmp_path, 8.0)
    finished = re.fullmatch(r"metagrow: interrupted: the table shows the (\d) of 4 tasks finished",
                            err.strip())  # fmt: skip
    assert finished is not None, err
    assert f"solved {finished.group(1)}/{finished.group(1)}" in out
