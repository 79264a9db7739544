"""Library learning: compression of solutions into inventions, and re-weighting."""

from metagrow.library._compress import Compression, compress, reweight

__all__ = ["Compression", "compress", "reweight"]
