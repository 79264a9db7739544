"""Real-valued data for programs over table columns: tables and their CSV files, the
built-in formula suite (written for this project) and scikit-learn's bundled data sets.

Only data lives here so far; importing it loads numpy but neither sympy nor
scikit-learn, which are imported when a formula is parsed or a data set is loaded.
"""

from metagrow.domains.numeric._csv import MIN_ROWS, read_csv, write_csv
from metagrow.domains.numeric._formula import (
    ALLOWED_FUNCTIONS,
    FAMILIES,
    Family,
    Formula,
    Variable,
    evaluate,
    formula_rng,
    formula_table,
    node_count,
    parse_formula,
)
from metagrow.domains.numeric._formulas import FORMULAS
from metagrow.domains.numeric._sklearn import (
    FRIEDMAN_SAMPLES,
    SKLEARN_NAMES,
    SklearnName,
    identifier,
    sklearn_suite,
    sklearn_table,
)
from metagrow.domains.numeric._suite import (
    formula_suite,
    suite_index,
    suite_markdown,
    write_formula_suite,
)
from metagrow.domains.numeric._table import (
    KINDS,
    Dataset,
    Kind,
    Table,
    TableError,
    guess_kind,
    split,
    take_rows,
)

__all__ = [
    "ALLOWED_FUNCTIONS",
    "FAMILIES",
    "FORMULAS",
    "FRIEDMAN_SAMPLES",
    "KINDS",
    "MIN_ROWS",
    "SKLEARN_NAMES",
    "Dataset",
    "Family",
    "Formula",
    "Kind",
    "SklearnName",
    "Table",
    "TableError",
    "Variable",
    "evaluate",
    "formula_rng",
    "formula_suite",
    "formula_table",
    "guess_kind",
    "identifier",
    "node_count",
    "parse_formula",
    "read_csv",
    "sklearn_suite",
    "sklearn_table",
    "split",
    "suite_index",
    "suite_markdown",
    "take_rows",
    "write_csv",
    "write_formula_suite",
]
