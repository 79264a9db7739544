"""``metagrow serve``: the programs and models of a store over HTTP (``docs/serve.md``).
FastAPI and uvicorn (the ``serve`` extra) are imported only when the command runs."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated, Any

import typer

from metagrow.cli._errors import fail

EXTRA = "metagrow serve needs the serve extra: pip install 'metagrow[serve]'"


def serve_command(
    store: Annotated[Path, typer.Option(help="The SQLite store whose programs to serve.")],
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (each holds its own copy of the programs).")
    ] = 1,
) -> None:
    """Serve a store's programs and models over HTTP: GET /programs, GET /programs/NAME,
    POST /programs/NAME/predict; API docs at /docs."""
    if not 1 <= port <= 65535:
        fail(f"--port must be between 1 and 65535, got {port}")
    if workers < 1:
        fail(f"--workers must be at least 1, got {workers}")
    try:
        import uvicorn

        from metagrow.api._serve import STORE_VARIABLE, make_app, served_from
    except ImportError as err:
        if err.name in ("fastapi", "uvicorn", "starlette", "pydantic"):
            fail(EXTRA)
        raise
    from metagrow.store import StoreError

    try:
        served = served_from(store)
    except StoreError as err:
        fail(str(err))
    if not served:
        fail(f"{store}: holds no solved task and no model; make some with `metagrow learn "
             f"--store {store}` or `metagrow fit --store {store}`")  # fmt: skip
    _check_free(host, port)
    programs = sum(s.kind == "program" for s in served.values())
    print(
        f"serving {programs} program(s) and {len(served) - programs} model(s) from {store} "
        f"at http://{host}:{port} (API docs at /docs); Ctrl-C stops",
        flush=True,
    )
    if workers == 1:
        app: Any = make_app(served)
    else:  # each worker process builds the app itself, from the store named here
        os.environ[STORE_VARIABLE] = str(store.resolve())
        app = "metagrow.api._serve:app_from_environment"
    uvicorn.run(
        app, host=host, port=port, workers=workers, factory=workers > 1,
        log_level="warning", access_log=False,
    )  # fmt: skip


def _check_free(host: str, port: int) -> None:
    """Fail with one line unless ``host:port`` can be listened on (uvicorn would print a
    log line and exit with code 3)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):
            pass
    except OSError as err:
        reason = (err.strerror or str(err)).split(" (while attempting")[0]
        fail(f"cannot listen on {host}:{port} ({reason}); pick another --port or --host")
