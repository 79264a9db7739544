"""Tables, CSV files and scikit-learn's data sets: exact round trips, one-line errors,
label guessing, splits and the documented shapes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from metagrow.domains.numeric import (
    FORMULAS,
    SKLEARN_NAMES,
    Table,
    TableError,
    formula_table,
    guess_kind,
    identifier,
    read_csv,
    sklearn_suite,
    sklearn_table,
    split,
    write_csv,
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _rows(n: int) -> str:
    return "".join(f"{i},{i * 0.5},{i * i}\n" for i in range(n))


def test_csv_round_trip_is_exact(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)) * np.array([1e-12, 1.0, 1e9])
    X[0] = [0.1, -0.0, 1 / 3]
    table = Table("t", ("a", "b c", "d,e"), X, rng.normal(size=50), target="out")
    write_csv(table, tmp_path / "t.csv")
    back = read_csv(tmp_path / "t.csv", "out")
    assert back.columns == table.columns and back.target == "out" and back.kind == "regression"
    assert back.X.tobytes() == table.X.tobytes() and back.y.tobytes() == table.y.tobytes()
    assert back.name == "t"


def test_formula_table_round_trip(tmp_path: Path) -> None:
    table = formula_table(FORMULAS[0], 30, 0)
    write_csv(table, tmp_path / "f.csv")
    back = read_csv(tmp_path / "f.csv", "y", kind="regression")
    assert np.array_equal(back.X, table.X) and np.array_equal(back.y, table.y)


def test_classification_round_trip_with_text_and_integer_labels(tmp_path: Path) -> None:
    labels = "cabcabcab"
    text = "x,label\n" + "".join(f"{float(i)!r},{c}\n" for i, c in enumerate(labels))
    path = _write(tmp_path / "c.csv", text)
    table = read_csv(path, "label")
    assert table.kind == "classification" and table.classes == ("a", "b", "c")
    assert table.labels.tolist() == [2, 0, 1, 2, 0, 1, 2, 0, 1]
    write_csv(table, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_text() == text
    iris = sklearn_table("iris")
    write_csv(iris, tmp_path / "iris.csv")
    back = read_csv(tmp_path / "iris.csv", "y")
    assert back.kind == "classification" and back.classes == ()
    assert np.array_equal(back.y, iris.y) and np.array_equal(back.X, iris.X)


@pytest.mark.parametrize(
    ("text", "target", "message"),
    [
        ("a,b,y\n1,2\n", "y", "{p}, line 2: 2 cells, but the header has 3 columns"),
        ("a,b,y\n" + _rows(6), "price", "{p}: no column 'price'; the columns are a, b, y"),
        (
            "a,b,y\n" + _rows(2) + "1,abc,3\n" + _rows(3),
            "y",
            "{p}, column 'b', row 3 (line 4): 'abc' is not a number",
        ),
        (
            "a,b,y\n" + _rows(2) + "1,,3\n" + _rows(3),
            "y",
            "{p}, column 'b', row 3 (line 4): missing value; fill or drop the row",
        ),
        (
            "a,b,y\n" + _rows(2) + "1,NA,3\n" + _rows(3),
            "y",
            "{p}, column 'b', row 3 (line 4): missing value; fill or drop the row",
        ),
        (
            "a,b,y\n" + _rows(5) + "1,2,nan\n",
            "y",
            "{p}, column 'y', row 6 (line 7): missing value; fill or drop the row",
        ),
        (
            "a,b,y\n" + _rows(5) + "1,2,inf\n",
            "y",
            "{p}, column 'y', row 6 (line 7): 'inf' is not a finite number",
        ),
        ("a,b,y\n" + _rows(3), "y", "{p}: 3 data row(s); at least 5 are needed"),
        ("y\n1\n2\n3\n4\n5\n", "y", "{p}: no feature column besides the target 'y'"),
        ("a,a,y\n" + _rows(6), "y", "{p}: column name 'a' appears twice in the header"),
        ("a,,y\n" + _rows(6), "y", "{p}: column 2 has no name in the header"),
        ("\n\n", "y", "{p}: empty file; expected a header row of column names"),
    ],
)
def test_each_csv_problem_is_one_line(tmp_path: Path, text: str, target: str, message: str) -> None:
    path = _write(tmp_path / "data.csv", text)
    with pytest.raises(TableError) as info:
        read_csv(path, target)
    assert str(info.value) == message.format(p=path)
    assert "\n" not in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"^.*nope\.csv: no such file$"):
        read_csv(tmp_path / "nope.csv", "y")
    with pytest.raises(TableError, match="is a directory"):
        read_csv(tmp_path, "y")
    (tmp_path / "bin.csv").write_bytes(b"a,y\n\xff\xfe\x00\n")
    with pytest.raises(TableError, match="not UTF-8 text"):
        read_csv(tmp_path / "bin.csv", "y")


def test_table_error_is_a_value_error() -> None:
    assert issubclass(TableError, ValueError)


def test_a_byte_order_mark_and_blank_lines_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeffa,b,y\n" + _rows(3) + "\n" + _rows(3)).encode())
    table = read_csv(path, "b")
    assert table.columns == ("a", "y") and table.rows == 6 and table.kind == "regression"


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["0", "1", "1", "0", "2"], "classification"),
        ([0, 1, 2, 1.0], "classification"),
        (["cat", "dog", "cat"], "classification"),
        (["1", "x", "2"], "classification"),
        ([str(i) for i in range(11)], "regression"),
        (["0.5", "1", "2"], "regression"),
        ([f"label{i}" for i in range(11)], "regression"),
        ([0.25, 1.5, 2.0, 3.0], "regression"),
    ],
)
def test_guess_kind(values: list[str | float | int], kind: str) -> None:
    assert guess_kind(values) == kind


def test_more_than_ten_text_labels_need_an_explicit_kind(tmp_path: Path) -> None:
    path = _write(tmp_path / "many.csv", "x,c\n" + "".join(f"{i},k{i}\n" for i in range(12)))
    with pytest.raises(TableError, match=r"column 'c', row 1 \(line 2\): 'k0' is not a number"):
        read_csv(path, "c")
    table = read_csv(path, "c", kind="classification")
    assert len(table.classes) == 12 and table.labels.tolist()[:3] == [0, 1, 4]


def test_tables_are_read_only_and_checked() -> None:
    table = Table("t", ("a",), np.zeros((3, 1)), np.arange(3.0))
    with pytest.raises(ValueError):
        table.X[0, 0] = 1.0
    with pytest.raises(TableError, match="finite"):
        Table("t", ("a",), np.array([[np.nan]]), np.zeros(1))
    with pytest.raises(TableError, match="appears twice"):
        Table("t", ("a", "y"), np.zeros((1, 2)), np.zeros(1))
    with pytest.raises(TableError, match="integers"):
        Table("t", ("a",), np.zeros((2, 1)), np.array([0.0, 0.5]), kind="classification")
    with pytest.raises(TableError, match=r"0\.\.1"):
        Table(
            "t",
            ("a",),
            np.zeros((2, 1)),
            np.array([0.0, 2.0]),
            "classification",
            classes=("p", "q"),
        )


def test_split_matches_train_test_split() -> None:
    table = formula_table(FORMULAS[1], 101, 3)
    train, heldout = split(table, 0.75, 0)
    X_train, _, _, y_test = train_test_split(table.X, table.y, test_size=0.25, random_state=0)
    assert np.array_equal(train.X, X_train) and np.array_equal(heldout.y, y_test)
    assert train.metadata["split"] == "train" and heldout.metadata["split"] == "heldout"
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        split(table, 1.0, 0)


EXPECTED = {
    "diabetes": ("regression", 442, 10, 331, 111),
    "friedman1": ("regression", 500, 10, 375, 125),
    "friedman2": ("regression", 500, 4, 375, 125),
    "friedman3": ("regression", 500, 4, 375, 125),
    "breast_cancer": ("classification", 569, 30, 426, 143),
    "wine": ("classification", 178, 13, 133, 45),
    "iris": ("classification", 150, 4, 112, 38),
}


def test_sklearn_tables_have_the_documented_shapes_and_splits() -> None:
    from sklearn import datasets

    assert set(SKLEARN_NAMES) == set(EXPECTED)
    suite = sklearn_suite()
    for dataset in suite:
        kind, rows, features, n_train, n_heldout = EXPECTED[dataset.name]
        whole = sklearn_table(dataset.name)  # type: ignore[arg-type]
        assert (whole.kind, whole.rows, len(whole.columns)) == (kind, rows, features)
        assert (dataset.train.rows, dataset.heldout.rows) == (n_train, n_heldout)
        assert all(c.isidentifier() for c in whole.columns)
        _, X_test, _, y_test = train_test_split(whole.X, whole.y, test_size=0.25, random_state=0)
        assert np.array_equal(dataset.heldout.X, X_test) and np.array_equal(
            dataset.heldout.y, y_test
        )
        if kind == "classification":
            assert set(whole.labels.tolist()) == set(range(len(np.unique(whole.y))))
            assert whole.metadata["target_names"]
    X, _ = datasets.make_friedman1(n_samples=500, random_state=0)
    assert np.array_equal(sklearn_table("friedman1").X, X)


def test_identifier() -> None:
    assert identifier("sepal length (cm)") == "sepal_length_cm"
    assert identifier("od280/od315_of_diluted_wines") == "od280_od315_of_diluted_wines"
    assert identifier("2nd") == "x_2nd"


def test_importing_the_package_loads_neither_sympy_nor_sklearn() -> None:
    code = (
        "import sys, metagrow.domains, metagrow.domains.numeric; "
        "print(sorted(m for m in ('sympy', 'sklearn') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
