"""ARC through the command line, run as a user would: in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import metagrow

RECOLOR = {
    "train": [
        {"input": [[1, 0], [0, 1]], "output": [[2, 0], [0, 2]]},
        {"input": [[1, 1, 0]], "output": [[2, 2, 0]]},
        {"input": [[0], [1]], "output": [[0], [2]]},
    ],
    "test": [{"input": [[1, 0, 1]], "output": [[2, 0, 2]]}, {"input": [[0, 1]]}],
}
FLIP = {
    "train": [
        {"input": [[1, 2], [3, 4]], "output": [[2, 1], [4, 3]]},
        {"input": [[5, 0, 0]], "output": [[0, 0, 5]]},
    ],
    "test": [{"input": [[7, 8, 9]], "output": [[9, 8, 7]]}],
}
NOISE = {  # no program is right on even two of the three train pairs: no near misses
    "train": [
        {"input": [[1]], "output": [[3, 1], [4, 1]]},
        {"input": [[2]], "output": [[9]]},
        {"input": [[3, 3]], "output": [[5], [6], [7]]},
    ],
    "test": [{"input": [[5]], "output": [[6]]}, {"input": [[6]], "output": [[7]]}],
}


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_solve_detects_an_arc_task(tmp_path: Path) -> None:
    path = _write(tmp_path / "recolor.json", RECOLOR)
    proc = metagrow("solve", str(path), "--budget", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["task"] == "recolor" and record["solved"] is True
    assert record["program"] == "(lam (rule_cell $0))"  # the colour table read off the pairs
    assert len(record["predictions"]) == 2
    assert record["predictions"][0][0] == [[2, 0, 2]]
    assert record["predictions"][1][0] == [[0, 2]]


def test_solve_reads_a_repair_off_the_examples(tmp_path: Path) -> None:
    tile = [[1, 2, 3], [3, 1, 2]]

    def mosaic(h: int, w: int) -> list[list[int]]:
        return [[tile[r % 2][c % 3] for c in range(w)] for r in range(h)]

    def hide(g: list[list[int]], top: int, left: int) -> list[list[int]]:
        return [[0 if top <= r < top + 2 and left <= c < left + 2 else v
                 for c, v in enumerate(row)] for r, row in enumerate(g)]  # fmt: skip

    pairs = [(mosaic(6, 7), (1, 2)), (mosaic(5, 9), (3, 4)), (mosaic(8, 8), (4, 1))]
    data = {
        "train": [{"input": hide(g, *at), "output": g} for g, at in pairs[:2]],
        "test": [{"input": hide(pairs[2][0], *pairs[2][1])}],
    }
    proc = metagrow("solve", str(_write(tmp_path / "mosaic.json", data)), "--budget", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["program"] == "(lam (repair_period $0))"
    assert record["predictions"][0][0] == pairs[2][0]


def test_solve_reads_a_typed_grid_task(tmp_path: Path) -> None:
    def cells(grid: list[list[int]]) -> int:
        return sum(v != 0 for row in grid for v in row)

    grids = [[[0, 2], [3, 4]], [[5, 0, 0]], [[0, 6, 0], [6, 6, 0], [0, 0, 0]], [[1, 1, 0, 0, 0]]]
    train = [{"input": g, "output": cells(g)} for g in grids]
    test = [{"input": [[7, 0, 9, 0, 0]]}]
    data = {"name": "cells", "type": "grid -> int", "train": train, "test": test}
    proc = metagrow("solve", str(_write(tmp_path / "cells.json", data)), "--budget", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["solved"] and record["predictions"][0][0] == 2


def test_unsolved_arc_task_predicts_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path / "noise.json", NOISE)
    proc = metagrow("solve", str(path), "--budget", "1", "--json", "--domain", "grids")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["solved"] is False and record["program"] is None
    assert record["predictions"] == [[], []]


def test_bad_arc_file_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = {"train": [{"input": [[1, 2], [3]], "output": [[1]]}], "test": [{"input": [[1]]}]}
    path = _write(tmp_path / "bad.json", bad)
    proc = metagrow("solve", str(path), "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and "train[0].input" in lines[0] and "rectangle" in lines[0]


def test_bench_arc_writes_report_and_submission(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    _write(folder / "a-flip.json", FLIP)
    _write(folder / "b-noise.json", NOISE)
    _write(folder / "c-recolor.json", RECOLOR)
    out, sub = tmp_path / "report.json", tmp_path / "sub.json"
    proc = metagrow(
        "bench", "arc", "--tasks", str(folder), "--limit", "2", "--budget", "2", "--jobs", "1",
        "--json", str(out), "--submission", str(sub),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "tasks: 2/2 tasks, score 1.00" in proc.stderr  # plain progress lines off a terminal
    report = json.loads(out.read_text())
    assert report["totals"]["tasks"] == 2
    assert report["totals"]["score"] == 1.0
    flip, noise = report["tasks"]
    assert (flip["task"], flip["tests"], flip["correct"], flip["score"]) == ("a-flip", 1, 1, 1.0)
    assert (noise["task"], noise["tests"], noise["correct"], noise["score"]) == ("b-noise", 2, 0, 0)
    submission = json.loads(sub.read_text())
    assert set(submission) == {"a-flip", "b-noise"}
    assert submission["a-flip"][0]["attempt_1"] == [[9, 8, 7]]
    assert set(submission["a-flip"][0]) == {"attempt_1", "attempt_2"}
    assert submission["b-noise"] == [{"attempt_1": [[0]], "attempt_2": [[0]]}] * 2


def test_bench_arc_rejects_a_bad_split() -> None:
    proc = metagrow("bench", "arc", "--split", "nope")
    assert proc.returncode == 2
    assert "--split" in proc.stderr


def test_learn_across_arc_tasks_and_resume(tmp_path: Path) -> None:
    store = tmp_path / "arc.db"
    args = ("learn", "--domain", "arc", "--split", "training", "--limit", "3", "--no-guide")
    first = metagrow(
        *args, "--iterations", "1", "--budget", "1", "--jobs", "1", "--store", str(store)
    )
    assert first.returncode == 0, first.stderr
    assert "iteration 0" in first.stdout and "solved" in first.stdout
    again = metagrow(
        *args, "--iterations", "2", "--budget", "1", "--jobs", "1", "--store", str(store)
    )
    assert again.returncode == 0, again.stderr
    assert "resuming run 1 after iteration 0" in again.stdout and "iteration 1" in again.stdout
    history = metagrow("library", "history", "--store", str(store))
    assert history.returncode == 0 and "iteration 1" in history.stdout
    out = tmp_path / "bench.json"
    bench = metagrow(
        "bench", "arc", "--split", "training", "--limit", "2", "--budget", "1", "--jobs", "1",
        "--store", str(store), "--json", str(out),
    )  # fmt: skip
    assert bench.returncode == 0, bench.stderr
    assert json.loads(out.read_text())["suite"] == f"arc/training with library from {store}"


def test_learn_rejects_an_unknown_arc_split(tmp_path: Path) -> None:
    out = metagrow(
        "learn", "--domain", "arc", "--split", "heldout", "--store", str(tmp_path / "x.db")
    )
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "training" in out.stderr
