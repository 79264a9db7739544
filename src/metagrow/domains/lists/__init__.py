"""Integers, booleans and lists: DreamCoder's list domain and more."""

from metagrow.domains.lists._domain import ListsDomain
from metagrow.domains.lists._primitives import MAX_INT, MAX_LENGTH, list_primitives
from metagrow.domains.lists._suite import (
    examples_folder,
    generate_suite,
    load_suite,
    suite_paths,
)

__all__ = [
    "MAX_INT",
    "MAX_LENGTH",
    "ListsDomain",
    "examples_folder",
    "generate_suite",
    "list_primitives",
    "load_suite",
    "suite_paths",
]
