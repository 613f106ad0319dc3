"""``vbt plan``: an athlete's power-clean plan week by week, and the next load; ``--set`` stores one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from vbt.cli.database import athlete_id, with_database
from vbt.cli.options import Subparsers
from vbt.errors import InputError


def add_command(commands: Subparsers) -> None:
    """Register ``vbt plan``."""
    plan = commands.add_parser(
        "plan",
        help="show or set an athlete's power-clean plan",
        description="Show the athlete's power-clean plan week by week (sessions moved or refused around "
        "key runs, with why) and the next load; --set FILE.json stores a plan first (the body of "
        "PUT /api/athletes/{id}/plan).",
    )
    plan.add_argument("--athlete", type=athlete_id, required=True, metavar="ID", help="athlete id")
    plan.add_argument("--set", type=Path, default=None, metavar="FILE.json", help="store this plan first")
    plan.add_argument("--db", default=None, metavar="URL", help="database URL or SQLite file path")
    plan.add_argument("--json", action="store_true", help="print JSON, as the API answers")
    plan.set_defaults(handler=_plan)


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

    result = with_database(args.db, work)
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
