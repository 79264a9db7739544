"""Shared fixtures: the repository's example tasks and the lists domain."""

from __future__ import annotations

from pathlib import Path

import pytest

from metagrow.domains.lists import ListsDomain

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "lists"


@pytest.fixture(scope="session")
def lists() -> ListsDomain:
    return ListsDomain()


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES
