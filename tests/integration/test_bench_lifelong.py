"""``metagrow bench lifelong --quick`` end to end in a subprocess: JSON shape, plot, table."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import metagrow


def test_bench_lifelong_quick_writes_report_and_plot(tmp_path: Path) -> None:
    out, plot = tmp_path / "l.json", tmp_path / "curve.png"
    result = metagrow(
        "bench", "lifelong", "--quick", "--json", str(out), "--plot", str(plot), timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert set(report) == {"sequences", "seconds"} and report["seconds"] > 0
    assert [s["name"] for s in report["sequences"]] == ["CS1"]
    tasks = report["sequences"][0]["tasks"]
    assert [(t["name"], t["fraction"]) for t in tasks] == [
        ("is_digit_3", 0.05), ("is_digit_3", 0.2), ("count_3", 0.05), ("count_3", 0.2),
    ]  # fmt: skip
    keys = {"name", "fraction", "reuse", "standalone", "finetune", "modules_reused"}
    for task in tasks:
        assert set(task) == keys
        assert 0 < task["fraction"] <= 1
        assert all(0 <= task[m] <= 1 for m in ("reuse", "standalone", "finetune"))
        assert isinstance(task["modules_reused"], list)
    assert all(t["modules_reused"] == [] for t in tasks[:2])
    assert any(t["modules_reused"] == ["net_is_digit_3"] for t in tasks[2:])
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "count_3" in result.stdout


def test_bench_lifelong_rejects_a_bad_seed() -> None:
    result = metagrow("bench", "lifelong", "--quick", "--seed", "-1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "metagrow: error: --seed must be non-negative, got -1"
    ]
