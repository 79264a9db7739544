"""Running the command line as a user would: ``python -m metagrow ...`` in a subprocess."""

from __future__ import annotations

import subprocess
import sys


def metagrow(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metagrow", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
