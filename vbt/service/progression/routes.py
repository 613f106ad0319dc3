"""Progression over HTTP: an athlete's load-velocity profile, the next load, tested 1RMs, own
velocity thresholds, and the runner's power-clean plan (``/api/athletes/{id}/...``).

The service reads what is stored (:mod:`vbt.service.progression.queries`) and :mod:`vbt.progression`
computes and decides (the next load: :func:`vbt.progression.recommend.recommend`); what cannot be computed is a 422 whose ``detail`` says what is missing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from vbt.progression.profile import FitMethod
from vbt.progression.recommend import LoadRequest, recommend
from vbt.progression.rules import Goal
from vbt.progression.units import LoadUnit
from vbt.progression.zones import Zone
from vbt.service.auth import ReadAccess, WriteAccess
from vbt.service.db import ReadSessionDep, WriteSessionDep
from vbt.service.deps import AthleteId, athlete_or_404
from vbt.service.history import parse_time_bound
from vbt.service.models import OneRepMax, VelocityThreshold, utc_now
from vbt.service.progression.queries import StoredAthlete, athlete_plan, athlete_profile, store_plan
from vbt.service.progression.schemas import (
    MaxCreate,
    MaxPublic,
    PlanIn,
    PlanPublic,
    ProfilePublic,
    RecommendationPublic,
    ThresholdIn,
    recommendation_public,
)
from vbt.types import Lift

router = APIRouter(prefix="/athletes", tags=["progression"])

# ---------------------------------------------------------------- routes

ExerciseQuery = Annotated[Lift, Query(description="The exercise, e.g. squat or power_clean.")]
SinceQuery = Annotated[str | None, Query(description="Only sets from this ISO date or date-time on.")]


@router.get("/{athlete_id}/profile", dependencies=[ReadAccess])
def get_profile(
    athlete_id: AthleteId,
    db: ReadSessionDep,
    exercise: ExerciseQuery,
    method: FitMethod = FitMethod.REGRESSION,
    since: SinceQuery = None,
) -> ProfilePublic:
    """The athlete's load-velocity profile (best rep of each set), its fit quality, the estimated
    1RM with its interval, and the exercise's velocity zones; 422 saying what to record when the
    sets cannot give a profile."""
    return athlete_profile(
        db, athlete_id, exercise, method=method, since=parse_time_bound("since", since, end_of_day=False)
    )


@router.get("/{athlete_id}/recommendation", dependencies=[ReadAccess])
def get_recommendation(
    athlete_id: AthleteId,
    db: ReadSessionDep,
    exercise: ExerciseQuery,
    target_velocity_m_s: Annotated[float | None, Query(gt=0, lt=5)] = None,
    zone: Zone | None = None,
    goal: Goal = Goal.STRENGTH,
    unit: LoadUnit = LoadUnit.KG,
    smallest_plate: Annotated[float | None, Query(gt=0, le=25)] = None,
    warmup_load_kg: Annotated[float | None, Query(gt=0, lt=1000)] = None,
    warmup_velocity_m_s: Annotated[float | None, Query(gt=0, lt=5)] = None,
) -> RecommendationPublic:
    """The next set's load. The power clean of an athlete with a plan follows the plan; otherwise
    the load the profile predicts for ``target_velocity_m_s`` (or the middle of ``zone``), rounded
    to loadable plates, optionally moved by today's warm-up against earlier warm-ups at that load."""
    athlete_or_404(db, athlete_id)
    request = LoadRequest(
        lift=exercise,
        target_velocity_m_s=target_velocity_m_s,
        zone=zone,
        goal=goal,
        unit=unit,
        smallest_plate=smallest_plate,
        warmup_load_kg=warmup_load_kg,
        warmup_velocity_m_s=warmup_velocity_m_s,
    )
    today_start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rec = recommend(request, StoredAthlete(db, athlete_id), today_start=today_start)
    return recommendation_public(athlete_id, rec, lift=exercise)


@router.get("/{athlete_id}/plan", dependencies=[ReadAccess])
def get_plan(athlete_id: AthleteId, db: ReadSessionDep) -> PlanPublic:
    """The runner's power-clean plan: its weeks (sessions moved or refused around key runs, with
    why), the load the sessions so far earned, and each decision's reason."""
    return athlete_plan(db, athlete_id)


@router.put("/{athlete_id}/plan", dependencies=[WriteAccess])
def put_plan(athlete_id: AthleteId, body: PlanIn, db: WriteSessionDep) -> PlanPublic:
    """Create or replace the athlete's plan (settings, prerequisites, key-run days)."""
    store_plan(db, athlete_id, body)
    return athlete_plan(db, athlete_id)


@router.post("/{athlete_id}/maxes", status_code=201, dependencies=[WriteAccess])
def add_max(athlete_id: AthleteId, body: MaxCreate, db: WriteSessionDep) -> MaxPublic:
    """Record a tested 1RM (preferred over any estimate; also teaches the profile the athlete's
    velocity at 1RM)."""
    athlete_or_404(db, athlete_id)
    row = OneRepMax(
        athlete_id=athlete_id,
        exercise=body.exercise.value,
        load_kg=body.load_kg,
        velocity_m_s=body.velocity_m_s,
        tested_at=body.tested_at or utc_now(),
    )
    db.add(row)
    db.commit()
    return MaxPublic.model_validate(row)


@router.get("/{athlete_id}/maxes", dependencies=[ReadAccess])
def list_maxes(athlete_id: AthleteId, db: ReadSessionDep) -> list[MaxPublic]:
    """Every tested 1RM of the athlete, oldest first."""
    athlete_or_404(db, athlete_id)
    rows = db.scalars(
        select(OneRepMax)
        .where(OneRepMax.athlete_id == athlete_id)
        .order_by(OneRepMax.tested_at, OneRepMax.id)
    )
    return [MaxPublic.model_validate(r) for r in rows]


@router.put("/{athlete_id}/thresholds/{exercise}", dependencies=[WriteAccess])
def put_threshold(
    athlete_id: AthleteId, exercise: Lift, body: ThresholdIn, db: WriteSessionDep
) -> dict[str, object]:
    """Set the athlete's own minimal velocity threshold for an exercise (mean velocity; peak for
    the Olympic lifts); it overrides the literature default and a learned one."""
    athlete_or_404(db, athlete_id)
    row = db.scalar(
        select(VelocityThreshold).where(
            VelocityThreshold.athlete_id == athlete_id, VelocityThreshold.exercise == exercise.value
        )
    )
    if row is None:
        db.add(
            VelocityThreshold(athlete_id=athlete_id, exercise=exercise.value, velocity_m_s=body.velocity_m_s)
        )
    else:
        row.velocity_m_s, row.updated_at = body.velocity_m_s, utc_now()
    db.commit()
    return {"athlete_id": athlete_id, "exercise": exercise.value, "velocity_m_s": body.velocity_m_s}
