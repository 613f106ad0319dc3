"""``python -m vbt.service [--host H] [--port P] [--db URL] [--data-dir DIR] [--max-upload-mb MB]``:
serve the API (``vbt serve`` in short).

Errors vbt reports on purpose end as one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from vbt.cli.serve import add_serve_arguments, serve_from_args
from vbt.errors import VbtError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vbt.service", description=__doc__)
    add_serve_arguments(parser)
    args = parser.parse_args(argv)
    try:
        serve_from_args(args)
    except VbtError as exc:
        print(f"vbt: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
