"""Library learning: compression of solutions into inventions, re-weighting, and the
libraries shipped with domains."""

from metagrow.library._compress import Compression, compress, reweight
from metagrow.library._shipped import (
    ShippedLibraryError,
    library_json,
    read_library,
    shipped_library,
    write_library,
)

__all__ = [
    "Compression",
    "ShippedLibraryError",
    "compress",
    "library_json",
    "read_library",
    "reweight",
    "shipped_library",
    "write_library",
]
