"""Which backend runs a suite's tasks: the names the command line takes, and the backend
each one means."""

from __future__ import annotations

import os

from metagrow.search import Backend, ProcessPoolBackend, RayBackend, SerialBackend

BACKENDS = ("pool", "serial", "ray")
"""``--backend`` choices: worker processes on this machine, this process, a Ray cluster."""


def make_backend(
    kind: str = "pool", jobs: int = 0, ray_address: str | None = None
) -> tuple[Backend, int]:
    """The backend ``kind`` names and how many tasks it runs at once: ``jobs`` workers (0:
    all cores, or all the Ray cluster's CPUs); ``pool`` with one worker runs in-process.
    ``ray`` joins the cluster at ``ray_address`` (else ``RAY_ADDRESS``, else a local Ray it
    starts). Raise ``ValueError`` with one line for a bad choice, a missing Ray, or a
    cluster that cannot be reached."""
    if kind not in BACKENDS:
        raise ValueError(f"--backend must be one of {', '.join(BACKENDS)}, got {kind!r}")
    if jobs < 0:
        raise ValueError(f"--jobs must be 0 (all cores) or a number of workers, got {jobs}")
    if ray_address is not None and kind != "ray":
        raise ValueError("--ray-address needs --backend ray")
    if kind == "ray":
        return _ray_backend(jobs, ray_address)
    workers = 1 if kind == "serial" else jobs or os.cpu_count() or 1
    return (SerialBackend() if workers == 1 else ProcessPoolBackend(workers)), workers


def _ray_backend(jobs: int, address: str | None) -> tuple[Backend, int]:
    backend = RayBackend(jobs or None, address)
    try:
        ray = backend.connect()
    except ImportError as err:
        raise ValueError(str(err)) from None
    except (ConnectionError, RuntimeError, ValueError) as err:
        where = address or os.environ.get("RAY_ADDRESS") or "a local Ray"
        line = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise ValueError(f"cannot start or join Ray at {where}: {line}") from None
    return backend, jobs or max(1, int(ray.cluster_resources().get("CPU", 1)))
