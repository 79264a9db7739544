"""metagrow: learn models that are typed programs from a few input/output examples.

Programs are found by search over a domain's primitives (lists, ARC grids, digit
images, or a domain of your own), and a library of inventions grows across tasks. The
command line is ``metagrow`` (``metagrow --help``); the packages below are the layers it
uses: ``lang`` (types, programs, interpreter), ``domains``, ``search``, ``library``,
``guide``, ``learn``, ``store`` and ``bench``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("metagrow")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
