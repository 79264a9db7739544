"""Fixtures: the store of :mod:`ui_store` and a client of the app showing it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_store import TestClient, write_store

from metagrow.ui import make_app


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("ui") / "store.db")


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[TestClient]:
    with TestClient(make_app(store)) as c:
        yield c
