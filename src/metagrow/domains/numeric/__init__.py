"""Real-valued data for programs over table columns: tables and their CSV files, the
built-in formula suite (written for this project) and scikit-learn's bundled data sets.

Importing it loads numpy but neither sympy nor scikit-learn, which are imported when a
formula is parsed or a data set is loaded.
"""

from metagrow.domains.numeric._csv import MIN_ROWS, read_csv, read_features, read_header, write_csv
from metagrow.domains.numeric._domain import NumericDomain, columns_of, table_as_task, table_task
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
from metagrow.domains.numeric._ops import BY_NAME, CONSTANT, OPS, REAL, Op
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
from metagrow.domains.numeric._vector import NotNumeric, VectorProgram

__all__ = [
    "ALLOWED_FUNCTIONS",
    "BY_NAME",
    "CONSTANT",
    "FAMILIES",
    "FORMULAS",
    "FRIEDMAN_SAMPLES",
    "KINDS",
    "MIN_ROWS",
    "OPS",
    "REAL",
    "SKLEARN_NAMES",
    "Dataset",
    "Family",
    "Formula",
    "Kind",
    "NotNumeric",
    "NumericDomain",
    "Op",
    "SklearnName",
    "Table",
    "TableError",
    "Variable",
    "VectorProgram",
    "columns_of",
    "evaluate",
    "formula_rng",
    "formula_suite",
    "formula_table",
    "guess_kind",
    "identifier",
    "node_count",
    "parse_formula",
    "read_csv",
    "read_features",
    "read_header",
    "sklearn_suite",
    "sklearn_table",
    "split",
    "suite_index",
    "suite_markdown",
    "table_as_task",
    "table_task",
    "take_rows",
    "write_csv",
    "write_formula_suite",
]
