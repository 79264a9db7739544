"""``python -m metagrow``: the command line (Ctrl-C while it loads ends with one line too)."""

import sys

try:
    from metagrow.cli import main
except KeyboardInterrupt:
    print("metagrow: interrupted: nothing was kept", file=sys.stderr)
    sys.exit(130)

main()
