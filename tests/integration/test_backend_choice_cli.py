"""``--backend``: the names it takes, and the one line a user sees without Ray."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import metagrow
from metagrow import api
from metagrow.search import ProcessPoolBackend, SerialBackend

SRC = str(Path(metagrow.__file__).resolve().parents[1])


def test_the_backend_names_mean_the_pool_in_process_or_ray() -> None:
    pool, workers = api.make_backend("pool", 3)
    assert isinstance(pool, ProcessPoolBackend) and workers == 3
    assert isinstance(api.make_backend("serial", 4)[0], SerialBackend)
    assert isinstance(api.make_backend("pool", 1)[0], SerialBackend)
    with pytest.raises(ValueError, match="--backend must be one of pool, serial, ray"):
        api.make_backend("spark")
    with pytest.raises(ValueError, match="--ray-address needs --backend ray"):
        api.make_backend("pool", 2, "127.0.0.1:6379")


def test_without_ray_the_ray_backend_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(ValueError, match=r"pip install 'metagrow\[ray\]'"):
        api.make_backend("ray")


def test_the_command_line_without_ray_prints_one_line_and_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "ray"
    blocker.mkdir()
    (blocker / "__init__.py").write_text('raise ImportError("no ray here")\n')
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{SRC}"}
    done = subprocess.run(
        [sys.executable, "-m", "metagrow", "bench", "lists", "--limit", "1", "--budget", "1",
         "--backend", "ray"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'metagrow[ray]'" in lines[0], done.stderr


def test_ray_is_imported_only_when_the_ray_backend_runs() -> None:
    code = (
        "import sys; import metagrow.api, metagrow.search, metagrow.estimators, metagrow.cli; "
        "from metagrow.search import RayBackend; RayBackend(2); print('ray' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": SRC}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
