"""Typed path parameters and look-ups shared by the route modules.

Ids are bounded to what the databases hold, so a huge id is a 422, not a database error; a missing
row is a 404 that names the id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from sqlalchemy.orm import Session

from vbt.service.errors import NotFoundError
from vbt.service.models import Athlete, LiftSet, TrainingSession
from vbt.service.schemas import MAX_ID

AthleteId = Annotated[int, Path(ge=1, le=MAX_ID, description="An athlete's id.")]
SessionId = Annotated[int, Path(ge=1, le=MAX_ID, description="A training session's id.")]
SetId = Annotated[int, Path(ge=1, le=MAX_ID, description="A set's id.")]


def athlete_or_404(session: Session, athlete_id: int) -> Athlete:
    athlete = session.get(Athlete, athlete_id)
    if athlete is None:
        raise NotFoundError(f"Athlete {athlete_id} does not exist; create athletes with POST /api/athletes.")
    return athlete


def session_or_404(session: Session, session_id: int) -> TrainingSession:
    found = session.get(TrainingSession, session_id)
    if found is None:
        raise NotFoundError(f"Session {session_id} does not exist; start one with POST /api/sessions.")
    return found


def set_or_404(session: Session, set_id: int) -> LiftSet:
    found = session.get(LiftSet, set_id)
    if found is None:
        raise NotFoundError(f"Set {set_id} does not exist; add sets with POST /api/sessions/{{id}}/sets.")
    return found
