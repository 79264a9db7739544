"""The package as a newcomer first meets it: a version, a docstring, a light import."""

from __future__ import annotations

import subprocess
import sys

from cli_run import metagrow

import metagrow as package


def test_version_option_prints_the_package_version() -> None:
    proc = metagrow("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"metagrow {package.__version__}\n"
    assert package.__version__[0].isdigit()


def test_the_package_says_what_it_is_and_imports_lightly() -> None:
    assert package.__doc__ is not None and "programs" in package.__doc__
    code = "import sys, metagrow; print(sorted({'torch', 'numpy'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
