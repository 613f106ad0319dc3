"""``vbt profile`` and ``vbt plan``: the progression endpoints' answers from the same database.

Registered on the main parser by ``add_progression_commands(subparsers)``; each handler returns an
exit status and lets :class:`vbt.errors.VbtError` propagate (the main command prints it as one line).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from vbt.errors import InputError
from vbt.progression.profile import FitMethod
from vbt.types import Lift

_Subparsers = Any  # argparse's _SubParsersAction is private; its add_parser is all we use
T = TypeVar("T")


def _athlete_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an athlete id (a positive whole number)")
    return int(text)


def add_progression_commands(commands: _Subparsers) -> None:
    """Add ``profile`` and ``plan`` to the ``vbt`` command's subparsers."""
    profile = commands.add_parser(
        "profile",
        help="an athlete's load-velocity profile and estimated 1RM",
        description="Fit the athlete's load-velocity profile from the stored sets (best rep of each set) "
        "and estimate the 1RM. Database: --db, else VBT_DATABASE_URL, else the default SQLite file.",
    )
    profile.add_argument("--athlete", type=_athlete_id, required=True, metavar="ID", help="athlete id")
    profile.add_argument("--exercise", required=True, choices=[lift.value for lift in Lift])
    profile.add_argument("--method", choices=[m.value for m in FitMethod], default=FitMethod.REGRESSION.value)
    profile.add_argument("--since", default=None, metavar="DATE", help="only sets from this ISO date on")
    profile.add_argument("--db", default=None, metavar="URL", help="database URL or SQLite file path")
    profile.add_argument("--json", action="store_true", help="print JSON, as the API answers")
    profile.set_defaults(handler=_profile)

    plan = commands.add_parser(
        "plan",
        help="show or set an athlete's power-clean plan",
        description="Show the athlete's power-clean plan week by week (sessions moved or refused around "
        "key runs, with why) and the next load; --set FILE.json stores a plan first (the body of "
        "PUT /api/athletes/{id}/plan).",
    )
    plan.add_argument("--athlete", type=_athlete_id, required=True, metavar="ID", help="athlete id")
    plan.add_argument("--set", type=Path, default=None, metavar="FILE.json", help="store this plan first")
    plan.add_argument("--db", default=None, metavar="URL", help="database URL or SQLite file path")
    plan.add_argument("--json", action="store_true", help="print JSON, as the API answers")
    plan.set_defaults(handler=_plan)


def _with_database(db_url: str | None, work: Callable[[Any, Any], T]) -> T:
    """Run ``work(reader, writer)`` on the migrated database at ``db_url``."""
    from vbt.service.db import make_engine, make_sessionmakers, run_migrations
    from vbt.service.settings import settings_from_env

    settings = settings_from_env(database_url=db_url)
    engine = make_engine(settings.database_url, sqlite_busy_timeout_s=settings.sqlite_busy_timeout_s)
    try:
        run_migrations(engine)
        reader, writer = make_sessionmakers(engine)
        return work(reader, writer)
    finally:
        engine.dispose()


def _profile(args: argparse.Namespace) -> int:
    from vbt.service.history import parse_time_bound
    from vbt.service.progression import athlete_profile

    since = parse_time_bound("--since", args.since, end_of_day=False)

    def work(reader: Any, _writer: Any) -> Any:
        with reader() as db:
            return athlete_profile(
                db, args.athlete, Lift(args.exercise), method=FitMethod(args.method), since=since
            )

    result = _with_database(args.db, work)
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


def _plan(args: argparse.Namespace) -> int:
    from vbt.service.progression import PlanIn, athlete_plan, store_plan

    body: PlanIn | None = None
    if args.set is not None:
        try:
            body = PlanIn.model_validate_json(Path(args.set).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read {args.set}: {exc.strerror}") from None
        except ValueError as exc:
            raise InputError(f"{args.set} is not a valid plan: {str(exc).splitlines()[0]}") from None

    def work(reader: Any, writer: Any) -> Any:
        if body is not None:
            with writer() as db:
                store_plan(db, args.athlete, body)
        with reader() as db:
            return athlete_plan(db, args.athlete)

    result = _with_database(args.db, work)
    if args.json:
        print(json.dumps(result.model_dump(mode="json"), indent=2))
        return 0
    unit = result.unit.value
    one_rm = "unknown" if result.one_rm is None else f"{result.one_rm:g} {unit}"
    lines = [f"athlete {result.athlete_id}: power-clean plan, 1RM {one_rm} ({result.one_rm_source})"]
    lines.extend(f"  ! {b}" for b in result.blocked_by)
    lines.extend(f"  note: {n}" for n in result.notes)
    lines.append(f"  next load: {result.current_load:g} {unit}")
    for week in result.weeks:
        for session in week["sessions"]:
            exercises = session["exercises"]
            clean = exercises[0] if exercises else None
            what = f"{clean['sets']} x {clean['reps']} @ {clean['load']:g} {unit}" if clean else "-"
            lines.append(
                f"  week {week['week']:>2}  {session['when'][:16].replace('T', ' ')}  {session['status']:<8} "
                f"{session['load_status']:<9} {what}"
            )
            if session["status"] != "planned":
                lines.append(f"            {session['reason']}")
    print("\n".join(lines))
    return 0
