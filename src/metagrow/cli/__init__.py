"""Command-line interface (Typer + Rich)."""

from metagrow.cli._app import app, main

__all__ = ["app", "main"]
