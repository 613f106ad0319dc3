"""``vbt profile``: an athlete's load-velocity profile and estimated 1RM, from the stored sets."""

from __future__ import annotations

import argparse
from typing import Any

from vbt.cli.database import add_database_options, find_athlete, with_database
from vbt.cli.options import Subparsers, add_lift_option
from vbt.types import Lift

#: ``FitMethod``'s values, written out: importing ``vbt.progression`` to build the parser cost every
#: ``vbt`` command 0.04-0.06 s of start-up (tests/cli/test_progression.py checks they agree).
FIT_METHODS = ("regression", "two_point")


def add_command(commands: Subparsers) -> None:
    """Register ``vbt profile``."""
    profile = commands.add_parser(
        "profile",
        help="an athlete's load-velocity profile and estimated 1RM",
        description="Fit the athlete's load-velocity profile from the stored sets (best rep of each set) "
        "and estimate the 1RM. Database: --db, else VBT_DATABASE_URL, else the default SQLite file.",
    )
    add_database_options(profile)
    add_lift_option(profile, "--exercise")
    profile.add_argument("--method", choices=FIT_METHODS, default=FIT_METHODS[0])
    profile.add_argument("--since", default=None, metavar="DATE", help="only sets from this ISO date on")
    profile.add_argument("--json", action="store_true", help="print JSON, as the API answers")
    profile.set_defaults(handler=_profile)


def _profile(args: argparse.Namespace) -> int:
    from vbt.progression.profile import FitMethod
    from vbt.service.history import parse_time_bound
    from vbt.service.progression.queries import athlete_profile

    since = parse_time_bound("--since", args.since, end_of_day=False)

    def work(reader: Any, _writer: Any) -> Any:
        with reader() as db:
            athlete = find_athlete(db, args.athlete)
            return athlete_profile(
                db, athlete, Lift(args.exercise), method=FitMethod(args.method), since=since
            )

    result = with_database(args.db, work)
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    r2 = "n/a" if result.r_squared is None else f"{result.r_squared:.3f}"
    lines = [
        f"athlete {result.athlete_id}, {result.exercise.value}: {result.velocity_kind} velocity, {result.method}, "
        f"{result.n_sets} sets at {result.n_loads} loads ({result.load_range_kg[0]:g}-{result.load_range_kg[1]:g} kg)",
        f"  velocity = {result.intercept_m_s:.3f} {result.slope_m_s_per_kg:+.5f} x load_kg   (r² {r2})",
    ]
    if result.sets_left_out:
        lines.append(f"  {result.sets_left_out} sets left out (no measured successful rep or no load)")
    if result.one_rm is not None:
        lines.append(
            f"  1RM: {result.one_rm.display}, {result.one_rm.source}, confidence {result.one_rm.confidence}"
        )
        lines.extend(f"    - {note}" for note in result.one_rm.notes)
    if result.one_rm_problem:
        lines.append(f"  1RM: not estimated: {result.one_rm_problem}")
    print("\n".join(lines))
    return 0
