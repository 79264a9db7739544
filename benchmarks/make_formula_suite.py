"""Write the built-in formula suite as CSV files, or print its Markdown table.

Usage: python benchmarks/make_formula_suite.py --out DIR [--seed N] [--train-rows N]
       [--heldout-rows N]
       python benchmarks/make_formula_suite.py --markdown
--out writes DIR/train/<name>.csv, DIR/heldout/<name>.csv (target column ``y``) and
DIR/index.json (each formula's expression, family, variables and node count); the same
seed always yields byte-identical files. --markdown prints the tables that
docs/formula-suite.md shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metagrow.domains.numeric import suite_markdown, write_formula_suite
from metagrow.domains.numeric._suite import HELDOUT_ROWS, SEED, TRAIN_ROWS


def main() -> None:
    """Parse the arguments, then write the suite and/or print the Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder to write the CSV files and index to")
    parser.add_argument("--markdown", action="store_true", help="print the Markdown tables")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--train-rows", type=int, default=TRAIN_ROWS)
    parser.add_argument("--heldout-rows", type=int, default=HELDOUT_ROWS)
    args = parser.parse_args()
    if args.out is None and not args.markdown:
        parser.error("give --out DIR, --markdown or both")
    if args.seed < 0 or args.train_rows < 1 or args.heldout_rows < 1:
        parser.error("--seed must be >= 0 and --train-rows, --heldout-rows >= 1")
    if args.markdown:
        sys.stdout.write(suite_markdown())
    if args.out is not None:
        count = write_formula_suite(args.out, args.seed, args.train_rows, args.heldout_rows)
        print(f"wrote {count} formulas to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
