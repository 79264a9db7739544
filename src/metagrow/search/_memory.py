"""The process's resident memory, read and given back (Linux; elsewhere unknown)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys

GIVE_BACK_MB = 384
"""A search that grew its process by more than this, or a worker bigger than this between
tasks, gives the freed heap back."""

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_mb() -> float | None:
    """The process's resident memory in MiB (Linux's ``/proc``); None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * _PAGE / 2**20


def give_back() -> None:
    """Hands the heap's freed memory back to the system where the C library allows it
    (glibc's ``malloc_trim``): glibc keeps it otherwise, and a worker that ran one big
    search would start every later one that much bigger."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def grown_mb(since: float | None) -> float:
    """How much resident memory the process has gained since it held ``since`` MiB (0
    where either is unknown)."""
    now = resident_mb()
    return 0.0 if now is None or since is None else now - since
