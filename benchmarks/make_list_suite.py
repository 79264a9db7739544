"""Regenerate the built-in list benchmark suite (package data) from its reference programs.

Usage: python benchmarks/make_list_suite.py [--seed N] [--out DIR]
Rewrites DIR/train/*.json and DIR/heldout/*.json (default: the package's suite folder);
the same seed always yields byte-identical files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from metagrow.domains.lists._suite import SEED, write_suite

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "src" / "metagrow" / "domains" / "lists" / "suite"


def main() -> None:
    """Parse the arguments and rewrite the suite folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    count = write_suite(args.out, args.seed)
    print(f"wrote {count} tasks to {args.out}")


if __name__ == "__main__":
    main()
