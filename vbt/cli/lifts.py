"""``vbt lifts``: the lifts vbt measures, with their family, velocity, minimum range and aliases."""

from __future__ import annotations

import argparse

from vbt.cli.options import Subparsers


def add_command(commands: Subparsers) -> None:
    """Register ``vbt lifts``."""
    lifts = commands.add_parser(
        "lifts",
        help="list the lifts vbt measures and the names --lift takes",
        description="The lift catalogue: each lift's key (what --lift takes, in any case, as do the "
        "aliases), its family, the velocity it is shown and judged by, and its minimum range of motion.",
    )
    lifts.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    from vbt.lifts import lifts_table

    print(lifts_table())
    return 0
