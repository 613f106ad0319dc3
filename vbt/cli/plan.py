"""``vbt plan``: an athlete's power-clean plan week by week, and the next load; ``--set`` stores one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vbt.cli.database import add_database_options, find_athlete, with_database
from vbt.cli.options import Subparsers
from vbt.errors import InputError

if TYPE_CHECKING:
    from pydantic import ValidationError


def add_command(commands: Subparsers) -> None:
    """Register ``vbt plan``."""
    plan = commands.add_parser(
        "plan",
        help="show or set an athlete's power-clean plan",
        description="Show the athlete's power-clean plan week by week (sessions moved or refused around "
        "key runs, with why) and the next load; --set FILE.json stores a plan first (the body of "
        "PUT /api/athletes/{id}/plan).",
    )
    add_database_options(plan)
    plan.add_argument("--set", type=Path, default=None, metavar="FILE.json", help="store this plan first")
    plan.add_argument("--json", action="store_true", help="print JSON, as the API answers")
    plan.set_defaults(handler=_plan)


def _plan(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from vbt.service.errors import NotFoundError
    from vbt.service.progression.queries import athlete_plan, store_plan
    from vbt.service.progression.schemas import PlanIn

    body: PlanIn | None = None
    if args.set is not None:
        try:
            body = PlanIn.model_validate_json(Path(args.set).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read {args.set}: {exc.strerror}") from None
        except ValidationError as exc:
            raise InputError(f"{args.set} is not a valid plan: {_problems(exc)}") from None

    def work(reader: Any, writer: Any) -> Any:
        with reader() as db:
            athlete = find_athlete(db, args.athlete)
        if body is not None:
            with writer() as db:
                store_plan(db, athlete, body)
        with reader() as db:
            try:
                return athlete_plan(db, athlete)
            except NotFoundError:  # the athlete exists: the plan does not
                raise NotFoundError(
                    f"athlete {args.athlete} has no plan; store one with "
                    f"vbt plan --athlete {args.athlete} --set PLAN.json (the README shows one)"
                ) from None

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


def _problems(error: ValidationError) -> str:
    """Each field at fault and what is wrong with it: "weekdays: Field required; weeks: ..."."""
    problems = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"])
        problems.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return "; ".join(problems)
