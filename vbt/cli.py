"""The ``vbt`` command: ``vbt analyze`` (and more as the project grows).

Every error vbt raises on purpose ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from vbt.errors import InputError, VbtError
from vbt.types import Lift

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_LOAD_KG = 1000.0


def _load_kg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of kilograms") from None
    if not (math.isfinite(value) and 0 < value < MAX_LOAD_KG):
        raise argparse.ArgumentTypeError(f"{text} kg is not a barbell load (give 0 < kg < {MAX_LOAD_KG:.0f})")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vbt", description="Velocity-based training from a camera: bar velocity and triple extension."
    )
    parser.add_argument("--version", action="version", version=f"vbt {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze",
        help="measure every rep of a set from a track CSV",
        description="Segment and measure every rep of one set. INPUT is a track CSV (see the README).",
    )
    analyze.add_argument("input", metavar="INPUT", type=Path, help="track CSV of the set")
    analyze.add_argument(
        "--lift", required=True, choices=[lift.value for lift in Lift], help="the lift performed"
    )
    analyze.add_argument("--load-kg", type=_load_kg, default=None, help="bar load in kg (adds power)")
    analyze.add_argument(
        "--json", type=Path, default=None, metavar="OUT.json", help="write the report as JSON"
    )
    analyze.add_argument("--quiet", action="store_true", help="do not print the table")
    analyze.set_defaults(handler=_analyze)
    return parser


def _version() -> str:
    import vbt

    return vbt.__version__


def _analyze(args: argparse.Namespace) -> int:
    from vbt.analysis import analyze_trajectory
    from vbt.report.json_report import set_report, write_json
    from vbt.report.table import format_table
    from vbt.trackio import read_track_csv

    path: Path = args.input
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a track CSV file")
    lift = Lift(args.lift)
    trajectory = read_track_csv(path)
    try:
        analysis = analyze_trajectory(trajectory, lift=lift, load_kg=args.load_kg)
    except VbtError as exc:
        raise type(exc)(f"{path}: {exc}") from None
    if not args.quiet:  # the table first: a report that cannot be written loses nothing on screen
        print(format_table(analysis, title=f"{path.name}: {lift.value}"), flush=True)
    if args.json is not None:
        write_json(args.json, set_report(analysis, input_name=str(path)))
        if not args.quiet:
            print(f"\nreport written to {args.json}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except VbtError as exc:
        print(f"vbt: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("vbt: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return status


if __name__ == "__main__":
    sys.exit(main())
