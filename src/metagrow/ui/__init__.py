"""The web interface of ``metagrow ui``: a store's library, runs, tasks and programs as
pages rendered on the server (``docs/ui.md``). Importing this package imports nothing
else; :func:`make_app` needs the ``ui`` extra (FastAPI, Jinja2)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metagrow.ui._app import make_app

__all__ = ["make_app"]


def __getattr__(name: str) -> object:
    if name != "make_app":
        raise AttributeError(f"module 'metagrow.ui' has no attribute {name!r}")
    from metagrow.ui._app import make_app

    return make_app
