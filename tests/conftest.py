"""Shared fixtures: the repository's example tasks and the lists domain."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from metagrow.domains.lists import ListsDomain

# Started from a background job of a non-interactive shell (``nohup make test &``), the
# tests inherit SIGINT ignored, and so would every metagrow they start: Python does not
# turn an ignored SIGINT into KeyboardInterrupt, and the Ctrl-C tests would wait forever.
# A handler here is reset to the default in each child, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "lists"


@pytest.fixture(scope="session")
def lists() -> ListsDomain:
    return ListsDomain()


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES
