"""The formula suite as data: train and held-out tables per formula, an index, CSV files
and the Markdown table that docs/formula-suite.md shows.

Each formula's rows come from a generator seeded by the suite seed and the formula's
name alone (see :func:`formula_rng`), so editing one formula leaves the others' data
unchanged; the held-out rows are the rows drawn right after the train rows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from metagrow.domains.numeric._csv import write_csv
from metagrow.domains.numeric._formula import FAMILIES, Formula, formula_table, node_count
from metagrow.domains.numeric._formulas import FORMULAS
from metagrow.domains.numeric._table import Dataset, take_rows

SEED = 0
TRAIN_ROWS = 200
HELDOUT_ROWS = 200


def formula_suite(
    seed: int = SEED,
    train_rows: int = TRAIN_ROWS,
    heldout_rows: int = HELDOUT_ROWS,
    formulas: Sequence[Formula] = FORMULAS,
) -> tuple[Dataset, ...]:
    """One dataset per formula, in the given order: ``train_rows`` train and
    ``heldout_rows`` held-out rows sampled uniformly in the variables' ranges."""
    if train_rows < 1 or heldout_rows < 1:
        raise ValueError("train_rows and heldout_rows must be at least 1")
    _check_unique(formulas)
    out = []
    for formula in formulas:
        table = formula_table(formula, train_rows + heldout_rows, seed)
        train = take_rows(table, np.arange(train_rows), "train")
        heldout = take_rows(table, np.arange(train_rows, table.rows), "heldout")
        out.append(Dataset(formula.name, train, heldout))
    return tuple(out)


def _check_unique(formulas: Sequence[Formula]) -> None:
    counts = Counter(f.name for f in formulas)
    repeated = sorted(name for name, n in counts.items() if n > 1)
    if repeated:
        raise ValueError(f"duplicate formula names: {', '.join(repeated)}")


def suite_index(
    seed: int = SEED,
    train_rows: int = TRAIN_ROWS,
    heldout_rows: int = HELDOUT_ROWS,
    formulas: Sequence[Formula] = FORMULAS,
) -> dict[str, Any]:
    """What a written suite holds: the generation settings and, per formula, its
    expression, family, variables, node count and the CSV files of its two parts."""
    _check_unique(formulas)
    return {
        "seed": seed,
        "train_rows": train_rows,
        "heldout_rows": heldout_rows,
        "target": "y",
        "formulas": [
            {
                "name": f.name,
                "family": f.family,
                "description": f.description,
                "expression": f.expression,
                "variables": [{"name": v.name, "low": v.low, "high": v.high} for v in f.variables],
                "nodes": node_count(f),
                "train": f"train/{f.name}.csv",
                "heldout": f"heldout/{f.name}.csv",
            }
            for f in formulas
        ],
    }


def write_formula_suite(
    out: str | Path,
    seed: int = SEED,
    train_rows: int = TRAIN_ROWS,
    heldout_rows: int = HELDOUT_ROWS,
    formulas: Sequence[Formula] = FORMULAS,
) -> int:
    """Write ``out/train/<name>.csv``, ``out/heldout/<name>.csv`` and ``out/index.json``
    (replacing CSV files left by an earlier run); returns the number of formulas."""
    root = Path(out)
    index = suite_index(seed, train_rows, heldout_rows, formulas)
    datasets = formula_suite(seed, train_rows, heldout_rows, formulas)
    for part in ("train", "heldout"):
        (root / part).mkdir(parents=True, exist_ok=True)
        for old in (root / part).glob("*.csv"):
            old.unlink()
    for dataset in datasets:
        write_csv(dataset.train, root / "train" / f"{dataset.name}.csv")
        write_csv(dataset.heldout, root / "heldout" / f"{dataset.name}.csv")
    text = json.dumps(index, indent=1) + "\n"
    (root / "index.json").write_text(text, encoding="utf-8")
    return len(datasets)


def suite_markdown(formulas: Sequence[Formula] = FORMULAS) -> str:
    """Two Markdown tables: formulas per family, then every formula with its variables'
    ranges, expression and node count."""
    _check_unique(formulas)
    lines = ["| family | formulas | variables | nodes |", "|---|---|---|---|"]
    for family in FAMILIES:
        members = [f for f in formulas if f.family == family]
        if members:
            arity = sorted({len(f.variables) for f in members})
            nodes = [node_count(f) for f in members]
            lines.append(
                f"| {family} | {len(members)} | {arity[0]}-{arity[-1]} "
                f"| {min(nodes)}-{max(nodes)} |"
            )
    lines.append(f"| **all** | **{len(formulas)}** | | |")
    lines += ["", "| name | family | variables (uniform in) | expression | nodes |"]
    lines.append("|---|---|---|---|---|")
    for f in formulas:
        ranges = ", ".join(f"{v.name} [{v.low:g}, {v.high:g})" for v in f.variables)
        lines.append(f"| `{f.name}` | {f.family} | {ranges} | `{f.expression}` | {node_count(f)} |")
    return "\n".join(lines) + "\n"
