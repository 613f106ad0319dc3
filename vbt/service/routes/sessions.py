"""``/api/sessions``: start a training session, read it with its sets."""

from __future__ import annotations

from fastapi import APIRouter

from vbt.service.auth import ReadAccess, WriteAccess
from vbt.service.db import ReadSessionDep, WriteSessionDep
from vbt.service.deps import SessionId, athlete_or_404, session_or_404
from vbt.service.models import TrainingSession, utc_now
from vbt.service.routes.sets import set_public
from vbt.service.schemas import SessionCreate, SessionDetail, SessionPublic

router = APIRouter(prefix="/sessions", tags=["sessions"])


@router.post("", status_code=201, dependencies=[WriteAccess])
def create_session(body: SessionCreate, db: WriteSessionDep) -> SessionPublic:
    """Start a training session for an athlete."""
    athlete_or_404(db, body.athlete_id)
    training = TrainingSession(
        athlete_id=body.athlete_id, started_at=body.started_at or utc_now(), notes=body.notes
    )
    db.add(training)
    db.commit()
    return SessionPublic.model_validate(training)


@router.get("/{session_id}", dependencies=[ReadAccess])
def get_session(session_id: SessionId, db: ReadSessionDep) -> SessionDetail:
    """One session with its sets (oldest first)."""
    training = session_or_404(db, session_id)
    return SessionDetail(
        **SessionPublic.model_validate(training).model_dump(),
        sets=[set_public(s, athlete_id=training.athlete_id) for s in training.sets],
    )
