"""The error every export raises: one line saying what cannot be exported and why."""

from __future__ import annotations


class ExportError(ValueError):
    """A program, or part of it, that the requested form cannot express."""
