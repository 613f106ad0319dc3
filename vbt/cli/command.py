"""The ``vbt`` command's parser and entry point: each command lives in its own module of this package.

Every error vbt raises on purpose ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from vbt.cli import analyze, calibrate, lifts, live, plan, profile, serve, token, worker
from vbt.errors import VbtError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 1  # as the Python documentation's advice on SIGPIPE does


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vbt", description="Velocity-based training from a camera: bar velocity and triple extension."
    )
    parser.add_argument("--version", action="version", version=f"vbt {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (analyze, calibrate, serve, worker, token, profile, plan, live, lifts):
        command.add_command(commands)
    return parser


def _version() -> str:
    import vbt

    return vbt.__version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
        sys.stdout.flush()  # here, where a closed pipe can still be caught
    except VbtError as exc:
        print(f"vbt: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("vbt: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE
    return status


def _stdout_to_devnull() -> None:
    """The reader of our output left (``vbt ... | head``): point stdout at /dev/null, so the flush at
    exit does not fail again (as the Python documentation on SIGPIPE advises)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # stdout replaced (tests): nothing to redirect
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
