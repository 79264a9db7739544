"""Numeric tasks through solve and learn: CSV tables and typed JSON tasks of reals, searched
by the fitting engine; what learn keeps has constant slots, not one table's constants."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from cli_run import metagrow

from metagrow.domains.numeric import Table, write_csv
from metagrow.estimators import ProgramRegressor, load_model
from metagrow.lang import parse
from metagrow.store import Store


def _table(name: str, columns: tuple[str, ...], fn: object, seed: int) -> Table:
    rng = np.random.default_rng(seed)
    X = rng.uniform(1.0, 5.0, (40, len(columns)))
    y = fn(*X.T)  # type: ignore[operator]
    return Table(name, columns, X, np.asarray(y, dtype=np.float64))


def test_solve_reads_a_json_task_of_reals_and_predicts_with_fitted_constants(
    tmp_path: Path,
) -> None:
    rows = [(1.0, 2.0), (2.0, 0.5), (3.0, 1.5), (0.5, 4.0), (2.5, 2.5), (4.0, 1.0)]
    task = {
        "type": "real -> real -> real",
        "train": [{"input": [a, b], "output": 3.5 * a * b * b} for a, b in rows],
        "test": [{"input": [2.0, 3.0]}],
    }
    path = tmp_path / "energy.json"
    path.write_text(json.dumps(task))
    # the numeric domain is detected from the type, and searched by its own engine
    done = metagrow("solve", str(path), "--budget", "10", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["solved"] is True
    assert abs(out["predictions"][0][0] - 63.0) < 1e-6
    assert "3.5" in out["program"] or "3.4999" in out["program"]


def test_learn_over_csv_tables_keeps_structures_with_constant_slots(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    shapes = {
        "a": lambda u, v: 2.0 * u * v * v,
        "b": lambda u, v: 0.3 * u * v * v,
        "c": lambda u, v: 7.0 * u * v * v,
    }
    for i, (name, fn) in enumerate(shapes.items()):
        write_csv(_table(name, ("u", "v"), fn, i), folder / f"{name}.csv")
    db = tmp_path / "num.db"
    done = metagrow(
        "learn", "--domain", "numeric", "--engine", "regression", "--tasks", str(folder),
        "--iterations", "1", "--budget", "20", "--programs", "3000", "--no-guide",
        "--jobs", "1", "--store", str(db),
        timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        run_id = int(store.runs()[-1]["id"])  # type: ignore[call-overload]
        solutions = store.checkpoint(run_id).solutions
    assert {s.task for s in solutions} == set(shapes)
    for s in solutions:
        program = parse(s.program)
        names = {str(n) for n in program.walk() if not n.children()}
        assert not any(_is_number(n) for n in names), s.program  # slots, not fitted values

    # fit --store searches with that library and keeps the model in the same store
    write_csv(_table("d", ("u", "v"), lambda u, v: 4.0 * u * v * v, 9), tmp_path / "d.csv")
    done = metagrow(
        "fit", str(tmp_path / "d.csv"), "--target", "y", "--budget", "8", "--store", str(db),
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["train_score"] > 0.999999
    with Store(db) as store:
        model = load_model(store, "d")
    u, v = 2.0, 3.0
    rows = pd.DataFrame({"u": [u], "v": [v]})
    assert abs(float(model.predict(rows)[0]) - 4.0 * u * v * v) < 1e-6


def test_predict_reads_a_model_an_estimator_wrote(tmp_path: Path) -> None:
    table = _table("e", ("u", "v"), lambda u, v: u + 3.0 * v, 4)
    est = ProgramRegressor(max_evaluations=300, random_state=0).fit(table.X, table.y)
    (tmp_path / "model.json").write_text(json.dumps(est.to_dict()))
    write_csv(Table("e", ("x0", "x1"), table.X, table.y), tmp_path / "rows.csv")
    done = metagrow("predict", str(tmp_path / "model.json"), str(tmp_path / "rows.csv"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "prediction"
    np.testing.assert_allclose([float(x) for x in lines[1:]], est.predict(table.X), rtol=1e-9)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
