"""``python -m vbt.service [--host H] [--port P] [--db URL]``: serve the API (``vbt serve`` in short).

Errors vbt reports on purpose end as one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from vbt.errors import VbtError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vbt.service", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    parser.add_argument("--db", default=None, help="database URL or SQLite file path")
    args = parser.parse_args(argv)
    from vbt.service.app import run

    try:
        run(args.host, args.port, args.db)
    except VbtError as exc:
        print(f"vbt: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
