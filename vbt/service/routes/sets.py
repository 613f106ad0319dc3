"""Sets: ``POST /api/sessions/{id}/sets``, ``GET /api/sets/{id}`` and the per-set velocity."""

from __future__ import annotations

from fastapi import APIRouter

from vbt.service.auth import ReadAccess, WriteAccess
from vbt.service.convert import final_reps, rep_public, rep_velocity, summarize_reps
from vbt.service.db import ReadSessionDep, WriteSessionDep
from vbt.service.deps import SessionId, SetId, session_or_404, set_or_404
from vbt.service.models import LiftSet, utc_now
from vbt.service.schemas import SetCreate, SetDetail, SetPublic, SetVelocity
from vbt.types import Lift

router = APIRouter(tags=["sets"])


def set_public(lift_set: LiftSet, *, athlete_id: int) -> SetPublic:
    return SetPublic(
        id=lift_set.id,
        session_id=lift_set.session_id,
        athlete_id=athlete_id,
        exercise=Lift(lift_set.exercise),
        load_kg=lift_set.load_kg,
        performed_at=lift_set.performed_at,
        created_at=lift_set.created_at,
    )


@router.post("/sessions/{session_id}/sets", status_code=201, dependencies=[WriteAccess])
def create_set(session_id: SessionId, body: SetCreate, db: WriteSessionDep) -> SetPublic:
    """Add a set (an exercise at a load) to a session."""
    training = session_or_404(db, session_id)
    lift_set = LiftSet(
        session_id=session_id,
        exercise=body.exercise.value,
        load_kg=body.load_kg,
        performed_at=body.performed_at or utc_now(),
    )
    db.add(lift_set)
    db.commit()
    return set_public(lift_set, athlete_id=training.athlete_id)


@router.get("/sets/{set_id}", dependencies=[ReadAccess])
def get_set(set_id: SetId, db: ReadSessionDep) -> SetDetail:
    """One set with its reps (in rep order, provisional ones flagged) and the core's per-set summary
    of its final reps."""
    lift_set = set_or_404(db, set_id)
    public = set_public(lift_set, athlete_id=lift_set.session.athlete_id)
    return SetDetail(
        **public.model_dump(),
        reps=[rep_public(r) for r in lift_set.reps],
        summary=summarize_reps(lift_set.reps),
    )


@router.get("/sets/{set_id}/velocity", dependencies=[ReadAccess])
def get_set_velocity(set_id: SetId, db: ReadSessionDep) -> SetVelocity:
    """The per-set velocity: each final rep's velocities and the set's best velocity and velocity
    loss (provisional reps that live mode has not confirmed yet are left out)."""
    lift_set = set_or_404(db, set_id)
    return SetVelocity(
        set_id=lift_set.id,
        session_id=lift_set.session_id,
        athlete_id=lift_set.session.athlete_id,
        exercise=Lift(lift_set.exercise),
        load_kg=lift_set.load_kg,
        performed_at=lift_set.performed_at,
        reps=[rep_velocity(r) for r in final_reps(lift_set.reps)],
        **summarize_reps(lift_set.reps).model_dump(),
    )
