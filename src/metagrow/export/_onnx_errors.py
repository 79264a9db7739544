"""The error every export raises for a program it cannot express."""

from __future__ import annotations


class ExportError(ValueError):
    """A program (or a part of it) with no form in the export's target; the message is one
    line naming the part and why."""
