"""``metagrow bench digits --quick`` end to end in a subprocess: report, plot, store."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import metagrow

from metagrow.store import Store


def test_bench_digits_quick_writes_report_plot_and_modules(tmp_path: Path) -> None:
    out, plot, db = tmp_path / "d.json", tmp_path / "curve.png", tmp_path / "m.db"
    result = metagrow(
        "bench", "digits", "--quick", "--json", str(out), "--plot", str(plot),
        "--store", str(db), timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    names = [t["name"] for t in report["tasks"]]
    assert names == ["recognise_digit", "sum_digits"]
    for task in report["tasks"]:
        assert {"name", "train_size", "accuracy", "baselines", "modules_reused"} <= set(task)
        assert set(task["baselines"]) == {"monolithic", "no_reuse"}
        assert 0 <= task["accuracy"] <= 1
    assert report["tasks"][1]["modules_reused"] == ["net_recognise_digit"]
    assert report["seconds"] > 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Store(db) as store:
        assert store.module("net_recognise_digit") is not None
    assert "recognise_digit" in result.stdout


def test_bench_digits_rejects_a_bad_plot_path() -> None:
    result = metagrow("bench", "digits", "--quick", "--plot", "curve.jpg")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "metagrow: error: --plot must name a .png file, got curve.jpg"
    ]
