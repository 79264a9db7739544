"""Learned programs as code that runs without metagrow.

``to_python`` writes one standalone Python module for a program (see ``docs/export.md``).
"""

from metagrow.export._errors import ExportError
from metagrow.export._python import to_python, type_tree

__all__ = ["ExportError", "to_python", "type_tree"]
