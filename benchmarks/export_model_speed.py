"""Prediction speed of a fitted model exported as Python (``model_to_python``) against
``Model.predict``.

Usage: python benchmarks/export_model_speed.py [--seconds S] [--evaluations N]
Fits a regression model on a synthetic 10-column table (seed 0), exports it, imports the
module from a file, and measures the median time of one ``predict`` call at batch 1 and
batch 1000 for both: microseconds a row and rows a second. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
from functools import partial
from pathlib import Path

import numpy as np
from _timing import median_seconds

from metagrow.api._model import model_of
from metagrow.estimators import ProgramRegressor
from metagrow.export import model_to_python

COLUMNS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--evaluations", type=int, default=10_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.uniform(-3.0, 3.0, (400, COLUMNS))
    y = 1.5 * X[:, 0] * X[:, 1] + np.sin(X[:, 2]) - 0.7 * X[:, 5] + np.exp(0.3 * X[:, 7])
    fitted = ProgramRegressor(max_evaluations=args.evaluations, random_state=0).fit(X, y)
    model = model_of(fitted.to_dict())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exported_model.py"
        path.write_text(model_to_python(model, rows=X[:5]))
        spec = importlib.util.spec_from_file_location("exported_model", path)
        assert spec is not None and spec.loader is not None
        exported = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(exported)
    result: dict[str, object] = {
        "benchmark": "export_model_speed",
        "columns": COLUMNS,
        "program": str(model.programs[0].program),
        "nodes": model.programs[0].complexity,
    }
    for batch in (1, 1000):
        rows = rng.uniform(-3.0, 3.0, (batch, COLUMNS))
        assert exported.predict(rows) == model.predict(rows)
        with np.errstate(all="ignore"):
            model_s = median_seconds(partial(model.predict, rows), args.seconds)
        exported_s = median_seconds(partial(exported.predict, rows), args.seconds)
        for name, s in (("model_predict", model_s), ("exported", exported_s)):
            result[f"{name}_b{batch}_us_per_row"] = round(s * 1e6 / batch, 3)
            result[f"{name}_b{batch}_rows_s"] = round(batch / s)
        result[f"speedup_b{batch}"] = round(model_s / exported_s, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
