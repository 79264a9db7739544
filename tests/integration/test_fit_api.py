"""``metagrow.api.fit_frame`` / ``model_of`` in-process: the report's JSON and model agree
with each other and with the programs, and the progress display shows what it is told."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from rich.console import Console

from metagrow import api
from metagrow.cli._fit_progress import FitDisplay
from metagrow.domains.numeric import Table
from metagrow.fit import FittedProgram


def table(kind: str = "regression") -> Table:
    X = np.random.default_rng(3).uniform(-2, 2, size=(30, 2))
    if kind == "regression":
        return Table("t", ("a", "b"), X, 3 * X[:, 0] - X[:, 1], target="y")
    labels = np.digitize(X[:, 0], [-0.7, 0.7]).astype(float)
    return Table("t", ("a", "b"), X, labels, kind="classification", target="k",
                 classes=("low", "mid", "high"))  # fmt: skip


def test_the_model_file_predicts_what_the_report_selected() -> None:
    t = table()
    statuses: list[api.FitStatus] = []
    report = api.fit_frame(t, 3.0, report=statuses.append)
    model = api.model_of(json.loads(json.dumps(report.model())))
    assert model.columns == ("a", "b") and model.kind == "regression"
    selected = report.parts[0].selected
    np.testing.assert_array_equal(model.predict(t.X), selected.predict(t.X))
    again = FittedProgram.from_text(report.program(), [], 2)
    np.testing.assert_allclose(again.predict(t.X), selected.predict(t.X), rtol=1e-12)
    assert report.train_score == pytest.approx(1.0) and report.evaluations > 0
    assert statuses and statuses[-1].evaluations <= report.evaluations


def test_three_classes_get_one_program_each_and_argmax_predictions() -> None:
    t = table("classification")
    report = api.fit_frame(t, 4.0)
    record = report.to_json()
    assert record["classes"] == ["low", "mid", "high"]  # the table's codes, in order
    assert len(report.parts) == 3 and str(record["expression"]).startswith("(")
    model = api.model_of(report.model())
    predicted = model.predict(t.X)
    truth = [t.classes[int(c)] for c in t.y]
    accuracy = np.mean([p == q for p, q in zip(predicted, truth, strict=True)])
    assert accuracy == pytest.approx(report.train_score) and accuracy >= 0.9


def test_a_model_of_the_wrong_shape_is_one_line() -> None:
    report = api.fit_frame(table(), 1.0)
    data = report.model()
    with pytest.raises(api.ModelError, match="must list 1 program"):
        api.model_of({**data, "programs": []})
    with pytest.raises(api.ModelError, match="version"):
        api.model_of({**data, "version": 2})
    with pytest.raises(api.ModelError, match="numeric program of 3 columns"):
        api.model_of({**data, "columns": ["a", "b", "c"]})


def test_the_display_shows_loss_front_and_rate() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with FitDisplay(console, 60) as display:
        display.update(api.FitStatus("mid", 0.125, 4, 1000, 2.0))
    shown = screen.getvalue()
    assert "class mid" in shown and "best loss 0.125" in shown and "front 4" in shown
    assert "500 programs/s" in shown
