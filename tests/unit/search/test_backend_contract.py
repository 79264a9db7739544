"""Every backend passes the backend contract."""

from __future__ import annotations

from metagrow.search import ProcessPoolBackend, SerialBackend
from metagrow.testing import check_backend


def test_the_serial_backend_passes_the_contract() -> None:
    check_backend(SerialBackend)


def test_the_process_pool_backend_passes_the_contract() -> None:
    check_backend(lambda: ProcessPoolBackend(2))
