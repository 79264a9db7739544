"""Write perception task files from scikit-learn's bundled digit images.

Usage: python examples/perception/make_tasks.py OUT_DIR [--seed N]

Writes ``recognise_digit.json`` (``image[8,8] -> int``, 300 labelled images) and
``sum_digits.json`` (``list(image[8,8]) -> int``, 30 labelled lists of 2-5 images) with
their images as PNG files in ``OUT_DIR/images``, each referred to as
``{"file": "images/<name>.png"}``. Test outputs are included so accuracy can be checked.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from metagrow.domains.perception import digit_tasks, write_task_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    tasks = digit_tasks({"recognise_digit": 300, "sum_digits": 30}, test_size=100, seed=args.seed)
    for path in write_task_files(tasks, args.out):
        print(path)


if __name__ == "__main__":
    main()
