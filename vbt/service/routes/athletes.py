"""``/api/athletes``: create, read, rename athletes, and their set history (JSON or CSV)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from sqlalchemy import select

from vbt.service.auth import ReadAccess, WriteAccess
from vbt.service.db import ReadSessionDep, WriteSessionDep
from vbt.service.deps import AthleteId, athlete_or_404
from vbt.service.history import history_csv, parse_time_bound, set_history
from vbt.service.models import Athlete, TrainingSession
from vbt.service.schemas import (
    AthleteCreate,
    AthletePublic,
    AthleteUpdate,
    SessionPublic,
    SetHistoryItem,
)
from vbt.types import Lift

router = APIRouter(prefix="/athletes", tags=["athletes"])


@router.post("", status_code=201, dependencies=[WriteAccess])
def create_athlete(body: AthleteCreate, db: WriteSessionDep) -> AthletePublic:
    """Create an athlete."""
    athlete = Athlete(name=body.name, body_mass_kg=body.body_mass_kg)
    db.add(athlete)
    db.commit()
    return AthletePublic.model_validate(athlete)


@router.get("", dependencies=[ReadAccess])
def list_athletes(
    db: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[AthletePublic]:
    """Every athlete, oldest first."""
    rows = db.scalars(select(Athlete).order_by(Athlete.id).limit(limit).offset(offset))
    return [AthletePublic.model_validate(a) for a in rows]


@router.get("/{athlete_id}", dependencies=[ReadAccess])
def get_athlete(athlete_id: AthleteId, db: ReadSessionDep) -> AthletePublic:
    """One athlete."""
    return AthletePublic.model_validate(athlete_or_404(db, athlete_id))


@router.patch("/{athlete_id}", dependencies=[WriteAccess])
def update_athlete(athlete_id: AthleteId, body: AthleteUpdate, db: WriteSessionDep) -> AthletePublic:
    """Change an athlete's name or body mass (only the keys given)."""
    athlete = athlete_or_404(db, athlete_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("name", "") is None:
        del changes["name"]
    for key, value in changes.items():
        setattr(athlete, key, value)
    db.commit()
    return AthletePublic.model_validate(athlete)


@router.get("/{athlete_id}/sessions", dependencies=[ReadAccess])
def list_athlete_sessions(athlete_id: AthleteId, db: ReadSessionDep) -> list[SessionPublic]:
    """An athlete's training sessions, oldest first."""
    athlete_or_404(db, athlete_id)
    rows = db.scalars(
        select(TrainingSession)
        .where(TrainingSession.athlete_id == athlete_id)
        .order_by(TrainingSession.started_at, TrainingSession.id)
    )
    return [SessionPublic.model_validate(s) for s in rows]


@router.get(
    "/{athlete_id}/sets",
    dependencies=[ReadAccess],
    response_model=list[SetHistoryItem],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def athlete_sets(
    athlete_id: AthleteId,
    db: ReadSessionDep,
    exercise: Lift | None = None,
    since: Annotated[
        str | None, Query(description="ISO date or date-time (UTC if no zone); inclusive.")
    ] = None,
    until: Annotated[
        str | None,
        Query(description="ISO date (that whole day included) or date-time (exclusive)."),
    ] = None,
    format: Annotated[
        Literal["json", "csv"] | None,
        Query(description="csv for a spreadsheet; the same as 'Accept: text/csv'."),
    ] = None,
    accept: Annotated[str | None, Header()] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> Any:
    """An athlete's sets over time with the per-set velocity figures, oldest first; filter by
    exercise and time; CSV with ``?format=csv`` or ``Accept: text/csv``."""
    athlete_or_404(db, athlete_id)
    items = set_history(
        db,
        athlete_id,
        exercise=exercise,
        since=parse_time_bound("since", since, end_of_day=False),
        until=parse_time_bound("until", until, end_of_day=True),
        limit=limit,
        offset=offset,
    )
    wants_csv = format == "csv" or (format is None and "text/csv" in (accept or "").lower())
    if wants_csv:
        return Response(
            history_csv(items),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="athlete-{athlete_id}-sets.csv"'},
        )
    return items
