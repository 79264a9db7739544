"""``metagrow ui``: a store's library, runs, tasks and programs in the browser
(``docs/ui.md``). FastAPI, uvicorn and Jinja2 (the ``ui`` extra) are imported only when
the command runs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from metagrow.cli._errors import fail
from metagrow.cli._serve import _check_free

EXTRA = "metagrow ui needs the ui extra: pip install 'metagrow[ui]'"


def ui_command(
    store: Annotated[Path, typer.Option(help="The SQLite store to show (read-only).")],
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8080,
) -> None:
    """Look inside a store in the browser: the learned library and its graph, the runs'
    learning curves, each task's examples and programs, and a playground. The store is
    only read, so this can run while `metagrow learn` writes to it."""
    if not 1 <= port <= 65535:
        fail(f"--port must be between 1 and 65535, got {port}")
    try:
        import uvicorn

        from metagrow.ui._app import make_app
    except ImportError as err:
        if err.name in ("fastapi", "uvicorn", "starlette", "pydantic", "jinja2"):
            fail(EXTRA)
        raise
    from metagrow.store import Store, StoreError

    try:
        with Store(store, read_only=True) as db:
            runs = db.runs()
    except StoreError as err:
        fail(str(err))
    _check_free(host, port)
    from metagrow.ui._data import warm

    threading.Thread(target=warm, args=(store,), name="warm", daemon=True).start()
    print(
        f"showing {store} ({len(runs)} run(s)) at http://{host}:{port}; Ctrl-C stops",
        flush=True,
    )
    uvicorn.run(make_app(store), host=host, port=port, log_level="warning", access_log=False)
