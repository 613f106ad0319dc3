"""``/api/sets/{id}/reps``: store reps idempotently, list them.

A client that did not get an answer posts the same rep again with the same ``client_rep_id``: the
stored rep comes back with 200 (201 when it was new); the same ``client_rep_id`` with a different
body is a 409. The rep is acknowledged only after its transaction committed, and the live stream is
woken only then.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vbt.service.auth import ReadAccess, WriteAccess
from vbt.service.convert import rep_body, rep_public
from vbt.service.db import ReadSessionDep, WriteSessionDep
from vbt.service.deps import SetId, set_or_404
from vbt.service.errors import ConflictError
from vbt.service.models import Rep, TrainingSession
from vbt.service.schemas import RepCreate, RepPublic
from vbt.service.stream import StreamHub

router = APIRouter(tags=["reps"])


def _stored_rep(db: Session, set_id: int, client_rep_id: str) -> Rep | None:
    return db.scalar(select(Rep).where(Rep.set_id == set_id, Rep.client_rep_id == client_rep_id))


def _same_rep(stored: dict[str, object], new: dict[str, object]) -> bool:
    """Equal values under every key; a key one side lacks counts as null (fields added later)."""
    return all(stored.get(key) == new.get(key) for key in stored.keys() | new.keys())


def _replay_or_conflict(existing: Rep, body: RepCreate, set_id: int) -> RepPublic:
    if _same_rep(rep_body(existing), body.body()):
        return rep_public(existing)
    raise ConflictError(
        f"Set {set_id} already has a rep with client_rep_id {body.client_rep_id!r} and different "
        "values; give a new rep a new client_rep_id, and repeat a retried rep exactly."
    )


@router.post(
    "/sets/{set_id}/reps",
    status_code=201,
    dependencies=[WriteAccess],
    responses={
        200: {"description": "The rep was stored before (same client_rep_id, same values)."},
        409: {"description": "The client_rep_id or the index is taken by a different rep."},
    },
)
def create_rep(
    set_id: SetId, body: RepCreate, db: WriteSessionDep, request: Request, response: Response
) -> RepPublic:
    """Store one rep of a set (the keys of the analysis report plus ``client_rep_id``)."""
    lift_set = set_or_404(db, set_id)  # on SQLite this transaction already holds the write lock
    session_id = lift_set.session_id
    # Take the next number of the session's rep sequence; on PostgreSQL the row lock also
    # serialises the writers of this session until commit, so seq order is commit order.
    seq = db.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session_id)
        .values(rep_seq=TrainingSession.rep_seq + 1)
        .returning(TrainingSession.rep_seq)
    ).scalar_one()
    existing = _stored_rep(db, set_id, body.client_rep_id)
    if existing is not None:
        try:
            public = _replay_or_conflict(existing, body, set_id)
        finally:
            db.rollback()
        response.status_code = 200
        return public
    clash = db.scalar(select(Rep).where(Rep.set_id == set_id, Rep.rep_index == body.index))
    if clash is not None:
        taken_by = clash.client_rep_id
        db.rollback()
        raise ConflictError(
            f"Set {set_id} already has rep index {body.index} (client_rep_id {taken_by!r}); "
            "each rep of a set needs its own index."
        )
    values = body.body()
    rep = Rep(
        set_id=set_id,
        session_id=session_id,
        session_seq=seq,
        client_rep_id=body.client_rep_id,
        rep_index=body.index,
        status=body.status.value,
        start_s=body.start_s,
        end_s=body.end_s,
        mean_velocity_m_s=body.mean_velocity_m_s,
        mean_propulsive_velocity_m_s=body.mean_propulsive_velocity_m_s,
        peak_velocity_m_s=body.peak_velocity_m_s,
        range_of_motion_m=body.range_of_motion_m,
        body_json=json.dumps(values, sort_keys=True, allow_nan=False),
    )
    db.add(rep)
    try:
        db.commit()
    except IntegrityError:
        # Another writer stored the same client_rep_id first (only possible without the lock).
        db.rollback()
        existing = _stored_rep(db, set_id, body.client_rep_id)
        if existing is None:
            raise ConflictError(
                f"Set {set_id} already has rep index {body.index}; each rep needs its own index."
            ) from None
        public = _replay_or_conflict(existing, body, set_id)
        db.rollback()
        response.status_code = 200
        return public
    hub: StreamHub = request.app.state.hub
    hub.notify(session_id)
    return rep_public(rep)


@router.get("/sets/{set_id}/reps", dependencies=[ReadAccess])
def list_reps(set_id: SetId, db: ReadSessionDep) -> list[RepPublic]:
    """A set's reps in rep order."""
    return [rep_public(r) for r in set_or_404(db, set_id).reps]
