"""``/api/sets/{id}/reps``: store reps idempotently, replace or delete provisional ones, list them.

A client that did not get an answer posts the same rep again with the same ``client_rep_id``: the
stored rep comes back with 200 (201 when it was new); the same ``client_rep_id`` with a different
body is a 409. The rep is acknowledged only after its transaction committed, and the live stream is
woken only then.

Live mode posts a rep *provisionally* (``"provisional": true``) as soon as it sees it, then its final
metrics with the same ``client_rep_id``: a stored provisional rep is replaced by any body with its
``client_rep_id`` (its index may change to a free one), answered with 200 and the new rep, which gets
a new session ``seq`` so that stream listeners receive it again. ``DELETE`` removes a provisional rep
the final analysis did not keep, and the stream says so (a ``rep_deleted`` event). A final rep is
never deleted, and replaced only to be marked suspect (the same values, status ``suspect`` with its
reasons: the set's whole-clip checks doubted a rep live mode had posted as made); a suspect rep never
turns back into a counted one.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vbt.service.auth import ReadAccess, WriteAccess
from vbt.service.convert import rep_body, rep_public
from vbt.service.db import ReadSessionDep, WriteSessionDep
from vbt.service.deps import SetId, set_or_404
from vbt.service.errors import ConflictError, NotFoundError
from vbt.service.models import Rep, RepDeletion, TrainingSession
from vbt.service.schemas import ClientRepId, RepCreate, RepPublic
from vbt.service.stream.fanout import StreamHub
from vbt.types import RepStatus

router = APIRouter(tags=["reps"])


def _stored_rep(db: Session, set_id: int, client_rep_id: str) -> Rep | None:
    return db.scalar(select(Rep).where(Rep.set_id == set_id, Rep.client_rep_id == client_rep_id))


def _same_rep(
    stored: dict[str, object], new: dict[str, object], *, ignoring: frozenset[str] = frozenset()
) -> bool:
    """Equal values under every key but ``ignoring``; a key one side lacks counts as null (fields
    added later)."""
    return all(stored.get(key) == new.get(key) for key in (stored.keys() | new.keys()) - ignoring)


def _as_posted_today(stored: dict[str, object], client_rep_id: str) -> dict[str, object]:
    """A stored body with today's defaults for keys added since it was stored (read as a post
    today would be); as stored when it no longer validates."""
    try:
        return RepCreate.model_validate({**stored, "client_rep_id": client_rep_id}).body()
    except ValidationError:
        return stored


def _is_replay(existing: Rep, body: RepCreate) -> bool:
    stored = _as_posted_today(rep_body(existing), existing.client_rep_id)
    return existing.provisional == body.provisional and _same_rep(stored, body.body())


def _marks_suspect(existing: Rep, body: RepCreate) -> bool:
    """The final rep posted again as final with only its status turned to suspect and its reasons
    given: what live mode sends when the set's whole-clip checks doubt a rep it had posted as made.
    Nothing else may change, and a suspect rep never turns back to a counted one."""
    if existing.provisional or body.provisional or body.status is not RepStatus.SUSPECT:
        return False
    stored = _as_posted_today(rep_body(existing), existing.client_rep_id)
    if stored.get("status") == RepStatus.SUSPECT.value or not body.suspect_reasons:
        return False
    return _same_rep(stored, body.body(), ignoring=frozenset({"status", "suspect_reasons"}))


def _replay_or_conflict(existing: Rep, body: RepCreate, set_id: int) -> RepPublic:
    if _is_replay(existing, body):
        return rep_public(existing)
    if body.provisional and not existing.provisional:
        raise ConflictError(
            f"Set {set_id} already has the final rep {body.client_rep_id!r}; a provisional rep "
            "cannot replace a final one (drop this stale provisional post)."
        )
    raise ConflictError(
        f"Set {set_id} already has a rep with client_rep_id {body.client_rep_id!r} and different "
        "values; give a new rep a new client_rep_id, and repeat a retried rep exactly."
    )


def _next_seq(db: Session, session_id: int) -> int:
    """Take the next number of the session's rep sequence; on PostgreSQL the row lock also
    serialises the writers of this session until commit, so seq order is commit order."""
    return db.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session_id)
        .values(rep_seq=TrainingSession.rep_seq + 1)
        .returning(TrainingSession.rep_seq)
    ).scalar_one()


def _fill(rep: Rep, body: RepCreate, *, seq: int) -> None:
    """Copy a rep body into a row (new or replaced)."""
    rep.session_seq = seq
    rep.rep_index = body.index
    rep.status = body.status.value
    rep.start_s = body.start_s
    rep.end_s = body.end_s
    rep.mean_velocity_m_s = body.mean_velocity_m_s
    rep.mean_propulsive_velocity_m_s = body.mean_propulsive_velocity_m_s
    rep.peak_velocity_m_s = body.peak_velocity_m_s
    rep.range_of_motion_m = body.range_of_motion_m
    rep.body_json = json.dumps(body.body(), sort_keys=True, allow_nan=False)
    rep.provisional = body.provisional


@router.post(
    "/sets/{set_id}/reps",
    status_code=201,
    dependencies=[WriteAccess],
    responses={
        200: {
            "description": "The rep was stored before (same client_rep_id, same values), or it "
            "replaced the stored provisional rep with that client_rep_id, or it marked the stored "
            "final rep suspect (the same values, status suspect and its reasons)."
        },
        409: {
            "description": "The client_rep_id is taken by a final rep with different values (or "
            "this is a provisional post of a final rep), or the index is taken by another rep."
        },
    },
)
def create_rep(
    set_id: SetId, body: RepCreate, db: WriteSessionDep, request: Request, response: Response
) -> RepPublic:
    """Store one rep of a set (the keys of the analysis report plus ``client_rep_id`` and
    ``provisional``), or replace the provisional rep with the same ``client_rep_id``."""
    lift_set = set_or_404(db, set_id)  # on SQLite this transaction already holds the write lock
    session_id = lift_set.session_id
    seq = _next_seq(db, session_id)
    existing = _stored_rep(db, set_id, body.client_rep_id)
    marks_suspect = existing is not None and _marks_suspect(existing, body)
    if (
        existing is not None
        and not marks_suspect
        and (not existing.provisional or _is_replay(existing, body))
    ):
        try:
            public = _replay_or_conflict(existing, body, set_id)
        finally:
            db.rollback()
        response.status_code = 200
        return public
    clash = db.scalar(select(Rep).where(Rep.set_id == set_id, Rep.rep_index == body.index))
    if clash is not None and clash is not existing:
        taken_by = clash.client_rep_id
        db.rollback()
        raise ConflictError(
            f"Set {set_id} already has rep index {body.index} (client_rep_id {taken_by!r}); "
            "each rep of a set needs its own index (delete a provisional rep first to reuse its index)."
        )
    if existing is not None:
        rep = existing  # a provisional rep, or a final one marked suspect, replaced in place under a new seq
        response.status_code = 200
    else:
        rep = Rep(set_id=set_id, session_id=session_id, client_rep_id=body.client_rep_id)
        db.add(rep)
    _fill(rep, body, seq=seq)
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


@router.delete(
    "/sets/{set_id}/reps/{client_rep_id:path}",  # ids may hold a "/"
    status_code=204,
    dependencies=[WriteAccess],
    responses={
        204: {"description": "The provisional rep is gone (or was deleted before)."},
        404: {"description": "The set does not exist, or never had a rep with this client_rep_id."},
        409: {"description": "The rep is final; final reps are never deleted."},
    },
)
def delete_rep(
    set_id: SetId,
    client_rep_id: Annotated[ClientRepId, Path(description="The client_rep_id the rep was posted with.")],
    db: WriteSessionDep,
    request: Request,
) -> Response:
    """Delete a provisional rep that the final analysis did not keep; stream listeners get a
    ``rep_deleted`` event. Deleting it again is a 204 too, so a retried request is harmless."""
    lift_set = set_or_404(db, set_id)
    rep = _stored_rep(db, set_id, client_rep_id)
    if rep is None:
        deleted_before = db.scalar(
            select(RepDeletion.id).where(
                RepDeletion.set_id == set_id, RepDeletion.client_rep_id == client_rep_id
            )
        )
        db.rollback()
        if deleted_before is not None:
            return Response(status_code=204)
        raise NotFoundError(f"Set {set_id} has no rep with client_rep_id {client_rep_id!r}.")
    if not rep.provisional:
        db.rollback()
        raise ConflictError(
            f"Rep {client_rep_id!r} of set {set_id} is final; only provisional reps can be deleted."
        )
    seq = _next_seq(db, lift_set.session_id)
    db.add(
        RepDeletion(
            set_id=set_id,
            session_id=lift_set.session_id,
            session_seq=seq,
            client_rep_id=client_rep_id,
            rep_index=rep.rep_index,
        )
    )
    db.delete(rep)
    db.commit()
    hub: StreamHub = request.app.state.hub
    hub.notify(lift_set.session_id)
    return Response(status_code=204)


@router.get("/sets/{set_id}/reps", dependencies=[ReadAccess])
def list_reps(set_id: SetId, db: ReadSessionDep) -> list[RepPublic]:
    """A set's reps in rep order, provisional ones included (flagged ``provisional``)."""
    return [rep_public(r) for r in set_or_404(db, set_id).reps]
