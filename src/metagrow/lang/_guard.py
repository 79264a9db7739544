"""What bounds a run, in plain Python: the error a limit raises and the size of a value.

This module imports nothing: the interpreter uses it, and ``metagrow export`` copies it
into exported programs, so both bound a run alike.
"""

from __future__ import annotations


class LimitExceeded(Exception):
    """Raised inside a run when a limit is hit; the run then returns :data:`FAIL`."""


CHUNK = 1024
"""Steps a run takes between two looks at the clock."""


def value_size(value: object, cap: int) -> int:
    """Number of atoms in a nested tuple/list value, counting stops past ``cap``."""
    if not isinstance(value, (tuple, list)):
        return 1
    total = 1
    stack: list[object] = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (tuple, list)):
            total += len(v)
            if total > cap:
                return total
            stack.extend(x for x in v if isinstance(x, (tuple, list)))
    return total
